"""Issue an API token for a user and print it once: ``manage.py issue_api_token <username> --name ... --days ...``.

Only the token goes to standard output (so scripts can capture it); the note about its lifetime goes to
standard error.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hallservice.core.actors import SYSTEM
from hallservice.core.api_tokens import api_token_issue
from hallservice.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue an expiring API token for a user; the token is printed once and stored only hashed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="integration", help="what uses the token")
        parser.add_argument("--days", type=int, default=None, help="lifetime (default API_TOKEN_TTL_DAYS)")

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            row, token = api_token_issue(user=user, actor=SYSTEM, name=name, days=days)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
        self.stderr.write(
            f"Token {row.prefix} for {username} expires {row.expires_at:%Y-%m-%d %H:%M} UTC; store it now."
        )
