"""Issue 14 item 12: each action's form starts from what is known and offers only what can succeed.

Real-world cases: the 送达 step defaulted to 当场办结 and then refused it; the recipient and address of 张三
(新华区建设路 1 号, on file since registration) were typed again for the commission letter and again for the
post; 归档 was offered before a summary existed; 出具一次性告知单 and 打印 were two confusing steps; an assist's
受理 form showed the agency's hand-over and commission fields.
"""

import re

import pytest

from hallservice.core.errors import TransitionNotAllowed
from requests import services as svc
from requests.models import DocumentKind, IssuedDocument, Kind, Status
from requests.services.documents import document_issue
from tests.signed_forms import keep_signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_of(html: str, req, action: str) -> str:
    match = re.search(rf'<form method="post" action="{req.get_absolute_url()}act/{action}/">(.*?)</form>', html, re.S)
    assert match, f"no {action} form on the page"
    return match.group(1)


def options(form_html: str, name: str) -> tuple[list[str], str]:
    """The values a select offers and the one preselected."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', form_html, re.S).group(1)
    values = re.findall(r'<option value="([^"]*)"', select)
    chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', select)
    return values, (chosen[0] if chosen else values[0])


def value_of(form_html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', form_html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def completed(register, people, **fields):
    desk = people["desk"]
    req = register(**fields)
    if req.kind == Kind.AGENCY:
        keep_signed(desk, req)
        svc.request_accept(actor=desk, request_id=req.pk, handover_items="全部材料")
    else:
        svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_start(actor=desk, request_id=req.pk)
    svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书已出证")
    req.refresh_from_db()
    return req


def test_an_immediate_query_is_delivered_on_the_spot_with_the_form_as_shown(
    client, register, people, immediate_matter
):
    req = register(matter=immediate_matter)
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    client.force_login(people["desk"])
    form = form_of(client.get(req.get_absolute_url()).content.decode(), req, "deliver")

    assert options(form, "method") == (["on_the_spot"], "on_the_spot")
    assert 'name="tracking_number"' not in form
    assert value_of(form, "signer") == "张三"

    response = client.post(
        f"{req.get_absolute_url()}act/deliver/",
        {"method": "on_the_spot", "signer": "张三", "result": "查询结果已交付"},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.DELIVERED


def test_a_completed_request_is_not_offered_on_the_spot_and_defaults_to_in_person(client, register, people):
    req = completed(register, people)
    # The applicant signs the printed completion form on taking the result (tests/requests/test_delivery_print_first.py).
    document_issue(actor=people["desk"], request_id=req.pk, kind="completion_form")
    keep_signed(people["desk"], req, "completion_form")
    client.force_login(people["desk"])
    form = form_of(client.get(req.get_absolute_url()).content.decode(), req, "deliver")

    values, chosen = options(form, "method")
    assert "on_the_spot" not in values and chosen == "in_person"
    assert 'name="result"' not in form

    response = client.post(
        f"{req.get_absolute_url()}act/deliver/", {"method": chosen, "signer": value_of(form, "signer")}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.DELIVERED and req.delivery.signer == "张三"


def test_the_address_on_file_is_used_for_the_commission_letter_and_the_post(register, people):
    req = register(kind=Kind.AGENCY)
    desk = people["desk"]
    document_issue(actor=desk, request_id=req.pk, kind=DocumentKind.COMMISSION_LETTER, pickup_method="post")
    req.refresh_from_db()
    assert (req.pickup_recipient, req.pickup_address, req.pickup_phone) == ("张三", "新华区建设路 1 号", "13812345678")

    keep_signed(desk, req)
    svc.request_accept(actor=desk, request_id=req.pk, handover_items="全部材料")
    svc.request_start(actor=desk, request_id=req.pk)
    svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书已出证")
    svc.request_deliver(actor=desk, request_id=req.pk, method="post", carrier="EMS", tracking_number="1234567890")
    req.refresh_from_db()
    assert (req.delivery.recipient, req.delivery.address) == ("张三", "新华区建设路 1 号")


def test_the_delivery_form_preselects_the_post_the_applicant_chose(client, register, people):
    req = register(kind=Kind.AGENCY)
    document_issue(actor=people["desk"], request_id=req.pk, kind=DocumentKind.COMMISSION_LETTER, pickup_method="post")
    desk = people["desk"]
    keep_signed(desk, req)
    svc.request_accept(actor=desk, request_id=req.pk, handover_items="全部材料")
    svc.request_start(actor=desk, request_id=req.pk)
    svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书已出证")
    client.force_login(desk)  # the dedicated helper: may see the address
    form = form_of(client.get(req.get_absolute_url()).content.decode(), req, "deliver")
    assert options(form, "method")[1] == "post"
    assert value_of(form, "recipient") == "张三"
    assert value_of(form, "address") == "新华区建设路 1 号"


def test_archive_is_offered_only_once_a_summary_exists_and_refused_409_before(
    client, register, people, immediate_matter
):
    desk = people["desk"]
    req = register(matter=immediate_matter)
    svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_deliver(actor=desk, request_id=req.pk, method="on_the_spot", signer="张三", result="查询结果")
    client.force_login(desk)
    assert f"{req.get_absolute_url()}act/archive/" not in client.get(req.get_absolute_url()).content.decode()
    with pytest.raises(TransitionNotAllowed):
        svc.request_archive(actor=desk, request_id=req.pk)
    assert client.post(f"{req.get_absolute_url()}act/archive/").status_code == 409
    req.refresh_from_db()
    assert req.status == Status.DELIVERED

    svc.request_write_summary(actor=desk, request_id=req.pk, text="当场查询并出具结果。")
    assert f"{req.get_absolute_url()}act/archive/" in client.get(req.get_absolute_url()).content.decode()
    assert client.post(f"{req.get_absolute_url()}act/archive/").status_code == 302
    req.refresh_from_db()
    assert req.status == Status.ARCHIVED


def test_issuing_the_deficiency_notice_prints_it_in_the_same_step(client, register, people, matter):
    req = register(provide_all=False, provided_material_ids=[m.pk for m in matter.materials.all()][:2])
    desk = people["desk"]
    client.force_login(desk)
    missing = req.material_checks.get(name="完税证明")
    reviews = [
        {"check_id": c.pk, "status": "missing" if c.pk == missing.pk else "provided", "promised_by": None, "note": ""}
        for c in req.material_checks.all()
    ]
    svc.request_review_materials(actor=desk, request_id=req.pk, reviews=reviews)
    html = client.get(req.get_absolute_url()).content.decode()
    form = form_of(html, req, "issue_deficiency_notice")
    assert re.search(r'name="print_notice"[^>]*checked', form)
    # Only one way to the notice before it is issued: the action, not a separate print button.
    assert f"{req.get_absolute_url()}documents/deficiency_notice/" not in html

    response = client.post(f"{req.get_absolute_url()}act/issue_deficiency_notice/", {"print_notice": "on"})

    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.DEFICIENT
    assert IssuedDocument.objects.filter(request=req, kind=DocumentKind.DEFICIENCY_NOTICE).count() == 1


def test_the_deficiency_notice_is_not_offered_before_every_material_is_reviewed(client, register, people, matter):
    req = register(provide_all=False, provided_material_ids=[m.pk for m in matter.materials.all()][:2])
    client.force_login(people["desk"])
    html = client.get(req.get_absolute_url()).content.decode()
    assert f"{req.get_absolute_url()}act/issue_deficiency_notice/" not in html


def test_an_assists_accept_form_shows_only_assist_fields(client, register, people):
    assist = register()
    agency = register(kind=Kind.AGENCY)
    client.force_login(people["desk"])
    assist_form = form_of(client.get(assist.get_absolute_url()).content.decode(), assist, "accept")
    assert 'name="handover_items"' not in assist_form and 'name="commission_signed"' not in assist_form
    agency_form = form_of(client.get(agency.get_absolute_url()).content.decode(), agency, "accept")
    # The signed commission letter is kept as a file (issue 18), not ticked on the accept form.
    assert 'name="handover_items"' in agency_form and 'name="commission_signed"' not in agency_form
