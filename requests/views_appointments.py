"""Staff pages of appointments (issue 19): the desk's check-in page with today's bookings of the clerk's centre,
the queue ticket, and the supervision section's page of places per department and half-day.

Thin as the other views: reads through the scoped querysets, writes through requests.services.appointments, whose
refusals come back through hallservice.core.web.attempt. Phones are shown masked only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.core.web import attempt, staff_page
from staff.models import ServiceCentre

from .models import (
    APPOINTMENT_TRANSITIONS,
    Appointment,
    AppointmentCapacity,
    AppointmentSlot,
    AppointmentStatus,
    PriorityGroup,
    TimeSlot,
    Weekday,
)
from .services.appointments import (
    CAPACITY_PERM,
    CHECK_IN_PERM,
    appointment_capacity_set,
    appointment_check_in,
    appointment_day_set,
    appointment_mark_no_show,
    normalise_booking_code,
    slot_window,
    window_departments,
)
from .services.public import appointment_dates

GROUPS = [(g.value, g.label) for g in PriorityGroup if g != PriorityGroup.KEY_PROJECT]


class CheckInForm(forms.Form):
    priority_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Priority lane"), required=False, choices=GROUPS, widget=forms.CheckboxSelectMultiple
    )
    id_number = forms.CharField(
        label=gettext_lazy("ID number (for the elderly lane, not kept)"),
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 18}),
    )


class DaySetForm(forms.Form):
    department = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    half_day = forms.ChoiceField(label=gettext_lazy("Time slot"), choices=TimeSlot.choices)
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=0, max_value=200)
    closed = forms.BooleanField(label=gettext_lazy("Closed for bookings"), required=False)


# --- The desk: today's bookings, check-in, no-show, the ticket --------------------------------------------------


def _bookings(user):
    return Appointment.objects.restrict(user).select_related("slot__department", "online__consultation", "centre")


def _desk_centre(request) -> ServiceCentre | None:
    member = getattr(request.user, "staff_member", None)
    return member.centre if member is not None else None


@staff_page(CHECK_IN_PERM)
def appointment_desk_view(request):
    """Today's bookings of the clerk's centre, found by booking code or the phone's last four digits."""
    centre = _desk_centre(request)
    today, now = timezone.localdate(), timezone.now()
    rows = _bookings(request.user).filter(centre=centre, day=today).defer("online__consultation__contact")
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = (
            rows.filter(phone_tail=q) if q.isdigit() and len(q) == 4 else rows.filter(code=normalise_booking_code(q))
        )
    # Morning before afternoon, and within each the bookings still to come first.
    halves, statuses = list(TimeSlot.values), list(AppointmentStatus.values)
    rows = sorted(rows, key=lambda a: (halves.index(a.slot.half_day), statuses.index(a.status), a.pk))
    context = {
        "centre": centre,
        "today": today,
        "q": q,
        "rows": [
            (
                a,
                CheckInForm(initial={"priority_groups": a.priority_groups}, auto_id=f"id_{a.pk}_%s"),
                # A no-show only once the half-day has begun (the service refuses it before).
                APPOINTMENT_TRANSITIONS[a.status]
                - ({AppointmentStatus.NO_SHOW} if now < slot_window(a.day, a.slot.half_day)[0] else set()),
            )
            for a in rows
        ],
        "counts": [(s.label, sum(1 for a in rows if a.status == s)) for s in AppointmentStatus],
    }
    return render(request, "requests/appointments/desk.html", context)


def _own(request, pk: int) -> Appointment:
    return get_object_or_404(_bookings(request.user), pk=pk)


@staff_page(CHECK_IN_PERM, methods=("POST",))
def appointment_check_in_view(request, pk: int):
    appointment = _own(request, pk)
    form = CheckInForm(request.POST, auto_id=f"id_{pk}_%s")
    if not form.is_valid():
        messages.error(request, _("Choose priority groups from the list."))
        return redirect("requests:appointments")
    done, status = attempt(
        request,
        lambda: appointment_check_in(
            actor=request.user,
            appointment_id=appointment.pk,
            priority_groups=form.cleaned_data["priority_groups"],
            id_number=form.cleaned_data["id_number"],
        ),
    )
    if done is None:
        return redirect("requests:appointments")
    messages.success(request, _("Checked in: queue number %(number)s.") % {"number": done.queue_number})
    return redirect("requests:appointment-ticket", pk=done.pk)


@staff_page(CHECK_IN_PERM, methods=("POST",))
def appointment_no_show_view(request, pk: int):
    appointment = _own(request, pk)
    done, _status = attempt(
        request, lambda: appointment_mark_no_show(actor=request.user, appointment_id=appointment.pk)
    )
    if done is not None:
        messages.success(request, _("Booking %(code)s recorded as not come.") % {"code": done.code})
    # Done or refused (the refusal is in the messages): back to the desk's list.
    return redirect("requests:appointments")


