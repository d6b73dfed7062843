"""Registers the kernel's rows (hallservice/core/models.py) with the app label hallservice."""

from hallservice.core.models import (  # noqa: F401  (registered with the app label hallservice)
    ApiToken,
    CalendarOverride,
    CalendarYear,
    NumberSequence,
    Submission,
    ThrottleCount,
)
