"""The public helper board (/guide/helpers/) and the printed signs (/guide/signs/): who helps today and where,
with work contacts only; the 帮办代办 sign lists today's helpers, the complaint sign leads to the complaint form."""

import io
import subprocess
from datetime import date

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from guide import documents
from hallservice.core.actors import SYSTEM
from rosters.models import DutyDay, RotationAssignment, UnavailabilityKind
from rosters.services import unavailability_record
from staff.models import StaffKind, StaffMember
from tests.factories import StaffMemberFactory
from tests.rosters.conftest import at

from .conftest import STAFF_ID, add_specialists

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 12, 9)  # a working day of the published December plan
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def test_the_board_shows_each_helper_with_work_contacts_and_todays_desk_without_login(client, board_hall):
    leader = DutyDay.objects.get(plan=board_hall["plan"], day=WEDNESDAY).leader
    helper = board_hall["helpers"][0]
    window = RotationAssignment.objects.get(plan=board_hall["plan"], helper=helper).window

    with at(2026, 12, 9, 8, 30):
        response = client.get(reverse("guide:helpers"))

    assert response.status_code == 200
    page = response.content.decode()
    helper.refresh_from_db()
    assert helper.name in page and helper.staff_number in page and helper.phone in page
    assert "导办咨询、材料预审" in page
    assert f"{window.number}号窗口" in page
    assert leader.name in page and "帮办代办服务台带班" in page
    # Window helpers of a department stand at their own window.
    assert "窗口帮办1" in page


def test_the_board_never_shows_an_id_number(client, board_hall):
    with at(2026, 12, 9, 8, 30):
        page = client.get(reverse("guide:helpers")).content.decode()

    assert STAFF_ID not in page
    assert STAFF_ID[:6] + "*" not in page and STAFF_ID[-4:] not in page


def test_a_helper_on_leave_is_not_at_the_hall_today_and_off_the_sign(client, board_hall):
    helper = board_hall["helpers"][1]
    with at(2026, 12, 8):
        unavailability_record(
            actor=SYSTEM, staff_id=helper.pk, start=WEDNESDAY, end=WEDNESDAY, kind=UnavailabilityKind.LEAVE
        )

    with at(2026, 12, 9, 8, 30):
        page = client.get(reverse("guide:helpers")).content.decode()
        sign = pdf_text(client.get(reverse("guide:service-sign")).content)

    helper.refresh_from_db()
    present = board_hall["helpers"][0]
    present.refresh_from_db()
    assert "今日不在岗" in page
    # Name and staff number side by side on the sign ("帮办2" alone is also part of "窗口帮办2").
    assert f"{helper.name}{helper.staff_number}" not in sign
    assert f"{present.name}{present.staff_number}" in sign


def test_a_reloaded_sign_is_laid_out_once_until_a_helper_goes_on_leave(client, board_hall, monkeypatch, fresh_cache):
    from hallservice.core import pdf

    layouts, write = [], pdf._write_pdf
    monkeypatch.setattr(pdf, "_write_pdf", lambda html, sheets: layouts.append(html) or write(html, sheets))
    helper = board_hall["helpers"][1]
    with at(2026, 12, 9, 8, 30):
        before = client.get(reverse("guide:service-sign")).content
        assert client.get(reverse("guide:service-sign")).content == before
        assert len(layouts) == 1
        unavailability_record(
            actor=SYSTEM, staff_id=helper.pk, start=WEDNESDAY, end=WEDNESDAY, kind=UnavailabilityKind.LEAVE
        )
        after = pdf_text(client.get(reverse("guide:service-sign")).content)
    helper.refresh_from_db()
    assert len(layouts) == 2
    assert f"{helper.name}{helper.staff_number}" in pdf_text(before)
    assert f"{helper.name}{helper.staff_number}" not in after


def test_an_inactive_helper_is_not_on_the_board(client, board_hall):
    gone = StaffMemberFactory(centre=board_hall["centre"], name="已离职甲", kind=StaffKind.FULL_TIME_HELPER)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    with at(2026, 12, 9, 8, 30):
        page = client.get(reverse("guide:helpers")).content.decode()

    assert "已离职甲" not in page


