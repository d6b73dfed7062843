"""API of appointments (issue 19) for the staff side: the bookings of the user's centres (today's by default), check
a booking in (its queue number comes back), record a no-show. The same services as the desk's page; phones masked."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hallservice.core.api import enum_field, require_perm, validated

from .models import Appointment, AppointmentStatus, AppointmentVerb, PriorityGroup, TimeSlot
from .services.appointments import CHECK_IN_PERM, appointment_check_in, appointment_mark_no_show

AppointmentStatusField = enum_field(AppointmentStatus, "AppointmentStatusEnum")
AppointmentVerbField = enum_field(AppointmentVerb, "AppointmentVerbEnum")
HalfDayField = enum_field(TimeSlot, "TimeSlotEnum")
BOOKABLE_GROUPS = [g for g in PriorityGroup.values if g != PriorityGroup.KEY_PROJECT]


class AppointmentEventOutput(serializers.Serializer):
    verb = AppointmentVerbField(read_only=True)
    actor_name = serializers.CharField(read_only=True)
    actor_kind = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True)


class AppointmentOutput(serializers.ModelSerializer):
    status = AppointmentStatusField(read_only=True)
    half_day = HalfDayField(source="slot.half_day", read_only=True)
    department = serializers.IntegerField(source="slot.department_id", read_only=True)
    department_name = serializers.CharField(source="slot.department.name", read_only=True)
    name = serializers.CharField(source="online.consultation.name", read_only=True)
    reference = serializers.CharField(source="online.reference", read_only=True)
    priority_groups = serializers.ListField(child=serializers.CharField(), read_only=True)
    events = AppointmentEventOutput(many=True, read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "centre",
            "day",
            "half_day",
            "department",
            "department_name",
            "code",
            "reference",
            "name",
            "phone_masked",
            "priority_groups",
            "status",
            "queue_number",
            "checked_in_at",
            "created_at",
            "events",
        ]


class AppointmentCheckInInput(serializers.Serializer):
    priority_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=BOOKABLE_GROUPS), required=False, allow_empty=True
    )
    id_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=18,
        help_text="Read from the citizen's ID card: adds the elderly lane when old enough; not kept.",
    )


class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bookings of the user's centres: ``?day=`` (today when not given), ``?code=``, ``?status=``."""

    serializer_class = AppointmentOutput

    def get_queryset(self):
        return (
            Appointment.objects.restrict(self.request.user)
            .select_related("slot__department", "online__consultation", "centre")
            .defer("online__consultation__contact")
            .prefetch_related("events__actor__staff_member")
            .order_by("day", "slot__half_day", "pk")
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.request.query_params
        day = params.get("day") or ""
        try:
            day = serializers.DateField().to_internal_value(day) if day else timezone.localdate()
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"day": exc.detail}) from exc
        queryset = queryset.filter(day=day)
        if params.get("code"):
            queryset = queryset.filter(code=params["code"].strip().upper())
        if params.get("status"):
            if params["status"] not in AppointmentStatus.values:
                raise serializers.ValidationError({"status": ["Not a booking status."]})
            queryset = queryset.filter(status=params["status"])
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("day", OpenApiTypes.DATE, description="The day (today when not given)"),
            OpenApiParameter("code", OpenApiTypes.STR, description="A booking code"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=AppointmentStatus.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AppointmentCheckInInput, responses=AppointmentOutput)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Check a booking of today in: its queue number (``Y…`` for the priority lane) comes back; 409 on another
        day or when it is no longer booked."""
        appointment = self.get_object()
        require_perm(request.user, CHECK_IN_PERM)
        data = validated(AppointmentCheckInInput, request.data)
        done = appointment_check_in(
            actor=request.user,
            appointment_id=appointment.pk,
            priority_groups=data.get("priority_groups"),
            id_number=data.get("id_number", ""),
        )
        return Response(AppointmentOutput(self.get_queryset().get(pk=done.pk)).data)

    @extend_schema(request=None, responses=AppointmentOutput)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        """Record that the citizen did not come; 409 before the half-day has begun."""
        appointment = self.get_object()
        require_perm(request.user, CHECK_IN_PERM)
        done = appointment_mark_no_show(actor=request.user, appointment_id=appointment.pk)
        return Response(AppointmentOutput(self.get_queryset().get(pk=done.pk)).data)
