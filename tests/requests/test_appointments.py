"""Appointments with capacity (issue 19 item 3): places per centre, department and half-day set by the supervision
section; booking shows free half-days only and confirms with a code and an SMS; lookup needs the code and the
phone's last four digits; cancelling frees the place; the reminder the day before; check-in at the desk with a
queue number per lane; no-shows by the timer or the clerk; every change an event; phones masked in lists."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hallservice.core.actors import CITIZEN, SYSTEM
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests.models import (
    APPOINTMENT_TRANSITIONS,
    Appointment,
    AppointmentEvent,
    AppointmentSlot,
    AppointmentStatus,
    Consultation,
    Notification,
)
from requests.services import appointments as appt
from requests.tasks import appointment_timers
from tests.conftest import api_as
from tests.factories import WindowFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

TZ = ZoneInfo("Asia/Shanghai")
# Tuesday 8 December 2026: the booking window starts on Wednesday the 9th.
TUESDAY = datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
WEDNESDAY, THURSDAY = date(2026, 12, 9), date(2026, 12, 10)
PHONE = "13712345678"


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def places(hall, people):
    """The land registry's window at the district centre: 2 places every morning, 1 every afternoon."""
    WindowFactory(centre=hall["district"], department=people["dept"], number="B01")
    capacities = {(d, "morning"): 2 for d in range(5)} | {(d, "afternoon"): 1 for d in range(5)}
    appt.appointment_capacity_set(
        actor=people["supervisor"],
        centre_id=hall["district"].pk,
        department_id=people["dept"].pk,
        capacities=capacities,
    )
    return {"centre": hall["district"], "department": people["dept"]}


def book(places, *, day=WEDNESDAY, half_day="morning", phone=PHONE, **extra):
    return appt.appointment_book(
        centre_id=places["centre"].pk,
        department_id=places["department"].pk,
        day=day,
        half_day=half_day,
        name="周九",
        phone=phone,
        question="办理不动产转移登记",
        **extra,
    )


def book_url(places):
    return f"/track/book/?centre={places['centre'].pk}&department={places['department'].pk}"


# --- Booking on the public pages -------------------------------------------------------------------------------


def test_booking_page_offers_only_free_half_days_with_places_left(client, people, places):
    with at(TUESDAY):
        book(places, half_day="afternoon")  # Wednesday afternoon: full
        appt.appointment_day_set(
            actor=people["supervisor"],
            centre_id=places["centre"].pk,
            department_id=places["department"].pk,
            day=THURSDAY,
            half_day="morning",
            capacity=2,
            closed=True,
        )
        page = client.get(book_url(places)).content.decode()
    assert 'value="2026-12-09_morning"' in page and "剩余 2 个" in page
    assert 'value="2026-12-09_afternoon"' not in page  # full
    assert 'value="2026-12-10_morning"' not in page  # closed by the supervisor
    assert 'value="2026-12-10_afternoon"' in page
    assert 'value="2026-12-12_' not in page and 'value="2026-12-13_' not in page  # the weekend


def test_booking_gives_a_code_and_an_sms_and_lands_in_the_centres_consultations(
    client, people, places, django_capture_on_commit_callbacks
):
    with at(TUESDAY), django_capture_on_commit_callbacks(execute=True):
        data = {
            "slot": "2026-12-09_morning",
            "name": "周九",
            "phone": PHONE,
            "question": "办理不动产转移登记",
            "priority_groups": ["elderly"],
        }
        response = client.post(book_url(places), data)
        assert response.status_code == 302
        done = client.get(response["Location"]).content.decode()
    booking = Appointment.objects.get()
    assert len(booking.code) == 6 and booking.code in done
    assert "137****5678" in done and PHONE not in done
    assert booking.priority_groups == ["elderly"] and booking.status == AppointmentStatus.BOOKED
    assert AppointmentSlot.objects.get(day=WEDNESDAY, half_day="morning").booked == 1
    consultation = Consultation.objects.get()
    assert consultation.channel == "appointment" and "2026-12-09" in consultation.question
    sms = Notification.objects.get(key=f"appointment:{booking.pk}:appointment_booked")
    assert booking.code in sms.body and sms.recipient == PHONE and sms.recipient_masked != PHONE
    event = AppointmentEvent.objects.get(appointment=booking)
    assert event.verb == "booked" and event.actor_kind == "citizen"


