"""Trainings and attendance: required attendees filled in, department trainings notify the full-time helpers,
attendance marks and the rate per person and month; the session transition table."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from training import services as svc
from training.models import (
    SESSION_TRANSITIONS,
    Attendance,
    AttendanceStatus,
    NoticeKind,
    SessionKind,
    SessionStatus,
    TrainingNotice,
)
from training.selectors import attendance_report

from .conftest import MONTH, at, moment

pytestmark = pytest.mark.django_db


def plan(people, topic, *, actor=None, kind=SessionKind.WEEKLY, when=(2026, 11, 10, 14), **extra):
    with at(2026, 11, 1):
        return svc.session_create(
            actor=actor or people["supervisor"],
            centre_id=people["centre"].pk,
            kind=kind,
            topic_id=topic.pk,
            title="业务培训",
            starts_at=moment(*when),
            trainer_name="李卫民",
            **extra,
        )


def test_the_required_attendees_are_the_centres_full_time_helpers(people, topics):
    session = plan(people, topics[0])
    required = set(session.attendance.filter(required=True).values_list("staff__name", flat=True))
    assert required == {"帮办1", "帮办2", "帮办3"}
    assert set(session.attendance.values_list("status", flat=True)) == {AttendanceStatus.PENDING}
    notices = TrainingNotice.objects.filter(kind=NoticeKind.SESSION, key=f"session:{session.pk}")
    assert notices.count() == 3 and "2026-11-10 14:00" in notices.first().text


def test_a_department_user_adds_their_departments_short_training_and_the_helpers_are_told(people, topics):
    dept = people["dept_user"]
    session = plan(people, topics[0], actor=dept, kind=SessionKind.WEEKLY)  # the kind is forced
    assert session.kind == SessionKind.DEPARTMENT and session.department == people["department"]
    helpers = {h.staff_member.pk for h in people["helpers"]}
    told = set(TrainingNotice.objects.filter(key=f"session:{session.pk}").values_list("staff_id", flat=True))
    assert told == helpers
    # They edit their own department's trainings only, and cannot plan weekly ones elsewhere.
    weekly = plan(people, topics[1])
    with at(2026, 11, 1), pytest.raises(PermissionDenied):
        svc.session_cancel(actor=dept, session_id=weekly.pk, reason="x")
    with at(2026, 11, 1), pytest.raises(PermissionDenied):
        plan(people, topics[0], actor=people["helpers"][0])


def test_a_department_training_needs_its_department(people, topics):
    with pytest.raises(DomainError) as refused:
        plan(people, topics[0], kind=SessionKind.DEPARTMENT)
    assert refused.value.field == "department"


def test_attendance_is_recorded_once_the_training_has_begun(people, topics):
    session = plan(people, topics[0])
    h1, h2, h3 = (h.staff_member.pk for h in people["helpers"])
    marks = {h1: AttendanceStatus.PRESENT, h2: AttendanceStatus.ABSENT}
    with at(2026, 11, 10, 13, 59), pytest.raises(TransitionNotAllowed):
        svc.attendance_record(actor=people["supervisor"], session_id=session.pk, marks=marks)
    with at(2026, 11, 10, 15):
        with pytest.raises(DomainError, match="reason"):
            svc.attendance_record(
                actor=people["supervisor"], session_id=session.pk, marks={h3: AttendanceStatus.EXCUSED}
            )
        with pytest.raises(DomainError, match="not on this training"):
            svc.attendance_record(
                actor=people["supervisor"],
                session_id=session.pk,
                marks={people["window_helper"].staff_member.pk: AttendanceStatus.PRESENT},
            )
        svc.attendance_record(actor=people["supervisor"], session_id=session.pk, marks=marks)
        svc.session_complete(actor=people["supervisor"], session_id=session.pk)
    statuses = dict(Attendance.objects.filter(session=session).values_list("staff_id", "status"))
    # Whoever was unmarked when the training was closed counts as absent.
    assert statuses == {h1: "present", h2: "absent", h3: "absent"}
    with at(2026, 11, 11):
        # Held trainings may still be corrected (a late excuse).
        svc.attendance_record(
            actor=people["supervisor"],
            session_id=session.pk,
            marks={h3: AttendanceStatus.EXCUSED},
            notes={h3: "病假条已补交"},
        )
    assert Attendance.objects.get(session=session, staff_id=h3).status == AttendanceStatus.EXCUSED


def test_the_attendance_rate_per_person_and_month(people, topics):
    h1, h2, h3 = (h.staff_member.pk for h in people["helpers"])
    sessions = [plan(people, topics[i], when=(2026, 11, 3 + 7 * i, 14)) for i in range(3)]
    cancelled = plan(people, topics[0], when=(2026, 11, 26, 14))
    marks = [
        {h1: "present", h2: "present", h3: "absent"},
        {h1: "present", h2: "absent", h3: "excused"},
        {h1: "present", h2: "present", h3: "absent"},
    ]
    with at(2026, 11, 25):
        for session, m in zip(sessions, marks, strict=True):
            svc.attendance_record(actor=people["supervisor"], session_id=session.pk, marks=m, notes={h3: "出差"})
            svc.session_complete(actor=people["supervisor"], session_id=session.pk)
        svc.session_cancel(actor=people["supervisor"], session_id=cancelled.pk, reason="讲师出差")
    # A window helper who joined one training counts for that one only.
    with at(2026, 11, 25):
        svc.session_attendee_add(
            actor=people["supervisor"], session_id=sessions[0].pk, staff_id=people["window_helper"].staff_member.pk
        )
    listed, rows = attendance_report(people["centre"], MONTH)
    assert [s.pk for s in listed] == [s.pk for s in sessions]  # the cancelled one is left out
    rates = {r.staff.pk: (r.present, r.absent, r.excused, r.rate) for r in rows}
    assert rates[h1][:3] == (3, 0, 0) and str(rates[h1][3]) == "100.0"
    assert rates[h2][:3] == (2, 1, 0) and str(rates[h2][3]) == "66.7"
    # An excused absence does not count against the person: 0 present of 2 that count.
    assert rates[h3][:3] == (0, 2, 1) and str(rates[h3][3]) == "0.0"
    assert rates[people["window_helper"].staff_member.pk][3] is None  # pending only


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [(s, t, t in SESSION_TRANSITIONS[s]) for s in SessionStatus.values for t in (SessionStatus.HELD, "cancelled")],
)
def test_the_session_transition_table(people, topics, start, target, allowed):
    session = plan(people, topics[0], when=(2026, 11, 10, 9))
    session.status = start
    session.save(update_fields=["status"])
    call = (
        (lambda: svc.session_complete(actor=people["supervisor"], session_id=session.pk))
        if target == SessionStatus.HELD
        else (lambda: svc.session_cancel(actor=people["supervisor"], session_id=session.pk, reason="原因"))
    )
    with at(2026, 11, 10, 10):
        if allowed:
            assert call().status == target
        else:
            with pytest.raises(TransitionNotAllowed):
                call()


def test_the_sessions_pages(client, people, topics):
    sup = people["supervisor"]
    client.force_login(sup)
    url = reverse("training:sessions")
    with at(2026, 11, 1):
        page = client.get(url, {"month": "2026-11"})
        assert page.status_code == 200
        created = client.post(
            f"{url}?centre={people['centre'].pk}&month=2026-11",
            {
                "kind": SessionKind.AD_HOC,
                "topic": topics[2].pk,
                "title": "服务礼仪专题",
                "starts_at": "2026-11-12T15:00",
                "duration_minutes": 90,
                "location": "一楼大厅",
                "trainer_name": "王老师",
                "content": "文明用语、首问负责",
            },
        )
        assert created.status_code == 302, created.content.decode()[:2000]
        session = people["centre"].training_sessions.get(title="服务礼仪专题")
        assert session.kind == SessionKind.AD_HOC and session.attendance.count() == 3
        bad = client.post(url, {"kind": SessionKind.WEEKLY, "title": "", "starts_at": "x"})
        assert bad.status_code == 400
    detail = client.get(session.get_absolute_url())
    assert detail.status_code == 200 and "文明用语" in detail.content.decode()
    h1 = people["helpers"][0].staff_member.pk
    with at(2026, 11, 12, 16):
        saved = client.post(session.get_absolute_url(), {f"mark_{h1}": "present", "complete": "1"})
        assert saved.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert Attendance.objects.get(session=session, staff_id=h1).status == "present"
    upload = SimpleUploadedFile("礼仪.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attached = client.post(
        reverse("training:session-act", args=[session.pk, "material"]), {"title": "讲义", "file": upload}
    )
    assert attached.status_code == 302
    material = session.materials.get()
    # A helper of the centre downloads it; someone of another centre gets a 404.
    client.force_login(people["helpers"][1])
    assert client.get(material.get_absolute_url()).status_code == 200
    assert client.get(session.get_absolute_url()).status_code == 200
    assert client.post(session.get_absolute_url(), {f"mark_{h1}": "absent"}).status_code == 404
    client.force_login(people["town_helper"])
    assert client.get(material.get_absolute_url()).status_code == 404
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_bad_material_file_is_refused(people, topics):
    session = plan(people, topics[0])
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(DomainError, match="PDF"):
        svc.session_material_add(actor=people["supervisor"], session_id=session.pk, title="", file=exe)


def test_a_department_user_plans_on_the_page_a_short_training_of_their_department(client, people, topics):
    client.force_login(people["dept_user"])
    with at(2026, 11, 1):
        page = client.get(reverse("training:sessions"))
        assert page.status_code == 200 and 'name="kind"' not in page.content.decode()
        created = client.post(
            reverse("training:sessions"),
            {
                "topic": topics[0].pk,
                "title": "不动产登记新政解读",
                "starts_at": "2026-11-18T10:00",
                "duration_minutes": 45,
                "trainer_name": "李卫民",
            },
        )
    assert created.status_code == 302
    session = people["centre"].training_sessions.get(title="不动产登记新政解读")
    assert (session.kind, session.department) == (SessionKind.DEPARTMENT, people["department"])
    assert TrainingNotice.objects.filter(key=f"session:{session.pk}").count() == 3
    assert client.get(reverse("training:session-edit", args=[session.pk])).status_code == 200
