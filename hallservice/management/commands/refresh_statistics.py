"""Rebuild the supervision dashboard's daily figures: the stale days, or with --all every day."""

import time

from django.core.management.base import BaseCommand

from hallservice.supervision.figures import install_triggers, mark_all_days_stale, refresh_figures


class Command(BaseCommand):
    help = (
        "Rebuild the daily figures the statistics dashboard sums. Without options only the days changed since "
        "the last refresh; --all rebuilds every day (after restoring a backup made without the triggers, or "
        "loading rows with the triggers disabled)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="mark every day stale first")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if install_triggers():
            self.stdout.write("Statistics triggers were missing and have been installed; every day is rebuilt.")
        elif options["all"]:
            marked = mark_all_days_stale()
            self.stdout.write(f"Marked {marked} days stale.")
        days = refresh_figures()
        self.stdout.write(f"Rebuilt the daily figures of {days} days in {time.perf_counter() - started:.1f} s.")
