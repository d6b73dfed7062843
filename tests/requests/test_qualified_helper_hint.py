"""Issue 19 item 5: registration suggests the helpers of the clerk's centre qualified for the chosen matter's
department (the skills matrix, staff.Qualification), best first; choosing one makes them the dedicated helper."""

import pytest
from django.urls import reverse
from django.utils import timezone

from requests.models import ServiceRequest
from staff.models import Qualification, QualificationLevel, StaffKind
from staff.selectors import qualified_helpers
from tests.factories import DistrictFactory, StaffMemberFactory

from .conftest import registration_form

pytestmark = pytest.mark.django_db


def grade(member, department, level, matter=None):
    return Qualification.objects.create(
        staff=member, department=department, matter=matter, level=level, computed_at=timezone.now()
    )


@pytest.fixture
def graded(people, matter, hall):
    district = hall["district"]
    expert = StaffMemberFactory(centre=district, name="专家帮办", kind=StaffKind.FULL_TIME_HELPER)
    qualified = StaffMemberFactory(centre=district, name="合格帮办", kind=StaffKind.FULL_TIME_HELPER)
    on_matter = StaffMemberFactory(centre=district, name="本事项帮办", kind=StaffKind.FULL_TIME_HELPER)
    learning = StaffMemberFactory(centre=district, name="学习帮办", kind=StaffKind.FULL_TIME_HELPER)
    elsewhere = StaffMemberFactory(centre=DistrictFactory(code="OT"), name="外区帮办", kind=StaffKind.FULL_TIME_HELPER)
    gone = StaffMemberFactory(centre=district, name="离职帮办", kind=StaffKind.FULL_TIME_HELPER, is_active=False)
    dept = people["dept"]
    grade(expert, dept, QualificationLevel.EXPERT)
    grade(qualified, dept, QualificationLevel.QUALIFIED)
    grade(on_matter, dept, QualificationLevel.LEARNING)
    grade(on_matter, dept, QualificationLevel.QUALIFIED, matter=matter)
    grade(learning, dept, QualificationLevel.LEARNING)
    grade(elsewhere, dept, QualificationLevel.EXPERT)
    grade(gone, dept, QualificationLevel.EXPERT)
    grade(learning, people["other_dept"], QualificationLevel.EXPERT)
    return {"expert": expert, "qualified": qualified, "on_matter": on_matter}


def test_the_selector_orders_by_level_and_the_matter_first(graded, matter, hall):
    found = qualified_helpers(centre_id=hall["district"].pk, department_id=matter.department_id, matter_id=matter.pk)
    assert [h.name for h in found] == ["专家帮办", "本事项帮办", "合格帮办"]
    assert [h.for_matter for h in found] == [False, True, False]


def test_the_chosen_matter_shows_the_qualified_helpers(client, people, graded, matter):
    client.force_login(people["desk"])
    html = client.get(reverse("requests:matter-materials", args=[matter.pk])).content.decode()
    assert html.index("专家帮办") < html.index("本事项帮办") < html.index("合格帮办")
    for name in ("学习帮办", "外区帮办", "离职帮办"):
        assert name not in html
    assert 'name="helper_id"' in html


def test_no_hint_without_a_qualified_helper(client, people, matter):
    client.force_login(people["desk"])
    html = client.get(reverse("requests:matter-materials", args=[matter.pk])).content.decode()
    assert 'name="helper_id"' not in html


def test_choosing_a_suggested_helper_makes_them_the_dedicated_helper(client, people, graded, matter):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:register"), registration_form(matter, helper_id=graded["expert"].pk))
    assert response.status_code == 302
    assert ServiceRequest.objects.get().helper == graded["expert"]


def test_without_a_choice_the_clerk_stays_the_dedicated_helper(client, people, graded, matter):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:register"), registration_form(matter, helper_id=""))
    assert response.status_code == 302
    assert ServiceRequest.objects.get().helper == people["desk"].staff_member


def test_a_helper_of_another_centre_is_refused(client, people, matter):
    client.force_login(people["desk"])
    outsider = StaffMemberFactory(centre=DistrictFactory(code="OT"), name="外区帮办")
    response = client.post(reverse("requests:register"), registration_form(matter, helper_id=outsider.pk))
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()