@staff_page(CHECK_IN_PERM)
def appointment_ticket_view(request, pk: int):
    """The queue number, large, for the screen or the desk's printer (print CSS)."""
    appointment = _own(request, pk)
    if not appointment.queue_number:
        raise Http404(_("This booking has no queue number yet."))
    return render(request, "requests/appointments/ticket.html", {"a": appointment})


# --- Places: the supervision section ------------------------------------------------------------------------------


def _capacity_centre(request) -> ServiceCentre | None:
    centres = ServiceCentre.objects.restrict(request.user).order_by("level", "code")
    wanted = request.GET.get("centre") or request.POST.get("centre")
    if wanted and str(wanted).isdigit():
        chosen = centres.filter(pk=wanted).first()
        if chosen is None:
            raise Http404
        return chosen
    own = _desk_centre(request)
    return own if own is not None and centres.filter(pk=own.pk).exists() else centres.first()


def _weekly_grid(centre, department) -> list[tuple]:
    kept = {
        (c.weekday, c.half_day): c.capacity
        for c in AppointmentCapacity.objects.filter(centre=centre, department=department)
    }
    return [
        (day, [(half, f"cap_{day.value}_{half}", kept.get((day.value, half), 0)) for half in TimeSlot.values])
        for day in Weekday
        if day.value < 5
    ]


@staff_page(CAPACITY_PERM, methods=("GET", "POST"))
def appointment_capacity_view(request):
    """Places per department and half-day: the usual week, and single days set by hand or closed."""
    centre = _capacity_centre(request)
    departments = window_departments(centre) if centre else []
    wanted = request.GET.get("department") or request.POST.get("department")
    department = next((d for d in departments if str(d.pk) == str(wanted)), departments[0] if departments else None)
    status = 200
    day_form = DaySetForm(initial={"department": department.pk if department else None})
    if request.method == "POST" and department is not None:
        status = 400
        if request.POST.get("form") == "day":
            day_form = DaySetForm(request.POST)
            if day_form.is_valid():
                data = day_form.cleaned_data
                slot, status = attempt(
                    request,
                    lambda: appointment_day_set(
                        actor=request.user,
                        centre_id=centre.pk,
                        department_id=department.pk,
                        day=data["day"],
                        half_day=data["half_day"],
                        capacity=data["capacity"],
                        closed=data["closed"],
                    ),
                    day_form,
                )
                if slot is not None:
                    messages.success(request, _("The places of that half-day are set."))
                    return redirect(_capacity_url(centre, department))
        else:
            capacities, bad = {}, False
            for weekday in range(5):
                for half in TimeSlot.values:
                    raw = (request.POST.get(f"cap_{weekday}_{half}") or "").strip()
                    if not raw.isdigit():
                        bad = True
                        continue
                    capacities[(weekday, half)] = int(raw)
            if bad:
                messages.error(request, _("Enter a whole number of places for every half-day."))
            else:
                changed, status = attempt(
                    request,
                    lambda: appointment_capacity_set(
                        actor=request.user, centre_id=centre.pk, department_id=department.pk, capacities=capacities
                    ),
                )
                if changed is not None:
                    messages.success(request, _("The usual places are saved."))
                    return redirect(_capacity_url(centre, department))
    elif request.method == "POST":
        messages.error(request, _("Choose a department with a window at this centre."))
        status = 400
    days = appointment_dates()
    slots = (
        {
            (s.day, s.half_day): s
            for s in AppointmentSlot.objects.filter(centre=centre, department=department, day__in=days)
        }
        if department
        else {}
    )
    weekly = (
        {
            (c.weekday, c.half_day): c.capacity
            for c in AppointmentCapacity.objects.filter(centre=centre, department=department)
        }
        if department
        else {}
    )
    upcoming = [
        (
            day,
            [(half, slots.get((day, half)), weekly.get((day.weekday(), half), 0)) for half in TimeSlot.values],
        )
        for day in days
    ]
    context = {
        "centre": centre,
        "centres": ServiceCentre.objects.restrict(request.user).order_by("level", "code"),
        "departments": departments,
        "department": department,
        "grid": _weekly_grid(centre, department) if department else [],
        "upcoming": upcoming,
        "day_form": day_form,
        "half_days": TimeSlot,
    }
    return render(request, "requests/appointments/capacity.html", context, status=status)


def _capacity_url(centre, department) -> str:
    return f"{reverse('requests:appointment-capacity')}?centre={centre.pk}&department={department.pk}"
