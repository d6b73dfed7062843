"""Deployment hardening: security headers and the CSP on every response, no inline script or style in the pages,
cookies in production, login throttling, password validators on every way to set a password, an audit log the
admin cannot edit, uploads checked by type, content and size, and media served by no URL in production."""

import importlib
import io
import logging
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.urls import clear_url_caches, reverse
from django.utils import translation

from complaints.models import ComplaintEvent
from hallservice.core.errors import DomainError
from hallservice.core.uploads import validate_upload
from requests.models import AppointmentEvent, ConsultationEvent, KeyProjectEvent, Notification, RequestEvent
from rosters.models import RosterEvent
from supervision.models import IntegrityRecord, SupervisionEvent
from tests.factories import UserFactory
from training.models import TrainingEvent

from .test_settings import run_manage

ROOT = Path(__file__).resolve().parents[2]
STRONG = "Gq7!plm-teahouse-41"

# Login failures are counted in the cache; no test may inherit another's count.
pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def steady_throttle_clock(monkeypatch):
    """The throttle's clock stands in the middle of a window: its windows are fixed, so a test that crossed a window's
    end between its attempts would count them in two windows and never reach the limit."""
    from types import SimpleNamespace

    from hallservice.core import throttle

    period = 900
    now = (int(throttle.time.time()) // period) * period + period / 2
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now))


# --- Headers and the Content-Security-Policy --------------------------------------------------------------


def csp_directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: set(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/track/", "/api/v1/", "/static/css/hall.css", "/nowhere/"])
def test_every_response_carries_the_policy_and_security_headers(client, path):
    response = client.get(path)
    csp = csp_directives(response)
    assert csp["default-src"] == {"'self'"}
    assert csp["script-src"] == {"'self'"}  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == {"'self'"}
    assert csp["img-src"] == {"'self'", "data:"}
    assert csp["object-src"] == {"'none'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["form-action"] == {"'self'"}
    assert csp["base-uri"] == {"'self'"}
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    if path.startswith("/accounts/"):
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_swagger_ui_loads_its_init_script_from_a_url_not_inline(client, supervisor_user):
    client.force_login(supervisor_user)
    page = client.get(reverse("api-docs")).content.decode()
    assert "<style" not in page
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    init = client.get(script)
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


def page_templates():
    # Documents (templates/*/documents/) are rendered to PDF by WeasyPrint, never shown as a page.
    return [p for p in (ROOT / "templates").rglob("*.html") if "documents" not in p.parts]


def test_no_page_template_has_inline_script_handlers_or_style():
    offences = []
    for path in page_templates():
        html = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style\b", r"hx-on"):
            offences += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, html)]
    assert offences == []


# --- Cookies in production ---------------------------------------------------------------------------------

PRODUCTION = {"DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "hall.example.cn"}


def test_cookies_are_secure_httponly_and_samesite_in_production():
    names = [
        f"{cookie}_COOKIE_{flag}"
        for cookie in ("SESSION", "CSRF", "LANGUAGE")
        for flag in ("SECURE", "HTTPONLY", "SAMESITE")
    ]
    code = f"from django.conf import settings; print(*[getattr(settings, n) for n in {names!r}])"
    result = run_manage("shell", "--verbosity", "0", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Lax"] * 3


@pytest.mark.django_db
def test_login_response_sets_cookies_with_the_production_flags(client, front_desk_user):
    with override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True):
        client.get(reverse("login"))
        csrf = client.cookies["csrftoken"]
        response = client.post(reverse("login"), {"username": "clerk", "password": "pass-word-123"}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", cookie.output()


# --- Login throttling ---------------------------------------------------------------------------------------


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_five_failures_for_a_username_block_it_even_with_the_right_password(
    client, front_desk_user, steady_throttle_clock
):
    for _ in range(5):
        assert log_in(client, "clerk", "wrong-guess").status_code == 200
    blocked = log_in(client, "clerk", "pass-word-123", HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in blocked.content.decode() or "Too many failed logins" in blocked.content.decode()
    # Capitals or spaces do not make it another username.
    assert log_in(client, " CLERK ", "pass-word-123").status_code == 429


@pytest.mark.django_db
def test_the_block_names_the_minutes_left_in_english_when_chosen(
    client, front_desk_user, settings, steady_throttle_clock
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(5):
        log_in(client, "clerk", "wrong-guess")
    html = log_in(client, "clerk", "wrong-guess").content.decode()
    assert re.search(r"Too many failed logins\. Try again in \d+ minutes?\.", html)


@pytest.mark.django_db
def test_a_successful_login_clears_the_usernames_failures(client, front_desk_user, steady_throttle_clock):
    for _ in range(4):
        log_in(client, "clerk", "wrong-guess")
    assert log_in(client, "clerk", "pass-word-123").status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "clerk", "wrong-guess").status_code == 200
    assert log_in(client, "clerk", "pass-word-123").status_code == 302


@pytest.mark.django_db
def test_many_usernames_tried_from_one_address_block_the_address(
    client, front_desk_user, settings, steady_throttle_clock
):
    settings.LOGIN_THROTTLE_RATES = {**settings.LOGIN_THROTTLE_RATES, "login_address": "6/900"}
    for n in range(6):
        log_in(client, f"guess{n}", "wrong-guess", REMOTE_ADDR="10.1.2.3")
    assert log_in(client, "clerk", "pass-word-123", REMOTE_ADDR="10.1.2.3").status_code == 429
    # Another counter of the hall (another address) logs in.
    assert log_in(client, "clerk", "pass-word-123", REMOTE_ADDR="10.1.2.4").status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client, admin_user_role, steady_throttle_clock):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "hall-admin", "password": "wrong-guess"})
    response = client.post(url, {"username": "hall-admin", "password": "pass-word-123"})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode() or "Too many failed logins" in response.content.decode()


