"""`manage.py seed_demo`: build the demo hall (idempotent) and list the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand

from hallservice.demo import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Create or update the demo hall: centres, departments, windows, staff, demo logins and matters."

    def handle(self, *args, **options):
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
