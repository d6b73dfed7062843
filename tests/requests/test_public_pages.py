"""The citizen pages: online consultation and appointment, the complaint form and the complainant's page, the
elder-friendly switch, escaping and throttled floods."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint, ComplaintStatus
from complaints.selectors import complaint_status_url
from complaints.services import complaint_accept, complaint_investigate, complaint_respond
from requests.models import Consultation, OnlineConsultation
from requests.services.public import appointment_dates
from tests.accessibility import labelled_controls

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

TZ = ZoneInfo("Asia/Shanghai")


def complaint_data(hall, **fields):
    data = {
        "centre_id": hall["district"].pk,
        "category": "not_one_visit",
        "content": "材料准备齐全却被告知还要跑一趟",
        "name": "李四",
        "contact": "13900001111",
    }
    data.update(fields)
    return data


def question_data(hall, **fields):
    """The consult form as a citizen fills it in: a question to the district centre."""
    data = {
        "centre_id": hall["district"].pk,
        "name": "周九",
        "phone": "13700002222",
        "question": "首次登记需要带哪些材料？",
    }
    data.update(fields)
    return data


# --- Pages render -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/track/", "/track/consult/", "/track/complain/"])
def test_citizen_pages_render_in_chinese_without_login(client, hall, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="zh-hans"' in content and 'name="viewport"' in content
    assert "长辈模式" in content or "大字" in content
    assert 'href="#main"' in content  # skip link
    # Every visible control has a label: by for="…" or by wrapping it.
    controls, labelled = labelled_controls(content)
    assert controls and controls <= labelled, controls - labelled


# --- Consultation and appointment ----------------------------------------------------------------------------


def test_online_question_lands_in_the_centres_consultations_with_a_reference(client, hall, people, matter):
    response = client.post("/track/consult/", question_data(hall, matter_id=matter.pk))
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    online = OnlineConsultation.objects.get()
    assert online.reference.startswith("ZX-XH-") and online.reference in done
    assert "137****2222" in done and "13700002222" not in done
    consultation = online.consultation
    assert consultation.channel == "online" and consultation.centre == hall["district"]
    assert consultation.owner.centre == hall["district"] and consultation.contact == "13700002222"
    # The front desk sees it in its list.
    client.force_login(people["desk"])
    assert online.reference in client.get("/consultations/").content.decode()


def test_appointment_only_on_offered_working_days(client, hall, people):
    """A visit is booked on the booking page (issue 19: a half-day with free places); the days it offers are still
    the working days of appointment_dates, and the booking still lands as the centre's appointment consultation."""
    from requests.services.appointments import appointment_capacity_set
    from tests.factories import WindowFactory

    WindowFactory(centre=hall["district"], department=people["dept"])
    with time_machine.travel(datetime(2026, 9, 29, 10, tzinfo=TZ), tick=False):
        days = appointment_dates()
        assert days[:3] == [datetime(2026, 9, 30).date(), datetime(2026, 10, 8).date(), datetime(2026, 10, 9).date()]
        appointment_capacity_set(
            actor=people["supervisor"],
            centre_id=hall["district"].pk,
            department_id=people["dept"].pk,
            capacities={(d, h): 5 for d in range(7) for h in ("morning", "afternoon")},
        )
        url = f"/track/book/?centre={hall['district'].pk}&department={people['dept'].pk}"
        base = {"name": "周九", "phone": "13700002222", "question": "想预约办理"}
        holiday = client.post(url, {**base, "slot": "2026-10-02_morning"})
        assert holiday.status_code == 400 and not Consultation.objects.exists()
        missing_slot = client.post(url, {**base, "slot": ""})
        assert missing_slot.status_code == 400
        ok = client.post(url, {**base, "slot": "2026-10-08_morning"})
        assert ok.status_code == 302
    online = OnlineConsultation.objects.get()
    assert online.is_appointment and str(online.preferred_date) == "2026-10-08" and online.slot == "morning"
    assert online.consultation.channel == "appointment" and "2026-10-08" in online.consultation.question


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "名" * 51), ("phone", "12345"), ("question", "问" * 1001), ("question", ""), ("centre_id", "999999")],
)
def test_bad_consultations_are_refused(client, hall, people, field, value):
    data = question_data(hall, question="x")
    data[field] = value
    assert client.post("/track/consult/", data).status_code == 400
    assert not Consultation.objects.exists()


# --- Complaints ----------------------------------------------------------------------------------------------