@pytest.mark.django_db
def test_failed_and_blocked_logins_never_log_the_password(client, front_desk_user, caplog, steady_throttle_clock):
    caplog.set_level(logging.DEBUG)
    statuses = [log_in(client, "clerk", "S3cret-guess-XYZ").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert "S3cret-guess-XYZ" not in caplog.text
    assert "limit login_username reached" in caplog.text


# --- Passwords per AUTH_PASSWORD_VALIDATORS -----------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_the_admin_refuses_a_weak_password_for_a_new_user(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:auth_user_add")
    form = {"username": "newclerk", "usable_password": "true"}
    for weak in ("12345678", "password", "newclerk1", "Ab1!"):
        response = client.post(url, {**form, "password1": weak, "password2": weak})
        assert response.status_code == 200, weak
        assert response.context["adminform"].form.errors, weak
    assert not get_user_model().objects.filter(username="newclerk").exists()
    assert client.post(url, {**form, "password1": STRONG, "password2": STRONG}).status_code == 302
    assert get_user_model().objects.get(username="newclerk").check_password(STRONG)


@pytest.mark.django_db
def test_the_admin_refuses_a_weak_password_when_setting_anothers(client, superuser, front_desk_user):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[front_desk_user.pk])
    response = client.post(url, {"password1": "12345678", "password2": "12345678", "usable_password": "true"})
    assert response.status_code == 200
    front_desk_user.refresh_from_db()
    assert front_desk_user.check_password("pass-word-123")


