"""The rosters' small hall (tests/rosters/conftest.py) for the helper board, the signs and the display board."""

import pytest

from hallservice.core.identity import check_digit
from staff.models import StaffKind, StaffMember
from tests.factories import StaffMemberFactory
from tests.rosters.conftest import published, roster_hall  # noqa: F401  (fixtures)

STAFF_ID = "41040219880808666" + check_digit("41040219880808666")


@pytest.fixture
def board_hall(roster_hall, published):  # noqa: F811  (the fixtures imported above)
    """The rosters' hall with work contacts: staff numbers, work phones, a scope, and an ID number on file."""
    for i, member in enumerate(StaffMember.objects.filter(centre=roster_hall["centre"]).order_by("pk"), start=1):
        member.staff_number = f"XH{i:04d}"
        member.phone = f"0375-2690{100 + i}"
        member.save(update_fields=["staff_number", "phone"])
    helper = roster_hall["helpers"][0]
    helper.id_number = STAFF_ID
    helper.business_scope = "导办咨询、材料预审"
    helper.save(update_fields=["id_number", "business_scope"])
    return {**roster_hall, "plan": published}


def add_specialists(hall: dict, count: int) -> None:
    """``count`` more department specialists at the hall's second window: a board must cost no more queries."""
    for i in range(count):
        StaffMemberFactory(
            centre=hall["centre"],
            name=f"专员{i}",
            kind=StaffKind.SPECIALIST,
            department=hall["department"],
            window=hall["windows"][1],
        )
