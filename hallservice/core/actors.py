"""Who a service acts for when it is not a logged-in user."""

from __future__ import annotations

# The system (a Celery task, a timer, or another app writing through a service on its own account): it passes every
# permission check and sees every centre, and its events have no user.
SYSTEM = None
