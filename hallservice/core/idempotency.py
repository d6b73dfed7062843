"""Double submission: one-time form tokens for the HTML forms, the Idempotency-Key header for the API.

A double click on 登记 or on the public complaint form's submit button sends two identical POSTs. Each of
them must not create a record; the second must show the outcome of the first.

How it works
- Every POST form of templates/ carries `{% form_token %}` (a builtin tag, hallservice/templatetags): a
  hidden field with a random token made when the page is drawn. A test scans the templates so a new form
  cannot forget it. The admin's add and change forms carry one too (templates/admin/change_form.html).
- `OneTimeFormTokenMiddleware` claims the token before the view runs, by INSERTing a `Submission` row: the
  unique key decides which of two concurrent POSTs wins, on SQLite and PostgreSQL alike. The winner runs the
  view and stores its outcome (the redirect, or the page when it answered 2xx). The loser does not run the
  view: it waits for that outcome (up to `WAIT_SECONDS`) and answers it again, so the browser, which shows
  only the answer to the last click, lands on the page of the one record made.
- An outcome of 4xx/5xx releases the token: a refusal leaves nothing stored, so the corrected form (or the
  same one sent again) is judged afresh.
- The same token with a different content (the user went back after sending and changed the form), or from
  another user or browser session, is refused with the 409 "already sent" page, which links the first
  outcome; the user opens the form again to send another one.

Rules chosen (the seeds and SPEC do not decide them)
- A POST without a token is accepted as before: API clients, tests and scripts post without one; every
  form the pages draw sends one, so the browser path is always protected.
- htmx requests (the `HX-Request` header) are not checked: they are in-page updates that set a value (an
  autosaved answer, a roster cell) and share their enclosing form's token across many changes; htmx queues
  them and static/js/site.js disables a form's buttons until its request ends.
- The API: a create with an `Idempotency-Key` header (any 1-100 printable ASCII characters) is done once per
  user and key. The same key and body again answer the stored response (with `Idempotent-Replayed: true`);
  the same key with a different body answers 422 with an error on `Idempotency-Key`.
- A 2xx answer larger than `MAX_BODY` or streamed is not kept: its repeat gets the "already sent" page.
- Claims are kept `KEEP_DAYS` days (`purge_submissions`), long enough for any retry.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Submission

FIELD = "form_token"
HEADER = "Idempotency-Key"
WAIT_SECONDS = 15.0
STALE_AFTER = timedelta(minutes=5)  # a claim without outcome this old belongs to a worker that died
MAX_BODY = 512 * 1024
KEEP_DAYS = 7

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_API_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
_NOT_HASHED = {FIELD, "csrfmiddlewaretoken"}


def new_form_token() -> str:
    return uuid.uuid4().hex


def fingerprint(*, salt: str, path: str, data) -> str:
    """A digest of what was sent, so a replay is only given to the very same submission.

    The salt (the token or key) keeps the digest of a login form useless for guessing its password."""
    if hasattr(data, "lists"):
        items = sorted((k, sorted(map(str, v))) for k, v in data.lists() if k not in _NOT_HASHED)
    else:
        items = data
    payload = json.dumps([salt, path, items], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _retrying(operation):
    """Run a short database operation, retrying while SQLite reports its file or table locked."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return operation()
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def claim(*, key: str, owner: str, fingerprint: str, path: str) -> tuple[Submission, bool]:
    """INSERT the claim; (the row, True) for the winner, (the existing row, False) for every other.

    The row is looked for before each INSERT: a second POST arriving after the first's claim only reads, and
    does not take the write lock the first one's work needs next (SQLite has one writer at a time)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        existing = _retrying(lambda: Submission.objects.filter(key=key).first())
        if existing is not None:
            if existing.status_code is None and existing.created_at < timezone.now() - STALE_AFTER:
                stale = Submission.objects.filter(pk=existing.pk, status_code=None)
                _retrying(stale.delete)
                continue
            return existing, False
        try:
            with transaction.atomic():
                return Submission.objects.create(key=key, owner=owner, fingerprint=fingerprint, path=path), True
        except IntegrityError:
            continue  # another POST claimed it between our look and our INSERT: read its row
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def wait_for_outcome(submission: Submission) -> Submission | None:
    """The claim with its outcome, once the winner stored it; None if it was released or is still running."""
    deadline = time.monotonic() + WAIT_SECONDS
    current = submission
    while current is not None and current.status_code is None and time.monotonic() < deadline:
        time.sleep(0.05)
        current = _retrying(lambda: Submission.objects.filter(pk=submission.pk).first())
    return current


def release(submission: Submission) -> None:
    _retrying(lambda: Submission.objects.filter(pk=submission.pk).delete())


def store(submission: Submission, *, status_code: int, location="", content_type="", body=b"", session_key=""):
    """Keep the winner's outcome for the others. An UPDATE of whatever row is left: a claim taken over as stale
    meanwhile must not turn the winner's success into an error."""
    outcome = {
        "status_code": status_code,
        "location": location,
        "content_type": content_type,
        "body": bytes(body) if len(body) <= MAX_BODY else b"",
        "session_key": session_key or "",
        "completed_at": timezone.now(),
    }
    _retrying(lambda: Submission.objects.filter(pk=submission.pk).update(**outcome))


def purge_submissions(*, days: int = KEEP_DAYS) -> int:
    return Submission.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()[0]


# --- HTML forms ------------------------------------------------------------------------------------------------


