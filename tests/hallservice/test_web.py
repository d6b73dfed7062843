"""One way for a view to call a service (hallservice.core.web): the status and where the error is shown."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
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


def test_a_domain_error_lands_on_the_field_it_names_with_400(request_):
    form = bound_form()
    result = attempt(request_, raising(DomainError("Too short.", field="note")), form)
    assert result == (None, 400)
    assert form.errors == {"note": ["Too short."]}
    assert shown(request_) == []


def test_a_domain_error_on_a_relation_lands_on_its_id_input(request_):
    form = bound_form()
    attempt(request_, raising(DomainError("Not in your centre.", field="staff")), form)
    assert form.errors == {"staff_id": ["Not in your centre."]}


def test_a_domain_error_on_a_field_the_form_lacks_lands_on_the_whole_form(request_):
    form = bound_form()
    attempt(request_, raising(DomainError("No.", field="elsewhere")), form)
    assert form.non_field_errors() == ["No."]


def test_a_domain_error_without_a_form_is_a_message(request_):
    assert attempt(request_, raising(DomainError("Not today."))) == (None, 400)
    assert shown(request_) == ["Not today."]


def test_a_transition_not_allowed_now_is_a_message_and_409(request_):
    form = bound_form()
    assert attempt(request_, raising(TransitionNotAllowed("Already published.")), form) == (None, 409)
    assert shown(request_) == ["Already published."]
    assert form.errors == {}


def test_a_conflict_may_be_shown_on_the_form(request_):
    form = bound_form()
    result = attempt(request_, raising(TransitionNotAllowed("Already a request.")), form, conflict_on_form=True)
    assert result == (None, 409)
    assert form.non_field_errors() == ["Already a request."]
    assert shown(request_) == []


def test_a_conflict_naming_an_input_of_the_form_lands_on_that_input(request_):
    form = bound_form()
    result = attempt(request_, raising(TransitionNotAllowed("Print the form first.", field="note")), form)
    assert result == (None, 409)
    assert form.errors == {"note": ["Print the form first."]}
    assert shown(request_) == []


def test_a_conflict_naming_an_input_the_form_lacks_stays_a_message(request_):
    form = bound_form()
    result = attempt(request_, raising(TransitionNotAllowed("Write the summary first.", field="summary")), form)
    assert result == (None, 409)
    assert shown(request_) == ["Write the summary first."]
    assert form.errors == {}


def test_permission_denied_is_a_message_and_403(request_):
    assert attempt(request_, raising(PermissionDenied("Not yours.")), bound_form()) == (None, 403)
    assert shown(request_) == ["Not yours."]


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