def test_the_last_place_is_refused_to_the_next_citizen_and_nothing_is_kept(client, places):
    with at(TUESDAY):
        book(places, half_day="afternoon")
        with pytest.raises(DomainError) as refused:
            book(places, half_day="afternoon", phone="13800001111")
        assert refused.value.field == "slot"
        response = client.post(
            book_url(places),
            {"slot": "2026-12-09_afternoon", "name": "李四", "phone": "13800001111", "question": "咨询"},
        )
    assert response.status_code == 400
    assert Appointment.objects.count() == 1 and Consultation.objects.count() == 1
    assert AppointmentSlot.objects.get(day=WEDNESDAY, half_day="afternoon").booked == 1


def test_one_booking_per_phone_per_half_day(places):
    with at(TUESDAY):
        book(places)
        with pytest.raises(DomainError) as refused:
            book(places, phone="137 1234 5678")
        assert refused.value.field == "phone"
        book(places, half_day="afternoon")  # another half-day is fine
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("day", date(2026, 12, 12)),
        ("day", date(2026, 12, 8)),
        ("half_day", "evening"),
        ("phone", "12345"),
        ("phone", "0375-2690000"),  # a landline gets no SMS
    ],
)
def test_bad_bookings_are_refused(places, field, value):
    with at(TUESDAY), pytest.raises(DomainError):
        book(places, **{field: value})
    assert not Appointment.objects.exists() and AppointmentSlot.objects.filter(booked__gt=0).count() == 0


def test_lookup_needs_the_code_and_the_phone_tail_and_cancelling_frees_the_place(
    client, places, django_capture_on_commit_callbacks
):
    with at(TUESDAY):
        booking = book(places, half_day="afternoon")
        wrong = client.post("/track/booking/", {"code": booking.code, "phone_tail": "0000"})
        assert wrong.status_code == 404 and "2026-12-09" not in wrong.content.decode()
        found = client.post("/track/booking/", {"code": booking.code.lower(), "phone_tail": "5678"})
        assert found.status_code == 200
        page = found.content.decode()
        assert booking.code in page and "取消预约" in page
        token = page.split('name="token" value="')[1].split('"')[0]
        forged = client.post("/track/booking/cancel/", {"token": token[:-2] + "xx"})
        assert forged.status_code == 400
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = client.post("/track/booking/cancel/", {"token": token})
        assert cancelled.status_code == 200
        booking.refresh_from_db()
        assert booking.status == AppointmentStatus.CANCELLED
        assert AppointmentSlot.objects.get(pk=booking.slot_id).booked == 0
        assert Notification.objects.filter(key=f"appointment:{booking.pk}:appointment_cancelled").exists()
        # The freed place is offered again and can be booked.
        assert 'value="2026-12-09_afternoon"' in client.get(book_url(places)).content.decode()
        book(places, half_day="afternoon", phone="13800001111")
    assert list(booking.events.order_by("pk").values_list("verb", "actor_kind")) == [
        ("booked", "citizen"),
        ("cancelled", "citizen"),
    ]


def test_a_booking_cannot_be_cancelled_once_its_half_day_began(places):
    with at(TUESDAY):
        booking = book(places)
    with at(datetime(2026, 12, 9, 9, 30, tzinfo=TZ)), pytest.raises(TransitionNotAllowed):
        appt.appointment_cancel(actor=CITIZEN, appointment_id=booking.pk)


def test_the_reminder_goes_the_day_before_and_only_once(places, django_capture_on_commit_callbacks):
    with at(datetime(2026, 12, 4, 15, tzinfo=TZ)):
        # Friday: bookings for Tuesday and Wednesday.
        early = book(places, day=date(2026, 12, 8))
        later = book(places, day=WEDNESDAY, phone="13800001111")
    with at(datetime(2026, 12, 7, 11, tzinfo=TZ)):
        # Monday: booked for Tuesday the day before; its confirmation was today, no reminder follows.
        fresh = book(places, day=date(2026, 12, 8), phone="13900002222")
    with at(datetime(2026, 12, 7, 18, tzinfo=TZ)):
        assert appt.appointments_remind() == 1  # tomorrow's booking made before today only
    with at(datetime(2026, 12, 8, 18, tzinfo=TZ)):
        with django_capture_on_commit_callbacks(execute=True):
            assert appointment_timers.delay().get()["reminded"] == 1
        assert appt.appointments_remind() == 0  # a second run sends nothing
    keys = set(Notification.objects.filter(template="appointment_reminder").values_list("key", flat=True))
    assert keys == {f"appointment:{early.pk}:appointment_reminder", f"appointment:{later.pk}:appointment_reminder"}
    assert later.code in Notification.objects.get(key=f"appointment:{later.pk}:appointment_reminder").body
    assert not Notification.objects.filter(key=f"appointment:{fresh.pk}:appointment_reminder").exists()


