"""`manage.py seed_demo` builds a believable, valid hall and can be run again without changing it."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from hallservice.core.identity import IdType, validate_document_number
from hallservice.demo import seed_demo
from hallservice.demo.staff import DEMO_PASSWORD, SHORT_OF_SPECIALISTS
from requests.models import HandlingType, Matter, RequiredMaterial
from staff.models import CentreLevel, Department, ServiceCentre, StaffKind, StaffMember, Window
from staff.roles import Role
from staff.selectors import (
    departments_short_of_specialists,
    departments_without_chief_representative,
    staffing_shortfalls,
)

pytestmark = pytest.mark.django_db

DEMO_ROLE_USERS = {
    "frontdesk": Role.FRONT_DESK,
    "dutyleader": Role.DUTY_LEADER,
    "supervisor": Role.SUPERVISOR,
    "department": Role.DEPARTMENT_USER,
    "admin": Role.ADMIN,
    "bureauleader": Role.BUREAU_LEADER,
}


@pytest.fixture
def seeded():
    return seed_demo()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (ServiceCentre, Department, Window, get_user_model(), StaffMember, Matter, RequiredMaterial)
    }


def test_demo_hall_has_the_centre_tree(seeded):
    district = ServiceCentre.objects.get(code="XH")
    assert district.name == "新华区政务服务中心"
    assert district.level == CentreLevel.DISTRICT
    assert district.opening_time.strftime("%H:%M") == "09:00"
    assert district.phone and district.complaint_phone and district.address
    towns = ServiceCentre.objects.filter(level=CentreLevel.TOWN)
    assert towns.count() >= 2
    assert set(towns.values_list("parent", flat=True)) == {district.pk}
    villages = ServiceCentre.objects.filter(level=CentreLevel.VILLAGE)
    assert villages.count() >= 3
    assert all(v.parent.level == CentreLevel.TOWN for v in villages)


def test_demo_hall_has_departments_windows_and_help_desks_on_every_floor(seeded):
    assert Department.objects.count() >= 8
    assert set(Department.objects.filter(is_high_volume=True).values_list("code", flat=True)) == {
        "BDC",
        "GJJ",
        "SCJG",
        "GA",
    }
    hall_windows = Window.objects.filter(centre__code="XH")
    assert hall_windows.count() >= 16
    assert set(hall_windows.filter(is_help_desk=True).values_list("floor", flat=True)) == {1, 2, 3}
    assert not hall_windows.filter(is_help_desk=False, department__isnull=True).exists()
    for town in ServiceCentre.objects.filter(level=CentreLevel.TOWN):
        assert town.windows.count() >= 2


def test_demo_staff_covers_every_kind(seeded):
    staff = StaffMember.objects.all()
    assert staff.count() >= 40
    assert set(staff.values_list("kind", flat=True)) == set(StaffKind.values)
    helpers = staff.filter(kind=StaffKind.FULL_TIME_HELPER).exclude(dispatch_company="")
    assert helpers.count() >= 12
    assert staff.filter(kind=StaffKind.DUTY_LEADER).count() >= 6
    assert staff.filter(is_party_member=True).exists()
    for department in Department.objects.all():
        window_helpers = staff.filter(kind=StaffKind.WINDOW_HELPER, department=department, centre__code="XH")
        assert 1 <= window_helpers.count() <= 2
        assert all(m.window.department_id == department.pk for m in window_helpers)
    assert staff.exclude(centre__code="XH").filter(centre__level=CentreLevel.TOWN).exists()
    assert staff.filter(centre__level=CentreLevel.VILLAGE).exists()


def test_every_demo_staff_member_has_an_id_number_the_commission_letter_can_print(seeded):
    numbers = [m.id_number for m in StaffMember.objects.all()]
    assert all(validate_document_number(IdType.RESIDENT_ID, n) == n for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_every_matter_is_catalogued_with_materials(seeded):
    matters = Matter.objects.all()
    assert matters.count() >= 30
    for matter in matters:
        assert 2 <= matter.materials.count() <= 6, matter.code
        assert matter.contact_helper.kind == StaffKind.WINDOW_HELPER
        assert matter.contact_helper.department_id == matter.department_id
        assert matter.legal_basis and matter.process and matter.fees and matter.accepting_window
        assert (matter.handling_type == HandlingType.IMMEDIATE) == (matter.time_limit_days == 0)
    assert matters.filter(handling_type=HandlingType.IMMEDIATE).exists()
    assert RequiredMaterial.objects.filter(tolerant_waivable=True).exists()


def test_each_demo_role_user_is_in_its_group(seeded):
    users = get_user_model().objects.filter(username__in=[*DEMO_ROLE_USERS, "towndesk"])
    for user in users:
        role = DEMO_ROLE_USERS.get(user.username, Role.FRONT_DESK)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(DEMO_PASSWORD)
    assert users.count() == len(DEMO_ROLE_USERS) + 1
    assert all(u.staff_member.centre.code == "XH" for u in users if u.username in DEMO_ROLE_USERS)
    assert users.get(username="towndesk").staff_member.centre.level == CentreLevel.TOWN


def test_admin_login_opens_django_admin_without_being_superuser(seeded, client):
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/staff/window/").status_code == 200


def test_running_twice_creates_nothing_and_keeps_changed_passwords(seeded):
    user = get_user_model().objects.get(username="frontdesk")
    user.set_password("changed-during-demo")
    user.save()
    before = _counts()

    again = seed_demo()

    assert _counts() == before
    assert sum(again["created"].values()) == 0
    user.refresh_from_db()
    assert user.check_password("changed-during-demo")


def test_every_seeded_row_passes_full_clean(seeded):
    for model in (ServiceCentre, Department, Window, StaffMember, Matter, RequiredMaterial):
        for obj in model.objects.all():
            obj.full_clean()


def test_only_the_intended_department_is_short_of_specialists(seeded):
    assert [d.code for d in departments_short_of_specialists()] == [SHORT_OF_SPECIALISTS]


def test_every_demo_department_has_registered_its_coordinator_as_chief_representative(seeded):
    assert not departments_without_chief_representative().exists()
    for department in Department.objects.select_related("chief_representative"):
        assert department.chief_representative.specialist_role == "coordinator"


def test_the_demo_district_hall_meets_the_staffing_minimums_and_the_smaller_centres_do_not(seeded):
    # The towns and stations keep one helper each, and 焦店镇 has a 民政 window nobody is named for: the supervisor's
    # home and the admin have real warnings to show.
    found = {(s.centre_name, s.department_name, s.count) for s in staffing_shortfalls(ServiceCentre.objects.all())}
    assert found == {
        ("焦店镇便民服务中心", "", 1),
        ("焦店镇便民服务中心", "民政局", 0),
        ("西市场街道便民服务中心", "", 1),
        ("焦店村便民服务站", "", 1),
        ("陈庄村便民服务站", "", 1),
        ("曙光街社区便民服务站", "", 1),
    }


def test_pinyin_search_finds_the_real_estate_matters(seeded):
    found = Matter.objects.search("bdc")
    real_estate = set(Matter.objects.filter(department__code="BDC").values_list("code", flat=True))
    assert real_estate <= set(found.values_list("code", flat=True))
    assert all("不动产" in matter.name for matter in found)


@pytest.mark.parametrize("debug", [True, False])
def test_command_prints_the_password_only_in_debug(settings, debug):
    settings.DEBUG = debug
    out = StringIO()

    call_command("seed_demo", stdout=out, allow_without_debug=not debug)

    output = out.getvalue()
    assert "frontdesk" in output and "admin" in output
    assert (DEMO_PASSWORD in output) is debug


def test_command_refuses_without_debug_unless_told(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.filter(username="frontdesk").exists()


def test_the_supervisor_finds_inspections_a_notice_and_difficult_points_with_their_events(seeded):
    """The supervision section's pages are not empty in the demo: an inspection rectified and circulated, one open,
    one that found nothing; a difficult point in coordination and one resolved; each written through its service."""
    from supervision.choices import DifficultPointStatus
    from supervision.models import DifficultPoint, Inspection, Notice, SupervisionEvent

    inspections = Inspection.objects.order_by("inspected_on")
    assert [bool(i.findings) for i in inspections] == [True, True, False]
    assert [i.rectified for i in inspections] == [True, False, False]
    notice = Notice.objects.get()
    assert list(notice.inspections.all()) == [inspections[0]] and notice.number
    assert sorted(DifficultPoint.objects.values_list("status", flat=True)) == sorted(
        [DifficultPointStatus.RESOLVED, DifficultPointStatus.COORDINATING]
    )
    assert SupervisionEvent.objects.filter(actor__username="supervisor").count() >= 8


# Tuesday 8 December 2026, before the hall opens: the demo books the Monday before, this Tuesday and the Wednesday.
DEMO_TUESDAY = datetime(2026, 12, 8, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_desk_has_todays_bookings_and_the_supervision_section_two_training_proposals(client):
    """The appointment desk and the proposals pages reach real objects, made through the services: bookings of the
    working day before (not come), today (booked, one checked in, one in the priority lane) and the next; the two
    complaints left under investigation upheld with a cause. A second run the same day adds nothing."""
    from complaints.models import Complaint
    from requests.models import Appointment, AppointmentEvent, AppointmentStatus
    from training.models import ProposalStatus, TrainingProposal

    with time_machine.travel(DEMO_TUESDAY):
        seed_demo()
        today = Appointment.objects.filter(day=date(2026, 12, 8))
        assert set(today.values_list("status", flat=True)) == {AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN}
        checked_in = today.get(status=AppointmentStatus.CHECKED_IN)
        assert checked_in.queue_number == "A001"
        assert checked_in.events.filter(verb="checked_in", actor__username="frontdesk").exists()
        assert today.filter(status=AppointmentStatus.BOOKED).exclude(priority_groups=[]).exists()
        assert Appointment.objects.filter(day=date(2026, 12, 9), status=AppointmentStatus.BOOKED).count() >= 2
        assert Appointment.objects.filter(day=date(2026, 12, 7), status=AppointmentStatus.BOOKED).exists()
        assert AppointmentEvent.objects.filter(verb="booked").count() == Appointment.objects.count()

        proposals = TrainingProposal.objects.order_by("pk")
        assert [p.status for p in proposals] == [ProposalStatus.PROPOSED] * 2
        assert all(p.complaint.substantiated and p.complaint.cause == p.cause for p in proposals)
        assert Complaint.objects.filter(status="investigating").exists()  # one left for the supervisor

        client.force_login(get_user_model().objects.get(username="frontdesk"))
        desk = client.get("/appointments/")
        assert checked_in.code in desk.text and "A001" in desk.text
        client.force_login(get_user_model().objects.get(username="supervisor"))
        page = client.get("/training/proposals/")
        assert all(f'id="proposal-{p.pk}"' in page.text for p in proposals)

        before = (Appointment.objects.count(), TrainingProposal.objects.count())
        again = seed_demo()
        assert (Appointment.objects.count(), TrainingProposal.objects.count()) == before
        assert sum(again["created"].values()) == 0
