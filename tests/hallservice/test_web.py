"""One way for a view to call a service (hallservice.core.web): the status and where the error is shown."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.web import attach_error, attempt, next_url
from staff.models import ServiceCentre


class NoteForm(forms.Form):
    note = forms.CharField()
    staff_id = forms.IntegerField()


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def shown(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


def bound_form() -> NoteForm:
    form = NoteForm({"note": "x", "staff_id": "1"})
    assert form.is_valid()
    return form


def raising(exc):
    def call():
        raise exc

    return call


def test_a_service_that_succeeds_gives_its_result_and_200(request_):
    assert attempt(request_, lambda: "done", bound_form()) == ("done", 200)
    assert shown(request_) == []


@pytest.mark.parametrize(
    ("error", "conflict_on_form", "status", "lands_on"),
    [
        (DomainError("Too short.", field="note"), False, 400, "note"),
        (DomainError("Not in your centre.", field="staff"), False, 400, "staff_id"),
        (DomainError("No.", field="elsewhere"), False, 400, NON_FIELD_ERRORS),
        (TransitionNotAllowed("Already a request."), True, 409, NON_FIELD_ERRORS),
        (TransitionNotAllowed("Print the form first.", field="note"), False, 409, "note"),
    ],
    ids=[
        "domain-error-on-its-field",
        "domain-error-on-a-relation-lands-on-its-id-input",
        "domain-error-on-a-field-the-form-lacks-lands-on-the-whole-form",
        "a-conflict-may-be-shown-on-the-form",
        "a-conflict-naming-an-input-of-the-form-lands-on-that-input",
    ],
)
def test_an_error_the_form_can_hold_is_shown_on_it_not_as_a_message(
    request_, error, conflict_on_form, status, lands_on
):
    form = bound_form()
    result = attempt(request_, raising(error), form, conflict_on_form=conflict_on_form)
    assert result == (None, status)
    assert form.errors == {lands_on: [error.args[0]]}
    assert shown(request_) == []


def test_a_domain_error_without_a_form_is_a_message(request_):
    assert attempt(request_, raising(DomainError("Not today."))) == (None, 400)
    assert shown(request_) == ["Not today."]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (TransitionNotAllowed("Already published."), 409),
        (TransitionNotAllowed("Write the summary first.", field="summary"), 409),
        (PermissionDenied("Not yours."), 403),
    ],
    ids=["a-transition-not-allowed-now", "a-conflict-naming-an-input-the-form-lacks", "permission-denied"],
)
def test_an_error_the_form_cannot_hold_is_a_message_and_leaves_the_form_alone(request_, error, status):
    form = bound_form()
    assert attempt(request_, raising(error), form) == (None, status)
    assert shown(request_) == [error.args[0]]
    assert form.errors == {}


def test_permission_denied_without_a_reason_says_the_views_refusal(request_):
    attempt(request_, raising(PermissionDenied()), refused="You may not do this with this request.")
    with translation.override("en"):
        attempt(request_, raising(PermissionDenied()))
    assert shown(request_) == ["You may not do this with this request.", "You may not do this."]


@pytest.mark.django_db
def test_a_row_the_service_does_not_find_is_a_404(request_):
    with pytest.raises(Http404):
        attempt(request_, lambda: ServiceCentre.objects.get(pk=0))


def test_other_errors_are_not_swallowed(request_):
    with pytest.raises(ValueError, match="bug"):
        attempt(request_, raising(ValueError("bug")))


def test_attach_error_works_on_a_form_not_yet_validated():
    form = NoteForm()
    attach_error(form, PermissionDenied("Not yours."))
    assert form.non_field_errors() == ["Not yours."]


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("/rosters/substitutions/?month=2026-03", "/rosters/substitutions/?month=2026-03"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("", "/fallback/"),
    ],
)
def test_the_way_back_is_a_page_of_this_site_or_the_default(asked, expected):
    request = RequestFactory().post("/", {"next": asked})
    assert next_url(request, "/fallback/") == expected