# --- At the hall -----------------------------------------------------------------------------------------------


def test_check_in_gives_the_next_number_of_each_lane_per_centre_and_day(client, people, places):
    with at(TUESDAY):
        first = book(places)
        elderly = book(places, phone="13800001111", priority_groups=["elderly"])
        third = book(places, half_day="afternoon", phone="13900002222")
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        desk = people["desk"]
        assert appt.appointment_check_in(actor=desk, appointment_id=first.pk).queue_number == "A001"
        assert appt.appointment_check_in(actor=desk, appointment_id=elderly.pk).queue_number == "Y001"
        # The clerk confirms a priority group the citizen did not say when booking.
        third = appt.appointment_check_in(actor=desk, appointment_id=third.pk, priority_groups=["disabled"])
        assert third.queue_number == "Y002" and third.checked_in_at is not None
        with pytest.raises(TransitionNotAllowed):
            appt.appointment_check_in(actor=desk, appointment_id=first.pk)
        client.force_login(desk)
        ticket = client.get(f"/appointments/{elderly.pk}/ticket/").content.decode()
        assert "Y001" in ticket and "优先" in ticket and "@media print" not in ticket
    event = AppointmentEvent.objects.get(appointment=first, verb="checked_in")
    assert event.actor == desk and event.note == "A001"


def test_a_booking_is_checked_in_on_its_day_only_and_by_the_desk_of_its_centre(people, places):
    with at(TUESDAY):
        booking = book(places)
        with pytest.raises(TransitionNotAllowed):
            appt.appointment_check_in(actor=people["desk"], appointment_id=booking.pk)
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        for who in ("supervisor", "dept_user", "town_desk"):
            with pytest.raises(PermissionDenied):
                appt.appointment_check_in(actor=people[who], appointment_id=booking.pk)
        with pytest.raises(PermissionDenied):
            appt.appointment_check_in(actor=CITIZEN, appointment_id=booking.pk)
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.BOOKED and booking.queue_number == ""


def test_no_shows_are_recorded_by_the_timer_after_the_half_day_ends_or_by_the_clerk(people, places):
    with at(TUESDAY):
        morning = book(places)
        afternoon = book(places, half_day="afternoon")
        clerk_marks = book(places, phone="13800001111")
        with pytest.raises(TransitionNotAllowed):  # the half-day has not begun
            appt.appointment_mark_no_show(actor=people["desk"], appointment_id=clerk_marks.pk)
    with at(datetime(2026, 12, 9, 10, tzinfo=TZ)):
        appt.appointment_mark_no_show(actor=people["desk"], appointment_id=clerk_marks.pk)
        assert appt.appointments_record_no_shows() == 0  # the morning is not over yet
    with at(datetime(2026, 12, 9, 12, 5, tzinfo=TZ)):
        assert appointment_timers.delay().get()["no_shows"] == 1
        assert appt.appointments_record_no_shows() == 0  # idempotent
    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert morning.status == AppointmentStatus.NO_SHOW and afternoon.status == AppointmentStatus.BOOKED
    assert morning.events.get(verb="no_show").actor_kind == "system"
    assert clerk_marks.events.get(verb="no_show").actor == people["desk"]


