"""Rebuild the supervision pages' derived rows: daily figures and ledger gaps, stale ones or with --all every one."""

import time

from django.core.management.base import BaseCommand

from supervision import figures, ledger_gaps


class Command(BaseCommand):
    help = (
        "Rebuild the daily figures the statistics dashboard and the assessment sum, and the ledger gaps the "
        "ledger audit lists. Without options only what changed since the last refresh; --all rebuilds everything "
        "(after loading rows with the triggers disabled, a partial restore, or a new holiday library)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="rebuild every day's figures and every gap")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if figures.install_triggers():
            self.stdout.write("Statistics triggers were missing or outdated and have been installed.")
        elif options["all"]:
            self.stdout.write(f"Marked {figures.mark_all_days_stale()} days stale.")
        days = figures.refresh_figures()
        self.stdout.write(f"Rebuilt the daily figures of {days} days in {time.perf_counter() - started:.1f} s.")
        started = time.perf_counter()
        if ledger_gaps.install_triggers():
            self.stdout.write("Ledger triggers were missing or outdated and have been installed; every gap rebuilt.")
        elif options["all"]:
            ledger_gaps.rebuild_all_gaps()
            self.stdout.write("Rebuilt every ledger gap.")
        looked_at = ledger_gaps.refresh_gaps()
        self.stdout.write(
            f"Ledger gaps: {looked_at} changed requests looked at in {time.perf_counter() - started:.1f} s."
        )
