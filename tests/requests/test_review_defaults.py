"""Issue 14 item 4: the pre-review form starts from what registration recorded; an unticked material is 缺少.

The real-world case: 张三 brought the 不动产登记申请书 and his 身份证明 but not the 完税证明; the clerk ticked
the two at registration. The pre-review form showed all three as 已提供, so one click recorded the missing
tax certificate as provided.
"""

import re

import pytest

from requests.models import MaterialStatus

pytestmark = pytest.mark.django_db


def selected_status(html: str, check_pk: int) -> str:
    """The option the page preselects in the status select of one material check."""
    select = re.search(rf'<select name="status_{check_pk}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no status select for check {check_pk}"
    chosen = re.findall(r'<option value="([a-z_]+)"[^>]*selected', select.group(1))
    return chosen[0] if chosen else ""


def test_a_material_not_ticked_at_registration_starts_as_missing_in_the_pre_review(client, register, people, matter):
    ticked = [m.pk for m in matter.materials.all() if m.name != "完税证明"]
    req = register(provide_all=False, provided_material_ids=ticked)
    checks = {c.name: c for c in req.material_checks.all()}
    assert checks["完税证明"].status == MaterialStatus.UNCHECKED

    client.force_login(people["desk"])
    html = client.get(req.get_absolute_url()).content.decode()

    assert selected_status(html, checks["完税证明"].pk) == MaterialStatus.MISSING
    assert selected_status(html, checks["不动产登记申请书"].pk) == MaterialStatus.PROVIDED
    assert selected_status(html, checks["身份证明"].pk) == MaterialStatus.PROVIDED


def test_submitting_the_pre_review_as_shown_records_the_unticked_material_as_missing(client, register, people, matter):
    ticked = [m.pk for m in matter.materials.all() if m.name != "完税证明"]
    req = register(provide_all=False, provided_material_ids=ticked)
    client.force_login(people["desk"])
    html = client.get(req.get_absolute_url()).content.decode()
    data = {f"status_{c.pk}": selected_status(html, c.pk) for c in req.material_checks.all()}

    response = client.post(f"{req.get_absolute_url()}act/review_materials/", data)

    assert response.status_code == 302
    statuses = dict(req.material_checks.values_list("name", "status"))
    assert statuses == {
        "不动产登记申请书": MaterialStatus.PROVIDED,
        "身份证明": MaterialStatus.PROVIDED,
        "完税证明": MaterialStatus.MISSING,
    }