@pytest.mark.parametrize("current", list(AppointmentStatus))
@pytest.mark.parametrize("target", [AppointmentStatus.CHECKED_IN, AppointmentStatus.NO_SHOW])
def test_the_desk_follows_the_transition_table(people, places, current, target):
    with at(TUESDAY):
        booking = book(places)
    Appointment.objects.filter(pk=booking.pk).update(
        status=current,
        queue_number="A099" if current == AppointmentStatus.CHECKED_IN else "",
        checked_in_at=TUESDAY if current == AppointmentStatus.CHECKED_IN else None,
    )
    act = appt.appointment_check_in if target == AppointmentStatus.CHECKED_IN else appt.appointment_mark_no_show
    with at(datetime(2026, 12, 9, 10, tzinfo=TZ)):
        if target in APPOINTMENT_TRANSITIONS[current]:
            assert act(actor=people["desk"], appointment_id=booking.pk).status == target
        else:
            with pytest.raises(TransitionNotAllowed):
                act(actor=people["desk"], appointment_id=booking.pk)


def test_the_desk_page_lists_todays_bookings_with_masked_phones_and_finds_by_code_or_tail(client, people, places):
    with at(TUESDAY):
        mine = book(places)
        other = book(places, phone="13800001111")
        tomorrow = book(places, day=THURSDAY, phone="13900002222")
    client.force_login(people["desk"])
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        page = client.get("/appointments/").content.decode()
        assert mine.code in page and other.code in page and tomorrow.code not in page
        assert "137****5678" in page and PHONE not in page
        by_tail = client.get("/appointments/?q=5678").content.decode()
        assert mine.code in by_tail and other.code not in by_tail
        by_code = client.get(f"/appointments/?q={other.code.lower()}").content.decode()
        assert other.code in by_code and mine.code not in by_code
        response = client.post(f"/appointments/{mine.pk}/check-in/", {"priority_groups": ["pregnant"]})
        assert response.status_code == 302 and response["Location"] == f"/appointments/{mine.pk}/ticket/"
        mine.refresh_from_db()
        assert mine.queue_number == "Y001"
        assert client.post(f"/appointments/{other.pk}/no-show/").status_code == 302
        other.refresh_from_db()
        assert other.status == AppointmentStatus.NO_SHOW
    client.force_login(people["town_desk"])
    assert client.post(f"/appointments/{tomorrow.pk}/check-in/").status_code == 404  # another centre's booking


# --- Places ------------------------------------------------------------------------------------------------------


def test_the_supervision_section_sets_the_usual_week_and_closes_a_day_on_its_page(client, people, places):
    url = f"/appointments/places/?centre={places['centre'].pk}&department={places['department'].pk}"
    client.force_login(people["desk"])
    assert client.get(url).status_code == 403
    client.force_login(people["supervisor"])
    with at(TUESDAY):
        assert client.get(url).status_code == 200
        week = {f"cap_{d}_{h}": "3" for d in range(5) for h in ("morning", "afternoon")}
        bad = client.post(url, {**week, "cap_0_morning": "x", "centre": places["centre"].pk})
        assert bad.status_code == 400
        assert client.post(url, {**week, "centre": places["centre"].pk}).status_code == 302
        free = {(s.day, s.half_day): s.free for s in appt.free_slots(places["centre"], places["department"])}
        assert free[(WEDNESDAY, "afternoon")] == 3
        closing = {"form": "day", "department": places["department"].pk, "day": "2026-12-09"}
        response = client.post(url, {**closing, "half_day": "afternoon", "capacity": "3", "closed": "on"})
        assert response.status_code == 302
        weekend = client.post(url, {**closing, "day": "2026-12-12", "half_day": "morning", "capacity": "3"})
        assert weekend.status_code == 400 and "工作日" in weekend.content.decode()
        free = {(s.day, s.half_day) for s in appt.free_slots(places["centre"], places["department"])}
    assert (WEDNESDAY, "afternoon") not in free and (WEDNESDAY, "morning") in free
    verbs = list(AppointmentEvent.objects.order_by("pk").values_list("verb", "actor"))
    assert verbs[-2:] == [("weekly_capacity_set", people["supervisor"].pk), ("day_set", people["supervisor"].pk)]


