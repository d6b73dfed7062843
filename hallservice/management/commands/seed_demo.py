"""`manage.py seed_demo`: build the demo hall (idempotent) and list the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hallservice.demo import seed_demo
from hallservice.demo.staff import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Create or update the demo hall: centres, departments, windows, staff, demo logins and matters."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even though DEBUG is off (a staging copy); the demo logins share a known password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "DEBUG is off: this looks like production, and demo logins have a published password. "
                "Use --allow-without-debug for a staging copy."
            )
        result = seed_demo(stdout=self.stdout)
        new = sum(result["created"].values())
        self.stdout.write(self.style.SUCCESS(f"Demo hall ready ({new} new rows)."))
        self.stdout.write("Demo logins (username — role — name):")
        for username, role, name in demo_logins():
            self.stdout.write(f"  {username:<12} {role:<16} {name}")
        if settings.DEBUG:
            self.stdout.write(f"Password of these and of every other demo staff login: {DEMO_PASSWORD}")
        else:
            # The password is in the source, but a production log should not spell it out.
            self.stdout.write(
                self.style.WARNING(
                    "Demo users exist with the demo password (not shown because DEBUG is off); "
                    "change or deactivate them before real use."
                )
            )
