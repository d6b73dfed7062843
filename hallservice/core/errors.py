"""Domain errors raised by services, with messages fit to show a clerk.

The DRF exception handler (hallservice.core.api) and the HTML views map them: a DomainError is a 400 with the
message, TransitionNotAllowed a 409, PermissionDenied a 403.
"""

from django.core.exceptions import PermissionDenied

__all__ = ["DomainError", "TransitionNotAllowed", "PermissionDenied"]


class DomainError(Exception):
    """A rule of the hall refuses the action; ``field`` names the input at fault when there is one."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(DomainError):
    """The action is not allowed in the object's current state."""
