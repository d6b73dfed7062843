"""REST API of duty oversight under /api/v1/rosters/: the bureau leader's patrols and the duty records.

As the rest of the rosters API: serializers check the shape, the services decide; another centre's row is a 404,
a missing permission a 403, a reviewed record a 409.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hallservice.core import text_limits
from hallservice.core.api import enum_field, require_perm, validated
from hallservice.core.api_inputs import visible_id
from hallservice.core.idempotency import IdempotentCreateMixin
from staff.selectors import visible_centres

from . import selectors
from . import services as svc
from .models import DutyDay, DutyRecord, DutyRecordRevision, DutyRecordStatus, PatrolRecord
from .services.oversight import ensure_on_duty_writer, ensure_reviewer

DutyRecordStatusField = enum_field(DutyRecordStatus, "DutyRecordStatusEnum")


# --- Patrols ----------------------------------------------------------------------------------------------


class PatrolOutput(serializers.ModelSerializer):
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    leader_name = serializers.CharField(source="leader.name", read_only=True)

    class Meta:
        model = PatrolRecord
        fields = [
            "id",
            "centre",
            "centre_name",
            "leader",
            "leader_name",
            "patrolled_at",
            "week_start",
            "checked",
            "findings",
            "follow_up",
            "recorded_at",
        ]


class PatrolInput(serializers.Serializer):
    centre = serializers.IntegerField()
    patrolled_at = serializers.DateTimeField()
    checked = serializers.CharField(max_length=text_limits.SUMMARY)
    findings = serializers.CharField(max_length=text_limits.TEXT, required=False, allow_blank=True, default="")
    follow_up = serializers.CharField(max_length=text_limits.SUMMARY, required=False, allow_blank=True, default="")


class PatrolGapOutput(serializers.Serializer):
    centre = serializers.IntegerField(source="centre.pk")
    centre_name = serializers.CharField(source="centre.name")
    week_start = serializers.DateField()
    week_end = serializers.DateField()
    week_leader_name = serializers.CharField(source="week_leader.name", default=None, allow_null=True)


class PatrolFilter(django_filters.FilterSet):
    week = django_filters.DateFilter(field_name="week_start", label="Monday of the week")
    day_from = django_filters.DateFilter(field_name="patrolled_at__date", lookup_expr="gte")
    day_to = django_filters.DateFilter(field_name="patrolled_at__date", lookup_expr="lte")

    class Meta:
        model = PatrolRecord
        fields = ["centre", "leader", "week"]


class PatrolViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The week's leading bureau leader's patrols (seed 000 五.1), read by the supervision section; weeks run
    Monday to Sunday and ``missing`` lists the ended weeks of duty without one."""

    queryset = PatrolRecord.objects.none()  # for the schema: the path's id is the patrol's integer key
    serializer_class = PatrolOutput
    filterset_class = PatrolFilter

    def get_queryset(self):
        require_perm(self.request.user, "rosters.view_patrolrecord")
        return selectors.patrol_list(user=self.request.user)

    @extend_schema(request=PatrolInput, responses={201: PatrolOutput})
    def create(self, request):
        require_perm(request.user, "rosters.record_patrol")
        data = validated(PatrolInput, request.data)
        centre_id = visible_id(visible_centres(request.user), data.pop("centre"), field="centre")
        patrol = svc.patrol_record_create(actor=request.user, centre_id=centre_id, **data)
        return Response(PatrolOutput(patrol).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PatrolGapOutput(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def missing(self, request):
        """Ended weeks (of the last four) in which a centre had duty days and no patrol was recorded."""
        require_perm(request.user, "rosters.view_patrolrecord")
        gaps = selectors.patrol_gaps(visible_centres(request.user), timezone.localdate())
        return Response(PatrolGapOutput(gaps, many=True).data)


# --- Duty records -----------------------------------------------------------------------------------------


class RevisionOutput(serializers.ModelSerializer):
    class Meta:
        model = DutyRecordRevision
        fields = ["id", "content", "saved_by", "saved_at"]


class DutyRecordOutput(serializers.ModelSerializer):
    centre = serializers.IntegerField(source="duty_day.centre_id", read_only=True)
    day = serializers.DateField(source="duty_day.day", read_only=True)
    status = DutyRecordStatusField(read_only=True)
    revisions = RevisionOutput(many=True, read_only=True)

    class Meta:
        model = DutyRecord
        fields = [
            "id",
            "duty_day",
            "centre",
            "day",
            "content",
            "status",
            "written_by",
            "written_at",
            "edited_by",
            "edited_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "revisions",
        ]


class DutyRecordInput(serializers.Serializer):
    duty_day = serializers.IntegerField()
    content = serializers.CharField(max_length=text_limits.TEXT)


class DutyRecordEditInput(serializers.Serializer):
    content = serializers.CharField(max_length=text_limits.TEXT)


class ReviewInput(serializers.Serializer):
    comment = serializers.CharField(max_length=text_limits.NOTE, required=False, allow_blank=True, default="")
    seen_revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The id of the latest revision the reviewer read; a later edit makes the review a 409",
    )


class DutyRecordFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DutyRecordStatus.choices)
    centre = django_filters.NumberFilter(field_name="duty_day__centre")
    day_from = django_filters.DateFilter(field_name="duty_day__day", lookup_expr="gte")
    day_to = django_filters.DateFilter(field_name="duty_day__day", lookup_expr="lte")

    class Meta:
        model = DutyRecord
        fields = ["status", "centre", "duty_day"]


class DutyRecordViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The duty record of each duty day (值班记录): written and edited by the helpers on duty, reviewed (signed off)
    by the day's duty leader, read-only after review."""

    queryset = DutyRecord.objects.none()  # for the schema: the path's id is the record's integer key
    serializer_class = DutyRecordOutput
    filterset_class = DutyRecordFilter

    def get_queryset(self):
        require_perm(self.request.user, "rosters.view_dutyrecord")
        return self._records()

    def _records(self):
        return (
            selectors.duty_record_list(user=self.request.user)
            .prefetch_related("revisions")
            .order_by("-duty_day__day", "duty_day__centre")
        )

    def _answer(self, record: DutyRecord, code: int = status.HTTP_200_OK) -> Response:
        # The writer may be a helper on duty without the right to read every record: answer with what they wrote.
        return Response(DutyRecordOutput(self._records().get(pk=record.pk)).data, status=code)

    @extend_schema(request=DutyRecordInput, responses={201: DutyRecordOutput})
    def create(self, request):
        data = validated(DutyRecordInput, request.data)
        duty_days = DutyDay.objects.restrict(request.user).published()
        duty_day_id = visible_id(duty_days, data["duty_day"], field="duty_day")
        record = svc.duty_record_write(actor=request.user, duty_day_id=duty_day_id, content=data["content"])
        return self._answer(record, status.HTTP_201_CREATED)

    @extend_schema(request=DutyRecordEditInput, responses=DutyRecordOutput)
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        record = self.get_object()
        ensure_on_duty_writer(request.user, record.duty_day)
        data = validated(DutyRecordEditInput, request.data)
        return self._answer(svc.duty_record_edit(actor=request.user, record_id=record.pk, content=data["content"]))

    @extend_schema(request=ReviewInput, responses=DutyRecordOutput)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        record = self.get_object()
        ensure_reviewer(request.user, record.duty_day)
        data = validated(ReviewInput, request.data)
        reviewed = svc.duty_record_review(
            actor=request.user, record_id=record.pk, comment=data["comment"], seen_revision=data["seen_revision"]
        )
        return self._answer(reviewed)
