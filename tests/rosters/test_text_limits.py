"""Roster free text is refused when longer than its field, not cut (issue 14, item 5)."""

import pytest

from hallservice.core.errors import DomainError
from rosters.models import Substitution

from .test_substitutions import file_for_leader

pytestmark = pytest.mark.django_db


def test_a_substitution_reason_of_300_characters_is_refused_not_cut(roster_hall, published):
    reason = "到省厅参加全省政务服务工作会议，会期三天，其间无法到岗。" * 11  # 308 characters
    with pytest.raises(DomainError) as refused:
        file_for_leader(roster_hall, published, reason=reason)
    assert refused.value.field == "reason"
    assert not Substitution.objects.exists()