def test_places_cannot_fall_below_those_booked(people, places):
    with at(TUESDAY):
        book(places)
        with pytest.raises(DomainError):
            appt.appointment_day_set(
                actor=people["supervisor"],
                centre_id=places["centre"].pk,
                department_id=places["department"].pk,
                day=WEDNESDAY,
                half_day="morning",
                capacity=0,
            )
        with pytest.raises(PermissionDenied):
            appt.appointment_capacity_set(
                actor=people["desk"],
                centre_id=places["centre"].pk,
                department_id=places["department"].pk,
                capacities={(0, "morning"): 9},
            )


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_lists_todays_bookings_checks_in_and_records_no_shows(people, places):
    with at(TUESDAY):
        first = book(places)
        second = book(places, phone="13800001111")
        book(places, day=THURSDAY)
    api = api_as(people["desk"])
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        listed = api.get("/api/v1/appointments/")
        assert listed.status_code == 200
        rows = listed.json()["results"]
        assert {r["code"] for r in rows} == {first.code, second.code}
        assert all(r["phone_masked"].count("*") == 4 for r in rows) and PHONE not in listed.content.decode()
        bad = api.post(
            f"/api/v1/appointments/{first.pk}/check-in/", {"priority_groups": ["key_project"]}, format="json"
        )
        assert bad.status_code == 400 and "priority_groups" in bad.json()
        done = api.post(f"/api/v1/appointments/{first.pk}/check-in/", {"priority_groups": []}, format="json")
        assert done.status_code == 200 and done.json()["queue_number"] == "A001"
        assert api.post(f"/api/v1/appointments/{first.pk}/check-in/", {}, format="json").status_code == 409
        assert api.post(f"/api/v1/appointments/{second.pk}/no-show/").json()["status"] == "no_show"
        assert api.get("/api/v1/appointments/?day=not-a-day").status_code == 400
    supervisor = api_as(people["supervisor"])
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        assert supervisor.post(f"/api/v1/appointments/{second.pk}/no-show/").status_code == 403


def test_system_actor_marks_no_show_only_after_the_end(places):
    with at(TUESDAY):
        booking = book(places)
    with at(datetime(2026, 12, 9, 11, tzinfo=TZ)), pytest.raises(TransitionNotAllowed):
        appt.appointment_mark_no_show(actor=SYSTEM, appointment_id=booking.pk)


# --- Django admin --------------------------------------------------------------------------------------------------


def test_the_admin_keeps_places_through_the_services_and_not_the_bookings(client, admin_user_role, people, places):
    client.force_login(admin_user_role)
    with at(TUESDAY):
        booking = book(places)
        add = "/admin/requests/appointmentslot/add/"
        data = {
            "centre": places["centre"].pk,
            "department": places["department"].pk,
            "day": "2026-12-10",
            "half_day": "afternoon",
            "capacity": "0",
            "closed": "on",
        }
        weekend = client.post(add, {**data, "day": "2026-12-12"})
        assert weekend.status_code == 200 and "工作日" in weekend.content.decode()
        assert client.post(add, data).status_code == 302
        slot = AppointmentSlot.objects.get(day=THURSDAY, half_day="afternoon")
        assert slot.closed and slot.overridden and slot.events.get().verb == "day_set"
        assert slot.events.get().actor == admin_user_role
        # Bookings carry citizens' names: not the administrator's to read (the desk and the API show them masked).
        assert client.get("/admin/requests/appointment/").status_code == 403
        assert client.get(f"/admin/requests/appointment/{booking.pk}/change/").status_code == 403


def test_booking_pages_are_in_chinese_with_every_control_labelled(client, places):
    from tests.accessibility import labelled_controls

    with at(TUESDAY):
        for url in ("/track/book/", book_url(places), "/track/booking/"):
            response = client.get(url)
            assert response.status_code == 200
            content = response.content.decode()
            assert 'lang="zh-hans"' in content and "长辈模式" in content
            controls, labelled = labelled_controls(content)
            assert controls and controls <= labelled, (url, controls - labelled)


def test_an_id_card_read_at_check_in_puts_the_elderly_in_the_priority_lane_without_keeping_the_number(
    client, people, places
):
    from hallservice.core.identity import check_digit

    old = "41040219500101002"
    old += check_digit(old)  # born 1950: 76 in 2026
    young = "41040219900101002"
    young += check_digit(young)
    with at(TUESDAY):
        elder = book(places)
        other = book(places, phone="13800001111")
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        with pytest.raises(DomainError) as bad:
            appt.appointment_check_in(actor=people["desk"], appointment_id=elder.pk, id_number="123")
        assert bad.value.field == "id_number"
        assert appt.appointment_check_in(
            actor=people["desk"], appointment_id=elder.pk, id_number=old
        ).queue_number == ("Y001")
        client.force_login(people["desk"])
        client.post(f"/appointments/{other.pk}/check-in/", {"id_number": young})
    other.refresh_from_db()
    assert other.queue_number == "A001" and other.priority_groups == []
    elder.refresh_from_db()
    assert elder.priority_groups == ["elderly"]
    stored = " ".join(str(v) for v in Appointment.objects.values_list().get(pk=elder.pk))
    stored += " ".join(AppointmentEvent.objects.values_list("note", flat=True))
    assert old not in stored


