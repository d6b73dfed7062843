"""REST API of the rosters app under /api/v1/rosters/ (DRF + django-filter + drf-spectacular).

Serializers check the shape of the input; the services decide. Another centre's object is a 404 (querysets are
scoped), a missing permission a 403, an action the state does not allow a 409, bad input a 400 with field
messages (the project's exception handler maps the services' errors).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hallservice.core.api import MonthOfFilter, enum_field, require_perm, validated
from hallservice.core.api_inputs import visible_id
from hallservice.core.idempotency import IdempotentCreateMixin
from staff.selectors import visible_centres

from . import services as svc
from .inputs import substitution_request_fields, unavailability_record_fields
from .models import (
    CheckIn,
    CheckInSource,
    CheckInStatus,
    Duty,
    DutyDay,
    PlanStatus,
    RotationAssignment,
    RotationPlan,
    Substitution,
    SubstitutionStatus,
    Unavailability,
    UnavailabilityKind,
)
from .selectors import plan_check

PlanStatusField = enum_field(PlanStatus, "RotationPlanStatusEnum")
DutyField = enum_field(Duty, "DutyEnum")
SubstitutionStatusField = enum_field(SubstitutionStatus, "SubstitutionStatusEnum")
CheckInStatusField = enum_field(CheckInStatus, "CheckInStatusEnum")
CheckInSourceField = enum_field(CheckInSource, "CheckInSourceEnum")
UnavailabilityKindField = enum_field(UnavailabilityKind, "UnavailabilityKindEnum")


# --- Plans ------------------------------------------------------------------------------------------------


class AssignmentOutput(serializers.ModelSerializer):
    helper_name = serializers.CharField(source="helper.name", read_only=True)
    window_number = serializers.CharField(source="window.number", read_only=True)

    class Meta:
        model = RotationAssignment
        fields = ["id", "helper", "helper_name", "window", "window_number", "reason", "is_repeat"]


class PlanOutput(serializers.ModelSerializer):
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    status = PlanStatusField(read_only=True)

    class Meta:
        model = RotationPlan
        fields = ["id", "centre", "centre_name", "month", "status", "continued_from", "generated_at", "published_at"]


class PlanDetailOutput(PlanOutput):
    assignments = AssignmentOutput(many=True, read_only=True)

    class Meta(PlanOutput.Meta):
        fields = [*PlanOutput.Meta.fields, "assignments"]


class ProblemOutput(serializers.Serializer):
    level = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    window = serializers.IntegerField(source="window_id", allow_null=True)
    helper = serializers.IntegerField(source="helper_id", allow_null=True)
    day = serializers.DateField(allow_null=True)


class PlanInput(serializers.Serializer):
    centre = serializers.IntegerField()
    month = serializers.DateField(help_text="Any day of the month; the plan is for the whole month")


class PublishInput(serializers.Serializer):
    confirm_repeats = serializers.BooleanField(
        default=False, help_text="Required (true) to publish a plan in which helpers repeat a window early"
    )


class AssignInput(serializers.Serializer):
    helper = serializers.IntegerField()
    window = serializers.IntegerField(allow_null=True, help_text="null takes the helper off every window")


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    month = MonthOfFilter()

    class Meta:
        model = RotationPlan
        fields = ["centre", "status", "month"]


class RotationPlanViewSet(IdempotentCreateMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly rosters of the user's centres (drafts only for the supervision section)."""

    filterset_class = PlanFilter

    def get_queryset(self):
        qs = RotationPlan.objects.restrict(self.request.user).select_related("centre").order_by("-month", "centre")
        if self.action != "list":
            qs = qs.prefetch_related("assignments__helper", "assignments__window")
        return qs

    def get_serializer_class(self):
        return PlanOutput if self.action == "list" else PlanDetailOutput

    @extend_schema(request=PlanInput, responses={201: PlanDetailOutput})
    def create(self, request):
        require_perm(request.user, "rosters.manage_rotation")
        data = validated(PlanInput, request.data)
        centre_id = visible_id(visible_centres(request.user), data["centre"], field="centre")
        plan = svc.rotation_plan_generate(actor=request.user, centre_id=centre_id, month=data["month"])
        return Response(PlanDetailOutput(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PlanDetailOutput)
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        plan = svc.rotation_plan_regenerate(actor=request.user, plan_id=self.get_object().pk)
        return Response(PlanDetailOutput(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=AssignInput, responses=PlanDetailOutput)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        plan = self.get_object()
        data = validated(AssignInput, request.data)
        svc.rotation_assignment_set(
            actor=request.user,
            plan_id=plan.pk,
            helper_id=data["helper"],
            window_id=data["window"],
        )
        return Response(PlanDetailOutput(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=PublishInput, responses=PlanDetailOutput)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = validated(PublishInput, request.data)
        plan = svc.rotation_plan_publish(
            actor=request.user, plan_id=self.get_object().pk, confirm_repeats=data["confirm_repeats"]
        )
        return Response(PlanDetailOutput(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(responses=ProblemOutput(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def problems(self, request, pk=None):
        problems, _covers, _inputs = plan_check(self.get_object())
        return Response(ProblemOutput(problems, many=True).data)


# --- Duty days ---------------------------------------------------------------------------------------------


class DutyDayOutput(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    week_leader_name = serializers.CharField(source="week_leader.name", read_only=True, default=None, allow_null=True)
    substituted = serializers.BooleanField(source="is_substituted", read_only=True)
    plan_status = serializers.CharField(source="plan.status", read_only=True)

    class Meta:
        model = DutyDay
        fields = [
            "id",
            "centre",
            "day",
            "leader",
            "leader_name",
            "planned_leader",
            "substituted",
            "week_leader",
            "week_leader_name",
            "reason",
            "plan",
            "plan_status",
        ]


class DutyDayInput(serializers.Serializer):
    plan = serializers.IntegerField()
    day = serializers.DateField()
    leader = serializers.IntegerField()


class LeaderInput(serializers.Serializer):
    leader = serializers.IntegerField()


class DutyDayFilter(django_filters.FilterSet):
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = DutyDay
        fields = ["centre", "day", "leader", "week_leader", "plan"]


class DutyDayViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The duty leader of each working day (published plans; drafts too for the supervision section)."""

    serializer_class = DutyDayOutput
    filterset_class = DutyDayFilter

    def get_queryset(self):
        return (
            DutyDay.objects.restrict(self.request.user)
            .select_related("leader", "week_leader", "plan")
            .order_by("day", "centre")
        )

    @extend_schema(request=DutyDayInput, responses={201: DutyDayOutput})
    def create(self, request):
        require_perm(request.user, "rosters.manage_rotation")
        data = validated(DutyDayInput, request.data)
        duty_day = svc.duty_day_create(
            actor=request.user,
            plan_id=visible_id(RotationPlan.objects.restrict(request.user), data["plan"], field="plan"),
            day=data["day"],
            leader_id=data["leader"],
        )
        return Response(DutyDayOutput(self.get_queryset().get(pk=duty_day.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LeaderInput, responses=DutyDayOutput)
    @action(detail=True, methods=["post"], url_path="set-leader")
    def set_leader(self, request, pk=None):
        # The day first (another centre's is a 404), the permission next, the input last.
        duty_day = self.get_object()
        require_perm(request.user, "rosters.manage_rotation")
        data = validated(LeaderInput, request.data)
        duty_day = svc.duty_day_set_leader(actor=request.user, duty_day_id=duty_day.pk, leader_id=data["leader"])
        return Response(DutyDayOutput(self.get_queryset().get(pk=duty_day.pk)).data)


# --- Substitutions ---------------------------------------------------------------------------------------


class SubstitutionOutput(serializers.ModelSerializer):
    duty = DutyField(read_only=True)
    status = SubstitutionStatusField(read_only=True)
    absent_name = serializers.CharField(source="absent.name", read_only=True)
    substitute_name = serializers.CharField(source="substitute.name", read_only=True)
    allowed_statuses = serializers.SerializerMethodField()

    class Meta:
        model = Substitution
        fields = [
            "id",
            "centre",
            "day",
            "duty",
            "absent",
            "absent_name",
            "substitute",
            "substitute_name",
            "window",
            "reason",
            "status",
            "requested_at",
            "decided_at",
            "decision_note",
            "allowed_statuses",
        ]

    def get_allowed_statuses(self, obj) -> list[str]:
        return sorted(obj.allowed_statuses())


class SubstitutionInput(serializers.Serializer):
    absent = serializers.IntegerField()
    substitute = serializers.IntegerField()
    day = serializers.DateField()
    duty = DutyField()
    reason = serializers.CharField(max_length=200)


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SubstitutionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SubstitutionStatus.choices)
    duty = django_filters.ChoiceFilter(choices=Duty.choices)
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = Substitution
        fields = ["centre", "status", "duty", "day", "absent", "substitute"]


def _own_unless(user, perms: tuple[str, ...], qs, *fields: str):
    """Centre-wide for those with one of ``perms``; otherwise only rows about the user themselves."""
    if any(user.has_perm(p) for p in perms):
        return qs
    member = getattr(user, "staff_member", None)
    if member is None:
        return qs.none()
    mine = Q()
    for field in fields:
        mine |= Q(**{field: member})
    return qs.filter(mine)


class SubstitutionViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Substitutions (替岗) filed with the supervision section: in effect once filed, which the section may reverse
    (or, with ``SUBSTITUTION_NEEDS_APPROVAL``, once the section approves)."""

    serializer_class = SubstitutionOutput
    filterset_class = SubstitutionFilter

    def get_queryset(self):
        qs = Substitution.objects.restrict(self.request.user).select_related("absent", "substitute")
        qs = _own_unless(
            self.request.user,
            ("rosters.decide_substitution", "rosters.record_duty"),
            qs,
            "absent",
            "substitute",
            "requested_by__staff_member",
        )
        return qs.order_by("-day", "-requested_at")

    @extend_schema(request=SubstitutionInput, responses={201: SubstitutionOutput})
    def create(self, request):
        data = validated(SubstitutionInput, request.data)
        sub = svc.substitution_request(actor=request.user, **substitution_request_fields(data))
        return Response(SubstitutionOutput(sub).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, decide):
        """Approve, reject or reverse: the note from the input, the substitution as it now stands."""
        data = validated(DecisionInput, request.data)
        sub = decide(actor=request.user, substitution_id=self.get_object().pk, **data)
        return Response(SubstitutionOutput(sub).data)

    @extend_schema(request=DecisionInput, responses=SubstitutionOutput)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, svc.substitution_approve)

    @extend_schema(request=DecisionInput, responses=SubstitutionOutput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, svc.substitution_reject)

    @extend_schema(request=DecisionInput, responses=SubstitutionOutput)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """The supervision section reverses a filed substitution (备案): the person it replaced is back on duty."""
        return self._decide(request, svc.substitution_reverse)

    @extend_schema(request=None, responses=SubstitutionOutput)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        sub = svc.substitution_withdraw(actor=request.user, substitution_id=self.get_object().pk)
        return Response(SubstitutionOutput(sub).data)


# --- Check-ins ------------------------------------------------------------------------------------------


class CheckInOutput(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    status = CheckInStatusField(read_only=True)
    source = CheckInSourceField(read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "staff",
            "staff_name",
            "centre",
            "day",
            "status",
            "checked_in_at",
            "badge_worn",
            "party_badge_worn",
            "source",
        ]


class CheckInInput(serializers.Serializer):
    staff = serializers.IntegerField(required=False, allow_null=True, help_text="Someone else (duty leaders only)")
    badge_worn = serializers.BooleanField(default=False)
    party_badge_worn = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Party members only (seed 000 二.5): false or absent records an arrival without the party badge; "
        "ignored for anyone else, whose check-in keeps null",
    )


class CheckInFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CheckInStatus.choices)
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["centre", "day", "status", "staff"]


class CheckInViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Arrivals; POST checks the user in now (or, for duty leaders, someone else)."""

    serializer_class = CheckInOutput
    filterset_class = CheckInFilter

    def get_queryset(self):
        qs = CheckIn.objects.restrict(self.request.user).select_related("staff")
        qs = _own_unless(self.request.user, ("rosters.record_duty", "rosters.view_checkin"), qs, "staff")
        return qs.order_by("-day", "staff__name")

    @extend_schema(request=CheckInInput, responses={201: CheckInOutput})
    def create(self, request):
        data = validated(CheckInInput, request.data)
        check_in = svc.checkin_record(
            actor=request.user,
            staff_id=data.get("staff"),
            badge_worn=data["badge_worn"],
            party_badge_worn=data["party_badge_worn"],
        )
        return Response(CheckInOutput(check_in).data, status=status.HTTP_201_CREATED)


# --- Unavailability ---------------------------------------------------------------------------------------


class UnavailabilityOutput(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    kind = UnavailabilityKindField(read_only=True)

    class Meta:
        model = Unavailability
        fields = ["id", "staff", "staff_name", "start", "end", "kind", "note", "source"]


class UnavailabilityInput(serializers.Serializer):
    staff = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    kind = UnavailabilityKindField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class UnavailabilityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnavailabilityKind.choices)
    on = django_filters.DateFilter(method="filter_on", label="Covers this day")

    class Meta:
        model = Unavailability
        fields = ["staff", "kind", "on"]

    def filter_on(self, queryset, name, value):
        return queryset.covering(value)


class UnavailabilityViewSet(
    IdempotentCreateMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Leave, travel, meetings and off-post study days."""

    serializer_class = UnavailabilityOutput
    filterset_class = UnavailabilityFilter

    def get_queryset(self):
        qs = Unavailability.objects.restrict(self.request.user).select_related("staff")
        return _own_unless(self.request.user, ("rosters.view_unavailability",), qs, "staff").order_by("-start")

    @extend_schema(request=UnavailabilityInput, responses={201: UnavailabilityOutput})
    def create(self, request):
        require_perm(request.user, "rosters.add_unavailability")
        data = validated(UnavailabilityInput, request.data)
        record = svc.unavailability_record(actor=request.user, **unavailability_record_fields(data))
        return Response(UnavailabilityOutput(record).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        svc.unavailability_cancel(actor=request.user, unavailability_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