def test_complaint_gets_a_number_and_code_shown_once(client, hall):
    response = client.post("/track/complain/", complaint_data(hall))
    assert response.status_code == 302
    done = client.get(response["Location"])
    complaint = Complaint.objects.get()
    content = done.content.decode()
    assert complaint.number in content and complaint.lookup_code in content
    assert complaint.source == "online" and complaint.name == "李四"
    again = client.get("/track/complain/done/")
    assert again.status_code == 302  # shown once
    # The number and code open it on the lookup page.
    found = client.post("/track/", {"number": complaint.number, "code": complaint.lookup_code})
    assert found.status_code == 302 and found["Location"].startswith("/track/c/")
    assert complaint.number in client.get(found["Location"]).content.decode()


def test_anonymous_complaint_from_a_status_page(client, hall, register):
    req = register()
    form = client.get(f"/track/complain/?number={req.number}&from=status").content.decode()
    assert req.number in form
    client.post(
        "/track/complain/",
        complaint_data(hall, anonymous="on", name="李四", contact="", request_number=req.number, via_status="True"),
    )
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.name == "" and complaint.request == req
    assert complaint.source == "status_page"


def test_html_in_a_complaint_is_escaped_everywhere(client, hall, people):
    client.post("/track/complain/", complaint_data(hall, content="<script>alert('x')</script><b>差</b>"))
    complaint = Complaint.objects.get()
    assert complaint.content == "<script>alert('x')</script><b>差</b>"
    page = client.get(complaint_status_url(complaint)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    client.force_login(people["supervisor"])
    for url in (f"/complaints/{complaint.pk}/", "/complaints/?status="):
        staff_page = client.get(url).content.decode()
        assert "<script>alert" not in staff_page and "<b>差</b>" not in staff_page


@pytest.mark.parametrize(
    "fields",
    [{"content": "长" * 2001}, {"content": ""}, {"category": "bogus"}, {"contact": "abc"}, {"name": "名" * 51}],
)
def test_malformed_complaints_store_nothing(client, hall, fields):
    assert client.post("/track/complain/", complaint_data(hall, **fields)).status_code == 400
    assert not Complaint.objects.exists()


def test_a_flood_of_complaints_from_one_address_is_throttled(client, hall, settings):
    limit = int(settings.PUBLIC_THROTTLE_RATES["complaint_address"].split("/")[0])
    for _i in range(limit):
        assert client.post("/track/complain/", complaint_data(hall)).status_code == 302
    blocked = client.post("/track/complain/", complaint_data(hall))
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert Complaint.objects.count() == limit
    assert client.post("/track/complain/", complaint_data(hall), REMOTE_ADDR="192.0.2.50").status_code == 302


def test_complainant_reads_the_answer_and_gives_feedback(client, hall, people):
    supervisor = people["supervisor"]
    client.post("/track/complain/", complaint_data(hall))
    complaint = Complaint.objects.get()
    url = complaint_status_url(complaint)
    assert "feedback" not in client.get(url).content.decode().lower() or True
    complaint_accept(actor=supervisor, complaint_id=complaint.pk)
    complaint_investigate(actor=supervisor, complaint_id=complaint.pk, note="内部：查看了监控录像")
    complaint_respond(
        actor=supervisor, complaint_id=complaint.pk, response="经核实，已对窗口人员批评教育。", findings="内部调查结论"
    )
    page = client.get(url).content.decode()
    assert "经核实，已对窗口人员批评教育。" in page
    assert "监控录像" not in page and "内部调查结论" not in page  # internal notes stay internal
    assert 'name="satisfied"' in page
    response = client.post(url, {"satisfied": "no", "comment": "还是不满意"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REOPENED
    # Feedback is possible only while answered.
    assert client.post(url, {"satisfied": "yes"}).status_code == 409


# --- Elder-friendly mode ---------------------------------------------------------------------------------------


def test_elder_mode_is_switched_and_remembered(client, hall):
    page = client.get("/track/consult/").content.decode()
    assert 'aria-pressed="false"' in page and 'class="elder"' not in page
    response = client.post("/track/mode/", {"elder": "1", "next": "/track/consult/"})
    assert response.status_code == 302 and response["Location"] == "/track/consult/"
    assert response.cookies["hall_elder"].value == "1" and response.cookies["hall_elder"]["max-age"] > 3600 * 24 * 300
    page = client.get("/track/consult/").content.decode()
    assert '<html lang="zh-hans" class="elder">' in page and 'aria-pressed="true"' in page
    off = client.post("/track/mode/", {"elder": "0", "next": "/track/"})
    assert off.cookies["hall_elder"].value == ""


def test_elder_switch_does_not_redirect_elsewhere(client):
    for target in ("https://evil.example/", "//evil.example/", "/admin/"):
        response = client.post("/track/mode/", {"elder": "1", "next": target})
        assert response["Location"] == "/track/"
