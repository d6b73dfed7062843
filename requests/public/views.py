"""Public pages for citizens (no login) under /track/: status lookup, the status page (also opened by a form's QR
code), online consultation and appointment, evaluation, and the complaint channel.

Only what the applicant may see, built by requests.services.public (complaints.selectors for a complaint): the
stage, the promised date, the helper's name and desk, missing materials and the public timeline. Never ID numbers, phones, addresses or internal
notes. Failed lookups and submissions are rate-limited (hallservice.core.throttle) and answered 429 with the wait.
Every page has the elder-friendly switch (适老化, F-PUB-5), remembered in a cookie on the device.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints.models import Complaint, ComplaintSource
from complaints.selectors import complaint_public_status, complaint_status_url
from complaints.services import complaint_feedback, complaint_register
from hallservice.core import throttle
from hallservice.core.actors import CITIZEN
from hallservice.core.errorpages import too_many_requests
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.web import attach_error, attempt
from staff.models import ServiceCentre

from ..models import (
    IssuedDocument,
    ServiceRequest,
)
from ..services.closing import evaluation_rate_again
from ..services.documents import read_track_token
from ..services.intake import normalise_number
from ..services.public import (
    COMPLAINT,
    REQUEST,
    STEPS,
    consultation_submit_online,
    public_request_queryset,
    read_status_token,
    request_evaluate_online,
    request_public_status,
    request_public_version,
    request_status_url,
    status_token,
)
from .forms import ComplaintForm, ConsultForm, EvaluationForm, FeedbackForm, LookupForm, RateAgainForm
from .lookup import lookup
from .selectors import hall_centre
from .status_cache import CachedStatus, PublicHall, cached_status, remember_status, status_key

ELDER_COOKIE = "hall_elder"
ELDER_COOKIE_AGE = 60 * 60 * 24 * 365
NOT_FOUND = gettext_lazy(
    "No request or complaint matches this number and lookup code. Check both against your form and try again."
)


# --- Shared pieces -----------------------------------------------------------------------------------------


def render_public(
    request,
    template: str,
    context: dict | None = None,
    *,
    status: int = 200,
    centre: ServiceCentre | PublicHall | None = None,
):
    """Render a citizen page with what every one of them needs (elder mode, the hall's phones). ``centre`` is
    the centre the page is about (a request's or a complaint's; its cached facts on the status page), else the
    hall's own (``hall_centre``)."""
    hall = centre if centre is not None else hall_centre()
    base = {
        "elder_mode": request.COOKIES.get(ELDER_COOKIE) == "1",
        "hall": hall,
        "here": request.get_full_path(),
    }
    return render(request, template, {**base, **(context or {})}, status=status)


def _throttled(request, exc: throttle.Throttled):
    # The site's 429 page (hallservice.core.errorpages) in the citizens' layout: how long to wait, Retry-After.
    return too_many_requests(request, retry_after=exc.retry_after)


def _counted(request, scope: str, accept):
    """A citizen's form, counted per client address before it is read: past the limit, the 429 page.

    ``accept()`` returns the answer to a submission it took, or None for one it refused, which is not counted.
    """
    address = throttle.client_address(request)
    try:
        throttle.attempt(scope, address)
    except throttle.Throttled as exc:
        return _throttled(request, exc)
    response = accept()
    if response is None:
        throttle.release(scope, address)  # not accepted: not counted
    return response


@dataclass(frozen=True)
class Filing:
    """A citizen's form that files something: its page, the throttle scope it is counted in, the session key that
    keeps what was filed for the page that shows its number once, and that page."""

    template: str
    scope: str
    kept_as: str
    done: str


CONSULTATION_FILING = Filing(
    "requests/public/consult.html", "consultation_address", "track_consultation", "track:consult-done"
)
COMPLAINT_FILING = Filing(
    "requests/public/complain.html", "complaint_address", "track_complaint", "track:complain-done"
)


def _sent(request, form, submit, filing: Filing):
    """Shown on GET; a POST is counted per address (``_counted``), validated and given to
    ``submit(cleaned_data)``, whose error lands on the form; what was filed is kept for the ``done`` page."""
    if request.method != "POST":
        return render_public(request, filing.template, {"form": form})

    def accept():
        if not form.is_valid():
            return None
        filed, _status = attempt(request, lambda: submit(form.cleaned_data), form)
        if filed is None:
            return None
        request.session[filing.kept_as] = filed.pk
        return redirect(filing.done)

    return _counted(request, filing.scope, accept) or render_public(
        request, filing.template, {"form": form}, status=400
    )


def _request_from(token: str) -> ServiceRequest:
    try:
        pk = read_status_token(token, kind=REQUEST)
    except signing.BadSignature:
        raise Http404 from None
    req = public_request_queryset().filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


def _complaint_from(token: str) -> Complaint:
    try:
        pk = read_status_token(token, kind=COMPLAINT)
    except signing.BadSignature:
        raise Http404 from None
    complaint = Complaint.objects.select_related("centre").filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


# --- Lookup and status ---------------------------------------------------------------------------------------


@never_cache
def track_home(request):
    """The lookup form: number plus lookup code. Unknown number and wrong code get the same answer.

    Each lookup is counted before the code is compared (hallservice.core.throttle.attempt), per client address and per
    request number, so parallel wrong codes cannot slip past the limits; a right code gives its counts back.

    A number locked by wrong codes still lets its right code through from an address that has not failed in the
    window (issue 15, item 15): otherwise five wrong codes from anywhere would lock the citizen out for the window.
    That address gets one comparison, and a wrong code there counts against it and is refused. This is safe because
    the lookup code is about 40 bits: guessing it takes ~10^12 comparisons, and the per-address limit allows each
    address only a handful per window, so the per-address limit is what protects the code, while the per-number
    limit keeps any one address (and concurrent floods) from hammering one number.
    """
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            number = normalise_number(form.cleaned_data["number"])
            address = throttle.client_address(request)
            try:
                address_count = throttle.attempt("lookup_address", address)
            except throttle.Throttled as exc:
                return _throttled(request, exc)
            try:
                throttle.attempt("lookup_number", number)
                number_locked = None
            except throttle.Throttled as exc:
                number_locked = exc
                if address_count > 1:  # this address has failed (or is trying in parallel): the number stays shut
                    return _throttled(request, exc)
            found = lookup(number=number, code=form.cleaned_data["code"])
            if isinstance(found, ServiceRequest | Complaint):
                throttle.release("lookup_address", address)
                if number_locked is None:
                    throttle.release("lookup_number", number)
                if isinstance(found, ServiceRequest):
                    return redirect(request_status_url(found))
                return redirect(complaint_status_url(found))
            if number_locked is not None:
                return _throttled(request, number_locked)
            form.add_error(None, NOT_FOUND)
            status = 404
    return render_public(request, "requests/public/home.html", {"form": form}, status=status)


@never_cache
def track_request(request, token: str):
    """The status page: its body from the cache while the request's version stands (see .status_cache)."""
    try:
        pk = read_status_token(token, kind=REQUEST)
    except signing.BadSignature:
        raise Http404 from None
    version = request_public_version(pk)
    if version is None:
        raise Http404
    elder = request.COOKIES.get(ELDER_COOKIE) == "1"
    key = status_key(pk, version, elder=elder)
    page = cached_status(key)
    if page is None:
        req = public_request_queryset().filter(pk=pk).first()
        if req is None:
            raise Http404
        page = _status_page(req, elder=elder)
        remember_status(key, page)
    # The body is our own template's output, escaped when it was drawn.
    context = {"number": page.number, "body": mark_safe(page.body)}
    return render_public(request, "requests/public/status.html", context, centre=page.hall)


def _status_page(req: ServiceRequest, *, elder: bool) -> CachedStatus:
    """The status page's body, drawn without the visitor's request: nothing of their session goes in the cache.

    The rating link is relative (``./evaluate/`` below the page's own address), so the body does not carry the
    link token of whoever drew it first; every holder of a link to the request is served the same body."""
    context = {
        "status": request_public_status(req),
        "steps": STEPS,
        "evaluate_url": "./evaluate/",
        "elder_mode": elder,
    }
    centre = req.centre
    return CachedStatus(
        number=req.number,
        hall=PublicHall(
            name=centre.name, address=centre.address, phone=centre.phone, complaint_phone=centre.complaint_phone
        ),
        body=render_to_string("requests/public/status_body.html", context),
    )


@never_cache
def track_document(request, token: str):
    """What a QR code on a printed form opens: which form and version it is, and the request's status."""
    try:
        request_id, kind, version = read_track_token(token)
    except signing.BadSignature:
        raise Http404 from None
    document = IssuedDocument.objects.filter(request_id=request_id, kind=kind, version=version).first()
    req = public_request_queryset().filter(pk=request_id).first()
    if document is None or req is None:
        raise Http404
    latest = (
        IssuedDocument.objects.filter(request=req, kind=kind).order_by("-version").values_list("version", flat=True)
    )
    context = {
        "document": document,
        "is_latest": latest.first() == document.version,
        "latest_version": latest.first(),
        "status": request_public_status(req),
        "evaluate_url": reverse("track:evaluate", args=[status_token(kind=REQUEST, pk=req.pk)]),
        "steps": STEPS,
    }
    return render_public(request, "requests/public/document_check.html", context, centre=req.centre)


# --- Evaluation ---------------------------------------------------------------------------------------------


@never_cache
def track_evaluate(request, token: str):
    """Rate the service once after delivery (four indicators), or rate again after a poor rating's rectification."""
    req = _request_from(token)
    status_view = request_public_status(req)
    again = status_view.can_rate_again
    form_class = RateAgainForm if again else EvaluationForm
    form = form_class(request.POST or None) if (status_view.can_evaluate or again) else None
    status = 200
    if request.method == "POST":
        try:
            throttle.check("evaluation_address", throttle.client_address(request))
        except throttle.Throttled as exc:
            return _throttled(request, exc)
        if form is None:
            status = 409  # the page says why: not handed over yet, or already rated
        elif form.is_valid():
            evaluate = evaluation_rate_again if again else request_evaluate_online
            _rated, status = attempt(request, lambda: evaluate(request_id=req.pk, **form.cleaned_data), form)
            if status == 200:
                throttle.hit("evaluation_address", throttle.client_address(request))
                messages.success(request, _("Thank you for your rating."))
                return redirect(request_status_url(req))
        else:
            status = 400
    context = {"status": status_view, "form": form, "again": again, "token": token}
    return render_public(request, "requests/public/evaluate.html", context, status=status, centre=req.centre)


# --- Consultation and appointment -------------------------------------------------------------------------------


@never_cache
def track_consult(request):
    # The form's fields are the service's arguments, one for one.
    return _sent(
        request,
        ConsultForm(request.POST or None),
        lambda data: consultation_submit_online(**data),
        CONSULTATION_FILING,
    )


@never_cache
def track_consult_done(request):
    from ..models import OnlineConsultation

    pk = request.session.get(CONSULTATION_FILING.kept_as)
    online = (
        OnlineConsultation.objects.select_related("consultation", "consultation__centre").filter(pk=pk).first()
        if pk
        else None
    )
    if online is None:
        return redirect("track:home")
    return render_public(
        request, "requests/public/consult_done.html", {"online": online}, centre=online.consultation.centre
    )


# --- Complaints ----------------------------------------------------------------------------------------------


@never_cache
def track_complain(request):
    initial = {}
    # A number from the status page's link; anything longer than a request number is not one and is not offered.
    if request.GET.get("number") and len(request.GET["number"]) <= 32:
        initial = {"request_number": request.GET["number"], "via_status": request.GET.get("from") == "status"}

    def submit(data):
        # The form's fields are the service's arguments, but for the hidden flag of a complaint from a status page.
        fields = dict(data)
        source = ComplaintSource.STATUS_PAGE if fields.pop("via_status") else ComplaintSource.ONLINE
        return complaint_register(actor=CITIZEN, source=source, **fields)

    return _sent(request, ComplaintForm(request.POST or None, initial=initial), submit, COMPLAINT_FILING)


@never_cache
def track_complain_done(request):
    pk = request.session.pop(COMPLAINT_FILING.kept_as, None)
    complaint = Complaint.objects.select_related("centre").filter(pk=pk).first() if pk else None
    if complaint is None:
        return redirect("track:home")
    context = {"complaint": complaint, "link": complaint_status_url(complaint)}
    return render_public(request, "requests/public/complain_done.html", context, centre=complaint.centre)


@never_cache
def track_complaint(request, token: str):
    """The complainant's page: the answer, the timeline, and the feedback form once answered."""
    complaint = _complaint_from(token)
    form = FeedbackForm(request.POST or None) if request.method == "POST" else FeedbackForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complaint_feedback(actor=CITIZEN, complaint_id=complaint.pk, **form.cleaned_data)
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
                status = 409
            except DomainError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("Thank you: your feedback has been recorded."))
                return redirect(complaint_status_url(complaint))
        complaint.refresh_from_db()
    context = {"complaint": complaint_public_status(complaint), "form": form}
    return render_public(request, "requests/public/complaint.html", context, status=status, centre=complaint.centre)


# --- Elder-friendly mode -------------------------------------------------------------------------------------


@require_POST
def track_mode(request):
    """Switch elder-friendly mode on or off; remembered in a cookie on this device."""
    target = request.POST.get("next", "")
    # The public service guide (/guide/) shares the switch and its cookie.
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith(
        ("/track/", "/guide/")
    ):
        target = reverse("track:home")
    response = redirect(target)
    if request.POST.get("elder") == "1":
        # Secure like the session cookie: only over HTTPS in production (DEBUG off), plain HTTP in `make run`.
        response.set_cookie(
            ELDER_COOKIE, "1", max_age=ELDER_COOKIE_AGE, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
        )
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response