@pytest.fixture
def town_window(hall):
    """The town's only window department: civil affairs (民政), which the district books nothing for."""
    from tests.factories import DepartmentFactory

    civil = DepartmentFactory(code="MZJ", name="民政局")
    WindowFactory(centre=hall["town"], department=civil, number="T01")
    return civil


def _department_options(content: str) -> list[str]:
    import re

    select = re.search(r'<select name="department".*?</select>', content, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def test_choosing_another_centre_swaps_in_its_departments_by_htmx(client, hall, places, town_window):
    with at(TUESDAY):
        page = client.get("/track/book/").content.decode()
        assert 'hx-target="#appt-department"' in page and "vendor/htmx/htmx.min.js" in page
        assert _department_options(page) == [places["department"].name]

        response = client.get(
            f"/track/book/?centre={hall['town'].pk}",
            headers={"HX-Request": "true", "HX-Target": "appt-department"},
        )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="appt-department"') and "<html" not in content
    assert _department_options(content) == ["民政局"]
    assert "fielderror" not in content  # nothing chosen yet is not an error
    # The booking form of the department chosen before is taken away (out of band).
    assert '<div id="appt-slots" hx-swap-oob="true"></div>' in content


def test_without_script_the_changed_centre_shows_its_own_departments(client, hall, places, town_window):
    # The centre changed, the department of the district still selected: the page comes back with the town's list.
    with at(TUESDAY):
        response = client.get(f"/track/book/?centre={hall['town'].pk}&department={places['department'].pk}")
        content = response.content.decode()
        assert response.status_code == 200
        assert _department_options(content) == ["民政局"]
        assert "请选择在本中心设有窗口的部门。" in content
        assert 'method="post"' not in content.split('id="appt-slots"')[1].split("</div>")[0]

        chosen = client.get(f"/track/book/?centre={hall['town'].pk}&department={town_window.pk}")
    assert chosen.status_code == 200
    assert "<h2>民政局</h2>" in chosen.content.decode()


def test_a_check_in_sent_twice_keeps_its_first_number_and_a_later_one_says_when_it_was_done(client, people, places):
    import re

    with at(TUESDAY):
        booking = book(places)
    client.force_login(people["desk"])
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        page = client.get("/appointments/").content.decode()
        form = page[page.index(f"/appointments/{booking.pk}/check-in/") :]
        token = re.search(r'name="form_token" value="([0-9a-f]{32})"', form).group(1)
        url = f"/appointments/{booking.pk}/check-in/"

        first, second = client.post(url, {"form_token": token}), client.post(url, {"form_token": token})
        assert first.status_code == 302 and first.url == f"/appointments/{booking.pk}/ticket/"
        assert second.status_code in (200, 302)

    with at(datetime(2026, 12, 9, 9, 20, tzinfo=TZ)):
        # The back button: the desk's old page, a new form token; the booking keeps A001 and the clerk is told.
        later = client.post(url, {"form_token": "f" * 32}, follow=True)
    assert "该预约已于 09:05 签到，排队号为 A001。" in later.content.decode()
    booking.refresh_from_db()
    assert booking.queue_number == "A001" and booking.events.filter(verb="checked_in").count() == 1


def test_the_desk_finds_nothing_for_a_wrong_code_and_shows_the_search_escaped(client, people, places):
    with at(TUESDAY):
        book(places)
    client.force_login(people["desk"])
    with at(datetime(2026, 12, 9, 9, 5, tzinfo=TZ)):
        for q in ("ZZZZZZ", "12", "<b>x</b>", "9" * 300):
            response = client.get("/appointments/", {"q": q})
            html = response.content.decode()
            assert response.status_code == 200 and "今日没有相符的预约。" in html and "<b>x</b>" not in html
