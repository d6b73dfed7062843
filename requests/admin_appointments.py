"""Django admin of appointments (issue 19): places kept through the same services as the supervision page (so each
change leaves its event), bookings and their history read-only. Imported by requests/admin.py."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hallservice.core.admin import ReadOnlyAdmin, ReadOnlyInline
from hallservice.core.errors import DomainError

from .models import Appointment, AppointmentCapacity, AppointmentEvent, AppointmentSlot
from .services.appointments import appointment_capacity_set, appointment_day_set, check_day, check_places


class _PlacesForm(forms.ModelForm):
    """The services' checks as form errors, before the service is called in ``save_model``."""

    def clean(self):
        data = super().clean()
        centre = data.get("centre") or getattr(self.instance, "centre", None)
        department = data.get("department") or getattr(self.instance, "department", None)
        try:
            if centre is not None and department is not None:
                check_places(centre.pk, department.pk, data.get("capacity"))
            if data.get("day"):
                check_day(data["day"])
            if self.instance.pk and data.get("capacity") is not None and data["capacity"] < self.instance.booked:
                raise DomainError(_("The places cannot be fewer than those booked."), field="capacity")
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        return data


class _ThroughServices(admin.ModelAdmin):
    """Adds and changes go through a service; nothing is deleted (bookings and history point at the rows)."""

    form = _PlacesForm

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # The row's key is fixed once made: a different half-day is another row.
        return self.key_fields if obj is not None else ()

    def save_model(self, request, obj, form, change):
        # The form ran the services' checks; a refusal left here (a permission) is Django's 403.
        obj.pk = self.through_service(request.user, obj).pk


@admin.register(AppointmentCapacity)
class AppointmentCapacityAdmin(_ThroughServices):
    """A centre's usual places per department, weekday and half-day."""

    list_display = ["centre", "department", "weekday", "half_day", "capacity"]
    list_filter = ["centre", "department", "weekday", "half_day"]
    key_fields = ("centre", "department", "weekday", "half_day")

    def through_service(self, user, obj):
        appointment_capacity_set(
            actor=user,
            centre_id=obj.centre_id,
            department_id=obj.department_id,
            capacities={(obj.weekday, obj.half_day): obj.capacity},
        )
        return AppointmentCapacity.objects.get(
            centre_id=obj.centre_id, department_id=obj.department_id, weekday=obj.weekday, half_day=obj.half_day
        )


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(_ThroughServices):
    """One day's half-day of a department: its places, how many are booked, closed or not."""

    list_display = ["day", "half_day", "centre", "department", "booked", "capacity", "closed", "overridden"]
    list_filter = ["centre", "department", "half_day", "closed", "overridden"]
    date_hierarchy = "day"
    key_fields = ("centre", "department", "day", "half_day", "booked", "overridden")
    exclude = ("booked", "overridden")

    def through_service(self, user, obj):
        return appointment_day_set(
            actor=user,
            centre_id=obj.centre_id,
            department_id=obj.department_id,
            day=obj.day,
            half_day=obj.half_day,
            capacity=obj.capacity,
            closed=obj.closed,
        )


class AppointmentEventInline(ReadOnlyInline):
    model = AppointmentEvent
    fields = ["at", "verb", "actor", "actor_kind", "note"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Bookings: code, day, status and queue number; the phone only masked."""

    list_display = ["day", "code", "centre", "slot", "phone_masked", "status", "queue_number", "checked_in_at"]
    list_filter = ["status", "centre", "day"]
    search_fields = ["code", "phone_tail"]
    exclude = ["phone_index", "phone_tail"]
    inlines = [AppointmentEventInline]


@admin.register(AppointmentEvent)
class AppointmentEventAdmin(ReadOnlyAdmin):
    """The history of a centre's appointments: bookings' steps and places set."""

    list_display = ["at", "centre", "verb", "actor", "actor_kind", "appointment", "note"]
    list_filter = ["verb", "centre"]
    date_hierarchy = "at"
