"""The citizens' appointment pages under /track/ (no login, phone first): choose the centre and department, pick a
half-day among those with free places, get a booking code (and an SMS); look the booking up with the code and the
phone's last four digits, and cancel it.

Booking submissions count in the consultation limit per client address, failed lookups in the lookup limit
(hallservice.core.throttle). After a lookup the cancel button carries a signed, short-lived token of the booking,
so nothing on the page lets anyone reach another booking.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hallservice.core import throttle
from hallservice.core.actors import CITIZEN
from hallservice.core.web import attempt
from staff.models import ServiceCentre

from ..models import Appointment, AppointmentStatus
from ..services.appointments import (
    appointment_book,
    appointment_cancel,
    find_booking,
    free_slots,
    window_departments,
)
from .forms_appointments import BookingForm, BookingLookupForm, ChooseDepartmentForm
from .selectors import centre_choices, hall_centre
from .views import _counted, _throttled, render_public

KEPT_AS = "track_appointment"
CANCEL_SALT = "hallservice.track.appointment-cancel"
CANCEL_TOKEN_AGE = 30 * 60
# The element the booking page's centre select swaps (htmx) when another centre is chosen.
DEPARTMENT_FIELD = "appt-department"
NOT_FOUND = gettext_lazy("No booking matches this code and phone number. Check both against your SMS and try again.")


def _department_choices(centre: ServiceCentre | None, departments=None) -> list:
    if departments is None:
        departments = window_departments(centre) if centre else []
    return [("", "—"), *((d.pk, d.name) for d in departments)]


def _choose(request) -> tuple[ChooseDepartmentForm, ServiceCentre | None, object | None]:
    """Step one: the centre (the hall's own first) and a department with a window there, from the query string."""
    data = request.GET if "centre" in request.GET else None
    form = ChooseDepartmentForm(data)
    form.fields["centre"].choices = centre_choices()
    hall = hall_centre()
    centre_id = request.GET.get("centre") or (hall.pk if hall else None)
    centre = ServiceCentre.objects.filter(pk=centre_id).first() if str(centre_id or "").isdigit() else None
    if centre is None or centre.pk not in dict(form.fields["centre"].choices):
        centre = None
    departments = window_departments(centre) if centre else []
    form.fields["department"].choices = _department_choices(centre, departments)
    if centre is not None:
        form.fields["centre"].initial = centre.pk
    department = None
    if data is not None and form.is_valid():
        department = next((d for d in departments if d.pk == form.cleaned_data["department"]), None)
    return form, centre, department


@never_cache
def track_book(request):
    choose, centre, department = _choose(request)
    context = {"choose": choose, "centre": centre, "department": department}
    if request.htmx and request.htmx.target == DEPARTMENT_FIELD:
        # The centre was changed: only the department list of the new centre, nothing chosen yet (no error).
        choose = ChooseDepartmentForm(initial={"centre": centre.pk if centre else None})
        choose.fields["department"].choices = _department_choices(centre)
        return render(request, "requests/appointments/partials/department_field.html", {"choose": choose})
    if department is None:
        return render_public(
            request, "requests/appointments/book.html", context, status=200 if request.method == "GET" else 400
        )
    slots = free_slots(centre, department)
    form = BookingForm(request.POST or None, slots=slots, department=department)
    context.update(form=form, slots=slots)
    if request.method != "POST":
        return render_public(request, "requests/appointments/book.html", context)

    def accept():
        if not form.is_valid():
            return None
        booked, _status = attempt(
            request,
            lambda: appointment_book(centre_id=centre.pk, department_id=department.pk, **form.booking()),
            form,
        )
        if booked is None:
            return None
        request.session[KEPT_AS] = booked.pk
        return redirect("track:book-done")

    return _counted(request, "consultation_address", accept) or render_public(
        request, "requests/appointments/book.html", context, status=400
    )


def _booking(pk) -> Appointment | None:
    if not pk:
        return None
    return (
        Appointment.objects.select_related("centre", "slot__department", "online__consultation").filter(pk=pk).first()
    )


@never_cache
def track_book_done(request):
    appointment = _booking(request.session.get(KEPT_AS))
    if appointment is None:
        return redirect("track:book")
    return render_public(
        request, "requests/appointments/book_done.html", {"appointment": appointment}, centre=appointment.centre
    )


@never_cache
def track_booking(request):
    """Look a booking up by its code and the phone's last four digits; the same answer for a wrong code or phone."""
    form = BookingLookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            address = throttle.client_address(request)
            try:
                throttle.attempt("lookup_address", address)
            except throttle.Throttled as exc:
                return _throttled(request, exc)
            found = find_booking(code=form.cleaned_data["code"], phone_tail=form.cleaned_data["phone_tail"])
            if found is not None:
                throttle.release("lookup_address", address)
                return _show(request, found)
            form.add_error(None, NOT_FOUND)
            status = 404
    return render_public(request, "requests/appointments/lookup.html", {"form": form}, status=status)


def _show(request, appointment: Appointment, *, status: int = 200):
    token = signing.dumps(appointment.pk, salt=CANCEL_SALT)
    context = {
        "appointment": appointment,
        "token": token,
        "may_cancel": appointment.status == AppointmentStatus.BOOKED,
    }
    return render_public(
        request, "requests/appointments/booking.html", context, status=status, centre=appointment.centre
    )


@require_POST
@never_cache
def track_booking_cancel(request):
    try:
        pk = signing.loads(request.POST.get("token", ""), salt=CANCEL_SALT, max_age=CANCEL_TOKEN_AGE)
    except signing.BadSignature:
        form = BookingLookupForm()
        form.cleaned_data = {}  # an unbound form takes an error once it has (empty) cleaned data
        form.add_error(None, _("This page has expired. Look your booking up again to cancel it."))
        return render_public(request, "requests/appointments/lookup.html", {"form": form}, status=400)
    appointment = _booking(pk)
    if appointment is None:
        return redirect("track:booking")
    cancelled, status = attempt(request, lambda: appointment_cancel(actor=CITIZEN, appointment_id=appointment.pk))
    if cancelled is not None:
        messages.success(request, _("Your booking is cancelled. Thank you for freeing the place."))
    return _show(request, _booking(pk), status=200 if cancelled is not None else status)