def test_a_helper_without_photo_shows_the_given_name_and_with_one_the_photo(client, board_hall, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with_photo, without = board_hall["helpers"][0], board_hall["leaders"][0]
    with_photo.photo = SimpleUploadedFile("face.png", PNG)
    with_photo.save(update_fields=["photo"])

    with at(2026, 12, 9, 8, 30):
        page = client.get(reverse("guide:helpers")).content.decode()
    photo = client.get(reverse("guide:helper-photo", args=[with_photo.pk]))

    assert f'src="{reverse("guide:helper-photo", args=[with_photo.pk])}"' in page
    assert f'aria-hidden="true">{without.name[-2:]}</span>' in page
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    assert client.get(reverse("guide:helper-photo", args=[without.pk])).status_code == 404


def test_an_inactive_helpers_photo_is_not_served(client, board_hall, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = board_hall["helpers"][0]
    member.photo = SimpleUploadedFile("face.png", PNG)
    member.is_active = False
    member.save(update_fields=["photo", "is_active"])

    assert client.get(reverse("guide:helper-photo", args=[member.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "refused"),
    [
        ("face.jpg", b"<html><script>alert(1)</script></html>", True),
        ("face.gif", b"GIF89a", True),
        ("face.png", PNG, False),
    ],
)
def test_the_staff_admin_refuses_a_photo_that_is_not_a_jpeg_or_png(board_hall, name, content, refused):
    member = board_hall["helpers"][0]
    request = RequestFactory().get("/admin/")
    request.user = board_hall["supervisor"]
    form_class = admin.site._registry[StaffMember].get_form(request, member)

    form = form_class(data={}, files={"photo": SimpleUploadedFile(name, content)}, instance=member)
    form.is_valid()

    assert ("photo" in form.errors) is refused


def test_the_board_costs_the_same_queries_for_more_helpers(client, board_hall):
    def queries() -> int:
        with at(2026, 12, 9, 8, 30), CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("guide:helpers")).status_code == 200
        return len(captured)

    few = queries()
    add_specialists(board_hall, 10)
    many = queries()

    assert many == few
    assert many <= 15


@pytest.mark.parametrize(("size", "width"), [("A4", 595), ("A3", 842)])
def test_the_service_sign_lists_todays_duty_leader_and_helpers_on_the_paper_asked(client, board_hall, size, width):
    leader = DutyDay.objects.get(plan=board_hall["plan"], day=WEDNESDAY).leader

    with at(2026, 12, 9, 8, 30):
        response = client.get(reverse("guide:service-sign"), {"size": size})

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    (page,) = PdfReader(io.BytesIO(response.content)).pages  # one sheet to hang
    assert round(float(page.mediabox.width)) == width
    text = pdf_text(response.content)
    assert "帮办代办" in text and "今日值班" in text
    assert f"带班人员：{leader.name}" in text
    assert board_hall["helpers"][0].name in text
    assert STAFF_ID not in text


def test_the_complaint_sign_carries_the_complaint_phone_and_a_code_to_the_complaint_form(
    client, board_hall, monkeypatch, settings
):
    settings.PUBLIC_BASE_URL = "https://zwfw.xinhua.gov.cn/"
    centre = board_hall["centre"]
    centre.complaint_phone = "0375-2690345"
    centre.save(update_fields=["complaint_phone"])
    encoded = []
    real_qr = documents.qr_image
    monkeypatch.setattr(documents, "qr_image", lambda url: encoded.append(url) or real_qr(url))

    response = client.get(reverse("guide:complaint-sign"), {"size": "A3", "centre": centre.code})

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    text = pdf_text(response.content)
    assert "一次未办好投诉" in text and "0375-2690345" in text
    assert encoded == ["https://zwfw.xinhua.gov.cn/track/complain/"]


def test_a_sign_on_a_paper_size_not_offered_is_refused(client, board_hall):
    assert client.get(reverse("guide:service-sign"), {"size": "A0"}).status_code == 400
    assert client.get(reverse("guide:complaint-sign"), {"centre": "NOPE"}).status_code == 404


def test_supervisors_find_the_signs_on_their_home_page(client, board_hall):
    client.force_login(
        board_hall["supervisor"].user if hasattr(board_hall["supervisor"], "user") else board_hall["supervisor"]
    )

    page = client.get(reverse("home")).content.decode()

    assert reverse("guide:service-sign") + "?size=A3&amp;centre=" + board_hall["centre"].code in page
    assert reverse("guide:complaint-sign") + "?size=A4" in page


def test_admins_enter_the_staff_number_photo_and_the_matters_window(admin_client, board_hall):
    member = board_hall["helpers"][0]

    staff_page = admin_client.get(reverse("admin:staff_staffmember_change", args=[member.pk])).content.decode()
    matter_page = admin_client.get(reverse("admin:requests_matter_add")).content.decode()

    assert 'name="staff_number"' in staff_page and 'name="photo"' in staff_page
    assert 'name="window"' in matter_page
