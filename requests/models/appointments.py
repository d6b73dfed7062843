"""Appointments with capacity (F-PUB-2, issue 19): the places a centre offers per window department and half-day,
the citizens' bookings of them, and what happens at the hall (check-in with a queue number, no-show, cancellation).

A booking is still an online appointment request (``OnlineConsultation`` with its ``Consultation`` of channel
appointment, in the centre's list); ``Appointment`` adds the place it holds, its booking code and its life at
the desk.
"""

from __future__ import annotations

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields
from hallservice.core.centre_events import CentreEvent
from hallservice.core.events import verb_field
from hallservice.core.scoping import CentreScopedQuerySet

from .citizens import OnlineConsultation, TimeSlot

# When each half-day starts and ends at the hall (the labels of TimeSlot say the same): a booking not checked in
# when its half-day has ended is a no-show.
SLOT_STARTS = {TimeSlot.MORNING: time(9, 0), TimeSlot.AFTERNOON: time(13, 30)}
SLOT_ENDS = {TimeSlot.MORNING: time(12, 0), TimeSlot.AFTERNOON: time(17, 0)}


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AppointmentCapacity(models.Model):
    """A centre's usual number of appointment places for one window department on one weekday's half-day."""

    centre = fields.centre(related_name="+")
    department = fields.department(_("department"), related_name="+")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    half_day = models.CharField(_("time slot"), max_length=10, choices=TimeSlot.choices)
    capacity = models.PositiveSmallIntegerField(_("places"))

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "department", "weekday", "half_day"]
        verbose_name = _("weekly appointment capacity")
        verbose_name_plural = _("weekly appointment capacities")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "department", "weekday", "half_day"], name="appointment_capacity_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}/{self.department_id} {self.weekday} {self.half_day}: {self.capacity}"


class AppointmentSlot(models.Model):
    """One half-day of one department at one centre on one date: its places, how many are taken, whether it is shut.

    Made from the weekly capacity when first booked or changed; ``overridden`` marks a day a supervisor set by hand
    (a later change of the weekly capacity leaves it alone). ``booked`` only moves by a conditional UPDATE
    (requests.services.appointments), so two citizens cannot both take the last place.
    """

    centre = fields.centre(related_name="+")
    department = fields.department(_("department"), related_name="+")
    day = models.DateField(_("date"))
    half_day = models.CharField(_("time slot"), max_length=10, choices=TimeSlot.choices)
    capacity = models.PositiveSmallIntegerField(_("places"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    closed = models.BooleanField(_("closed"), default=False)
    overridden = models.BooleanField(_("set for this day"), default=False)

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["day", "half_day", "department"]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "department", "day", "half_day"], name="appointment_slot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.half_day} {self.department_id}: {self.booked}/{self.capacity}"

    @property
    def free(self) -> int:
        """Places still free (none when the slot is closed)."""
        return 0 if self.closed else max(0, self.capacity - self.booked)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


# Which status each may move to; the services check every change against it, the desk page shows only these.
APPOINTMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.BOOKED: frozenset(
        {AppointmentStatus.CHECKED_IN, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED}
    ),
    AppointmentStatus.CHECKED_IN: frozenset(),
    AppointmentStatus.NO_SHOW: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
}
# A booking that holds its place (one per phone per slot counts these).
HOLDING_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)


class Appointment(models.Model):
    """A citizen's place in one appointment slot, from the booking to check-in, no-show or cancellation.

    The booking code is short and unique per centre and day; looking a booking up needs it with the phone's last
    four digits. The phone itself stays in the consultation (encrypted); here only its blind index (one booking per
    phone per slot), its last four digits and its masked form.
    """

    online = models.OneToOneField(OnlineConsultation, on_delete=models.PROTECT, related_name="appointment")
    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments")
    centre = fields.centre(related_name="+")
    day = models.DateField(_("date"))
    code = models.CharField(_("booking code"), max_length=8)
    phone_index = models.CharField(max_length=64, editable=False)
    phone_tail = models.CharField(max_length=4, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False)
    # Priority groups (PriorityGroup values) the citizen said at booking or the clerk confirmed at check-in.
    priority_groups = models.JSONField(_("priority groups"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    queue_number = models.CharField(_("queue number"), max_length=8, blank=True)
    checked_in_at = fields.moment(_("checked in at"))
    created_at = fields.created_at(_("booked at"))

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["day", "slot__half_day", "pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(fields=["centre", "day", "code"], name="appointment_code_unique"),
            models.UniqueConstraint(
                fields=["slot", "phone_index"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="appointment_one_per_phone_per_slot",
            ),
            models.UniqueConstraint(
                fields=["centre", "day", "queue_number"],
                condition=~Q(queue_number=""),
                name="appointment_queue_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="checked_in", checked_in_at__isnull=False, queue_number__gt="")
                | (~Q(status="checked_in") & Q(queue_number="")),
                name="appointment_checked_in_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.code}"

    @property
    def is_priority(self) -> bool:
        return bool(self.priority_groups)


class AppointmentVerb(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("Recorded as not come")
    WEEKLY_CAPACITY_SET = "weekly_capacity_set", _("Weekly places set")
    DAY_SET = "day_set", _("Places of a day set")


class AppointmentEvent(CentreEvent):
    """One change to a centre's appointments: a booking's step, or places set by the supervision section."""

    verb = verb_field(AppointmentVerb)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    slot = models.ForeignKey(AppointmentSlot, null=True, blank=True, on_delete=models.CASCADE, related_name="events")

    subject_field = "centre"

    class Meta(CentreEvent.Meta):
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")