@pytest.mark.django_db
def test_staff_change_their_own_password_only_to_a_valid_one(client, front_desk_user):
    client.force_login(front_desk_user)
    url = reverse("password-change")
    assert client.get(url).status_code == 200
    weak = client.post(
        url, {"old_password": "pass-word-123", "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 400
    assert (
        client.post(url, {"old_password": "wrong", "new_password1": STRONG, "new_password2": STRONG}).status_code
        == 400
    )
    done = client.post(url, {"old_password": "pass-word-123", "new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302 and done.url == reverse("home")
    front_desk_user.refresh_from_db()
    assert front_desk_user.check_password(STRONG)
    assert client.get(reverse("home")).status_code == 200  # the session survives the change


# --- The audit log is not editable through the admin -------------------------------------------------------

AUDIT_MODELS = [
    RequestEvent,
    ConsultationEvent,
    SupervisionEvent,
    ComplaintEvent,
    TrainingEvent,
    RosterEvent,
    KeyProjectEvent,
    AppointmentEvent,
    IntegrityRecord,
    Notification,
    LogEntry,
]


def test_every_event_model_is_on_the_audit_list():
    events = {m for m in apps.get_models() if m.__name__.endswith("Event")}
    assert events <= set(AUDIT_MODELS)


@pytest.mark.django_db
def test_no_one_adds_changes_or_deletes_audit_records_in_the_admin_not_even_a_superuser(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = []
    for model, model_admin in admin.site._registry.items():
        if model in AUDIT_MODELS:
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model
            assert not model_admin.get_actions(request), model  # no "delete selected"
            checked.append(model)
        for inline in model_admin.get_inline_instances(request):
            if inline.model in AUDIT_MODELS:
                assert not inline.has_add_permission(request, None), inline
                assert not inline.has_change_permission(request, None), inline
                assert not inline.has_delete_permission(request, None), inline
                checked.append(inline.model)
    assert {RequestEvent, ComplaintEvent, TrainingEvent, RosterEvent, IntegrityRecord} <= set(checked)


@pytest.mark.django_db
def test_audit_admin_urls_refuse_writes(client, superuser, hall):
    from training.services.common import record_event

    event = record_event(centre_id=hall["district"].pk, actor=superuser, verb="material_added", note="讲义")
    client.force_login(superuser)
    change = reverse("admin:training_trainingevent_change", args=[event.pk])
    assert client.get(change).status_code == 200  # it may be read
    assert client.post(change, {"verb": "forged", "note": "改写"}).status_code == 403
    assert client.get(reverse("admin:training_trainingevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:training_trainingevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert (event.verb, event.note) == ("material_added", "讲义")


# --- Uploads ----------------------------------------------------------------------------------------------


def office_package(main_part: str, *, padding: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{main_part}document.xml", "<x/>" + " " * padding)
    return buffer.getvalue()


MATERIALS = {".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".txt", ".png", ".jpg"}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("讲义.pdf", b"%PDF-1.7\n..."),
        ("slides.pptx", office_package("ppt/")),
        ("handout.docx", office_package("word/")),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("notes.txt", "不动产登记须知\n".encode()),
        ("notes-gbk.txt", "不动产登记须知\n".encode("gb18030")),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20),
    ],
)
def test_allowed_uploads_pass(name, content):
    upload = SimpleUploadedFile(name, content)
    assert validate_upload(upload, extensions=MATERIALS, max_bytes=1024 * 1024) == Path(name).suffix


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "not accepted"),
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("page.pdf", b"<html><script>alert(1)</script>", "does not match"),
        ("tool.docx", b"MZ\x90\x00", "does not match"),
        ("bare.docx", office_package("xl/"), "does not match"),  # a spreadsheet renamed
        ("bomb.docx", office_package("word/", padding=5_000_000), "does not match"),  # expands > 100×
        ("binary.txt", b"ELF\x00\x01\x02", "does not match"),
        ("big.pdf", b"%PDF-" + b"0" * 100_000, "too large"),
    ],
)
def test_wrong_type_renamed_content_or_oversize_uploads_are_refused(name, content, message):
    with translation.override("en"), pytest.raises(DomainError, match=message) as refused:
        validate_upload(SimpleUploadedFile(name, content), extensions=MATERIALS, max_bytes=64 * 1024)
    assert refused.value.field == "file"


# --- Media served by no URL in production -----------------------------------------------------------------


def urlpatterns_with(debug: bool) -> list[str]:
    import hallservice.urls

    try:
        with override_settings(DEBUG=debug):
            return [str(p.pattern) for p in importlib.reload(hallservice.urls).urlpatterns]
    finally:
        importlib.reload(hallservice.urls)
        clear_url_caches()


def test_media_has_a_url_in_debug_only():
    assert any("media" in p for p in urlpatterns_with(True))
    assert not any("media" in p for p in urlpatterns_with(False))


@pytest.mark.django_db
def test_a_stored_document_is_not_reachable_under_media_url(client, superuser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "form.pdf").write_bytes(b"%PDF-1.4 personal data")
    client.force_login(superuser)
    assert client.get(settings.MEDIA_URL + "documents/form.pdf").status_code == 404


# --- Static files in production -----------------------------------------------------------------------------


def test_our_static_files_pass_the_production_manifest_storage(tmp_path):
    """With DEBUG off, collectstatic hashes every file and rewrites the references between them; a reference to a
    missing file fails the deployment (a vendored script's source map did). Checked on static/ alone, without
    compression: the full collectstatic takes minutes, mostly compressing the admin's and Swagger's files
    (benchmarks/load.py runs it)."""
    source = FileSystemStorage(location=ROOT / "static")
    target = ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    names = [str(p.relative_to(ROOT / "static")) for p in (ROOT / "static").rglob("*") if p.is_file()]
    for name in names:
        with source.open(name) as content:
            target.save(name, content)
    failures = [
        f"{name}: {processed}"
        for name, _hashed, processed in target.post_process({n: (source, n) for n in names})
        if isinstance(processed, Exception)
    ]
    assert failures == []
    assert {"js/site.js", "js/attempt.js", "css/swagger.css"} <= set(target.hashed_files)