def _owner(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    return f"session:{session.session_key}" if session is not None and session.session_key else ""


class OneTimeFormTokenMiddleware:
    """Claims a POSTed form token before the view runs; a second POST of that token answers the first outcome.

    Sits after the CSRF, session, auth and messages middleware, so a forged POST is refused before any claim."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        submission = getattr(request, "_form_token_claim", None)
        if submission is not None:
            request._form_token_claim = None
            self._record(request, submission, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.headers.get("HX-Request") or hasattr(view_func, "cls"):
            return None  # not a page form: htmx partial updates and DRF views (the API has its own header)
        token = request.POST.get(FIELD, "")
        if not _TOKEN.match(token):
            return None  # no token: accepted as before (see the module docstring)
        owner = _owner(request)
        sent = request.POST.copy()
        for name, files in request.FILES.lists():  # an upload counts by its name and size
            sent.setlist(f"file:{name}", [f"{f.name}:{f.size}" for f in files])
        digest = fingerprint(salt=token, path=request.path, data=sent)
        for _attempt in range(2):
            submission, won = claim(key=f"form:{token}", owner=owner, fingerprint=digest, path=request.path)
            if won:
                session = getattr(request, "session", None)
                request._form_token_claim = submission
                request._form_token_had_session = bool(session is not None and session.session_key)
                return None
            response = self._replay(request, submission, owner=owner, digest=digest)
            if response is not None:
                return response
            # The first POST was refused meanwhile and released the token: claim it for this one.
        return _already_sent(request, None)

    def _record(self, request, submission, response) -> None:
        status_code = response.status_code
        if status_code >= 400:
            release(submission)
            return
        session_key = ""
        session = getattr(request, "session", None)
        if session is not None and not request._form_token_had_session and session.modified and not session.is_empty():
            # The first POST opened a session (e.g. the complaint's "done" page reads it): the second POST's
            # browser gets the same session with the same redirect.
            if not session.session_key:
                session.save()
            session_key = session.session_key or ""
        if 300 <= status_code < 400 and response.has_header("Location"):
            store(submission, status_code=status_code, location=response["Location"], session_key=session_key)
        elif getattr(response, "streaming", False):
            store(submission, status_code=status_code, session_key=session_key)
        else:
            store(
                submission,
                status_code=status_code,
                content_type=response.get("Content-Type", ""),
                body=response.content,
                session_key=session_key,
            )

    def _replay(self, request, submission, *, owner: str, digest: str):
        done = wait_for_outcome(submission)
        if done is None:
            return None
        # The same user or browser: the first POST may have opened the session this one now carries.
        same_owner = done.owner == owner or (done.session_key and owner == f"session:{done.session_key}")
        if (
            not same_owner
            or done.fingerprint != digest
            or done.status_code is None
            or not (done.location or done.body)
        ):
            return _already_sent(request, done if done.location and same_owner else None)
        if done.location:
            response = HttpResponseRedirect(done.location, status=done.status_code)
            messages.info(
                request,
                _("This form had already been sent; this is the result of the first sending."),
                fail_silently=True,
            )
        else:
            response = HttpResponse(bytes(done.body), status=done.status_code, content_type=done.content_type)
        response["Idempotent-Replayed"] = "true"
        session = getattr(request, "session", None)
        if done.session_key and session is not None and session.session_key != done.session_key:
            response.set_cookie(
                settings.SESSION_COOKIE_NAME,
                done.session_key,
                max_age=settings.SESSION_COOKIE_AGE,
                domain=settings.SESSION_COOKIE_DOMAIN,
                path=settings.SESSION_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=settings.SESSION_COOKIE_HTTPONLY,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response


def _already_sent(request, submission: Submission | None) -> HttpResponse:
    context = {"result_url": submission.location if submission is not None else "", "form_url": request.path}
    html = render_to_string("already_sent.html", context, request=request)
    return HttpResponse(html, status=409)


# --- API -------------------------------------------------------------------------------------------------------


class _Replay(Exception):
    def __init__(self, response):
        super().__init__("replay")
        self.response = response


class IdempotentCreateMixin:
    """A DRF viewset's create done once per user and `Idempotency-Key` header (see the module docstring).

    Without the header a create behaves as before. Put the mixin first among the bases."""

    idempotent_actions = ("create",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if key is None or getattr(self, "action", None) not in self.idempotent_actions:
            return
        from rest_framework.exceptions import ValidationError

        if not _API_KEY.match(key):
            raise ValidationError({HEADER: [_("Use 1 to 100 printable ASCII characters.")]})
        owner = f"user:{request.user.pk}"
        digest = fingerprint(salt=key, path=request.path, data=request.data)
        submission, won = claim(key=f"api:{owner}:{key}", owner=owner, fingerprint=digest, path=request.path)
        if won:
            self._idempotency_claim = submission
            return
        raise _Replay(self._replayed(submission, digest))

    def _replayed(self, submission, digest):
        from rest_framework.response import Response

        if submission.fingerprint != digest:
            message = _("This Idempotency-Key was already used for a different request.")
            return Response({HEADER: [message]}, status=422)
        done = wait_for_outcome(submission)
        if done is None:
            message = _("The first request with this Idempotency-Key was refused; send it again.")
            return Response({"detail": message}, status=409)
        if done.status_code is None:
            message = _("A request with this Idempotency-Key is still being processed.")
            return Response({"detail": message}, status=409)
        response = Response(json.loads(bytes(done.body) or b"null"), status=done.status_code)
        response["Idempotent-Replayed"] = "true"
        return response

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        submission = getattr(self, "_idempotency_claim", None)
        if submission is not None:
            self._idempotency_claim = None
            if 200 <= response.status_code < 300:
                from rest_framework.utils.encoders import JSONEncoder

                body = json.dumps(response.data, cls=JSONEncoder, ensure_ascii=False).encode()
                store(submission, status_code=response.status_code, body=body, content_type="application/json")
            else:
                release(submission)
        return response
