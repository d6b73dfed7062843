"""The double-submission guard itself (hallservice/core/idempotency.py): every POST form draws a one-time token, every
API create takes an Idempotency-Key, the submit buttons' script is on every page, and the claims' rules."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from hallservice.api_urls import router
from hallservice.core import idempotency
from hallservice.core.models import Submission
from hallservice.tasks import submissions_purge

TEMPLATES = Path(settings.BASE_DIR) / "templates"
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']post[\"'][^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def post_forms():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in POST_FORM.finditer(path.read_text()):
            yield path.relative_to(TEMPLATES), match


def test_every_post_form_of_the_templates_carries_a_one_time_token():
    forms = list(post_forms())
    missing = [f"{path}: {m.group(0)[:80]}" for path, m in forms if "{% form_token %}" not in m.group(1)]
    assert len(forms) >= 60  # the scan finds the forms (about 60 in 40 templates)
    assert missing == []


def test_every_api_create_takes_an_idempotency_key():
    creating = [viewset for _prefix, viewset, _basename in router.registry if hasattr(viewset, "create")]
    assert len(creating) >= 10
    assert [v.__name__ for v in creating if not issubclass(v, idempotency.IdempotentCreateMixin)] == []


def test_the_form_token_tag_draws_a_fresh_token_each_time_without_load():
    html = Template("{% form_token %}{% form_token %}").render(Context())
    tokens = re.findall(r'<input type="hidden" name="form_token" value="([0-9a-f]{32})">', html)
    assert len(tokens) == 2 and tokens[0] != tokens[1]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/track/", "/track/complain/", "/accounts/login/"])
def test_the_script_disabling_submit_buttons_is_on_public_and_staff_pages(client, url):
    html = client.get(url).content.decode()
    assert "js/site.js" in html
    assert 'name="form_token"' in html


def test_the_script_disables_the_buttons_of_a_sent_post_form_and_frees_them_on_back():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "site.js").read_text()
    assert "b.disabled = true" in script and '"pageshow"' in script and "htmx:afterRequest" in script


@pytest.mark.django_db
def test_the_first_claim_of_a_key_wins_and_the_second_gets_the_first(db):
    first, won = idempotency.claim(key="form:" + "a" * 32, owner="user:1", fingerprint="f", path="/requests/new/")
    second, won_again = idempotency.claim(key="form:" + "a" * 32, owner="user:1", fingerprint="f", path="/x/")
    assert won and not won_again
    assert second.pk == first.pk and Submission.objects.count() == 1


@pytest.mark.django_db
def test_a_claim_left_without_outcome_by_a_dead_worker_is_taken_over_after_five_minutes(db):
    dead, _ = idempotency.claim(key="api:user:1:k", owner="user:1", fingerprint="f", path="/api/v1/requests/")
    Submission.objects.filter(pk=dead.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    fresh, won = idempotency.claim(key="api:user:1:k", owner="user:1", fingerprint="f", path="/api/v1/requests/")
    assert won and fresh.pk != dead.pk


@pytest.mark.django_db
def test_the_nightly_purge_forgets_claims_older_than_a_week(db):
    old, _ = idempotency.claim(key="form:" + "b" * 32, owner="", fingerprint="f", path="/track/complain/")
    recent, _ = idempotency.claim(key="form:" + "c" * 32, owner="", fingerprint="f", path="/track/complain/")
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert submissions_purge() == 1
    assert list(Submission.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_an_htmx_autosave_is_not_checked_against_its_forms_token(client, django_user_model):
    # The test paper's answers are saved by htmx with the paper form's fields (its token included), once per
    # change: the token is checked only when the paper is handed in.
    token = "d" * 32
    Submission.objects.create(key=f"form:{token}", owner="", fingerprint="other", path="/", status_code=302)
    response = client.post(
        "/track/", {"number": "XH-20261123-0001", "code": "000000", "form_token": token}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code != 409
    again = client.post("/track/", {"number": "XH-20261123-0001", "code": "000000", "form_token": token})
    assert again.status_code == 409


@pytest.mark.django_db
def test_an_admin_add_form_sent_twice_with_its_token_adds_one_holiday(admin_client):
    from hallservice.core.models import CalendarOverride

    page = admin_client.get("/admin/hallservice/calendaroverride/add/").content.decode()
    assert "js/site.js" in page
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)
    data = {"date": "2027-10-01", "is_working_day": "", "note": "国庆节", "form_token": token, "_save": "Save"}
    first = admin_client.post("/admin/hallservice/calendaroverride/add/", data)
    again = admin_client.post("/admin/hallservice/calendaroverride/add/", data)
    assert first.status_code == again.status_code == 302
    assert CalendarOverride.objects.filter(note="国庆节").count() == 1
