"""REST API of inspections, circulated notices and difficult points under /api/v1/supervision/.

The supervision section reads and writes, bureau leaders read, everyone else gets a 403. Serializers check the
shape of the input; ``services_inspections`` decides. Another centre's record is a 404 (querysets are scoped), an
action the state does not allow a 409, bad input a 400 with field messages.
"""

from __future__ import annotations

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hallservice.core.api import enum_field, require_perm, validated
from hallservice.core.idempotency import IdempotentCreateMixin

from . import selectors
from . import services_inspections as svc
from .choices import DifficultPointStatus
from .documents import notice_pdf
from .models import CoordinationMeeting, DifficultPoint, Inspection, Notice

READ = "supervision.view_inspections"
PointStatusField = enum_field(DifficultPointStatus, "DifficultPointStatusEnum")


class CanReadInspections(permissions.BasePermission):
    """Reading needs view_inspections (bureau leaders, the supervision section); every write asks for
    manage_inspections first (``require_perm``), and the services check again."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.has_perm(READ) or user.has_perm(svc.MANAGE)))


class _SupervisionViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [CanReadInspections]

    def _write(self):
        require_perm(self.request.user, svc.MANAGE)


# --- Inspections ---------------------------------------------------------------------------------------------------


class InspectionOutput(serializers.ModelSerializer):
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True, allow_null=True, default=None)
    notices = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "centre",
            "centre_name",
            "inspected_on",
            "department",
            "staff",
            "staff_name",
            "findings",
            "rectify_by",
            "rectification",
            "rectified_on",
            "recorded_by",
            "recorded_at",
            "notices",
        ]

    def get_notices(self, obj) -> list[str]:
        return [n.number for n in obj.notices.all()]


class InspectionInput(serializers.Serializer):
    centre = serializers.IntegerField()
    inspected_on = serializers.DateField()
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    staff = serializers.IntegerField(required=False, allow_null=True, default=None)
    findings = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    rectify_by = serializers.DateField(required=False, allow_null=True, default=None)


class RectificationInput(serializers.Serializer):
    result = serializers.CharField(max_length=2000)
    rectified_on = serializers.DateField()


class InspectionFilter(django_filters.FilterSet):
    class Meta:
        model = Inspection
        fields = ["centre", "staff", "department"]


class InspectionViewSet(_SupervisionViewSet):
    """Inspections (督查) of the user's centres."""

    serializer_class = InspectionOutput
    filterset_class = InspectionFilter

    def get_queryset(self):
        return selectors.inspection_list(user=self.request.user).prefetch_related("notices")

    @extend_schema(request=InspectionInput, responses={201: InspectionOutput})
    def create(self, request):
        self._write()
        d = validated(InspectionInput, request.data)
        inspection = svc.inspection_record(
            actor=request.user,
            centre_id=d["centre"],
            inspected_on=d["inspected_on"],
            department_id=d["department"],
            staff_id=d["staff"],
            findings=d["findings"],
            rectify_by=d["rectify_by"],
        )
        return Response(InspectionOutput(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RectificationInput, responses=InspectionOutput)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        inspection = self.get_object()
        self._write()
        d = validated(RectificationInput, request.data)
        inspection = svc.inspection_record_rectification(actor=request.user, inspection_id=inspection.pk, **d)
        return Response(InspectionOutput(inspection).data)


# --- Circulated notices --------------------------------------------------------------------------------------------


class NoticeOutput(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "number",
            "centre",
            "year",
            "sequence",
            "title",
            "body",
            "inspections",
            "named_staff",
            "issued_on",
            "issued_by",
        ]


class NoticeInput(serializers.Serializer):
    centre = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=5000)
    inspections = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    staff = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class NoticeViewSet(_SupervisionViewSet):
    """Circulated notices (督查通报) of the user's centres; ``pdf`` is the notice as issued."""

    serializer_class = NoticeOutput
    filterset_fields = ["centre", "year"]

    def get_queryset(self):
        return selectors.notice_list(user=self.request.user).prefetch_related("inspections")

    @extend_schema(request=NoticeInput, responses={201: NoticeOutput})
    def create(self, request):
        self._write()
        d = validated(NoticeInput, request.data)
        notice = svc.notice_issue(
            actor=request.user,
            centre_id=d["centre"],
            title=d["title"],
            body=d["body"],
            inspection_ids=d["inspections"],
            staff_ids=d["staff"],
            issued_on=d["issued_on"],
        )
        return Response(NoticeOutput(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        notice = self.get_object()
        response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="notice-{notice.year}-{notice.sequence}.pdf"'
        return response


# --- Difficult points ----------------------------------------------------------------------------------------------


class MeetingOutput(serializers.ModelSerializer):
    class Meta:
        model = CoordinationMeeting
        fields = ["id", "held_on", "attendees", "outcome", "recorded_by", "recorded_at"]


class DifficultPointOutput(serializers.ModelSerializer):
    status = PointStatusField(read_only=True)
    meetings = MeetingOutput(many=True, read_only=True)

    class Meta:
        model = DifficultPoint
        fields = [
            "id",
            "centre",
            "title",
            "description",
            "departments",
            "status",
            "meetings",
            "outcome",
            "resolved_on",
            "recorded_by",
            "created_at",
        ]


class DifficultPointInput(serializers.Serializer):
    centre = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000)
    departments = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class MeetingInput(serializers.Serializer):
    held_on = serializers.DateField()
    attendees = serializers.CharField(max_length=1000)
    outcome = serializers.CharField(max_length=2000)


class ResolveInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000)
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)


class DifficultPointFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DifficultPointStatus.choices)

    class Meta:
        model = DifficultPoint
        fields = ["centre", "status"]


class DifficultPointViewSet(_SupervisionViewSet):
    """The register of difficult points (难点堵点) of the user's centres with their coordination meetings."""

    serializer_class = DifficultPointOutput
    filterset_class = DifficultPointFilter

    def get_queryset(self):
        return selectors.difficult_point_list(user=self.request.user).prefetch_related("meetings")

    def _fresh(self, pk: int) -> DifficultPoint:
        return self.get_queryset().get(pk=pk)

    @extend_schema(request=DifficultPointInput, responses={201: DifficultPointOutput})
    def create(self, request):
        self._write()
        d = validated(DifficultPointInput, request.data)
        point = svc.difficult_point_record(
            actor=request.user,
            centre_id=d["centre"],
            title=d["title"],
            description=d["description"],
            department_ids=d["departments"],
        )
        return Response(DifficultPointOutput(self._fresh(point.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingInput, responses=DifficultPointOutput)
    @action(detail=True, methods=["post"])
    def meetings(self, request, pk=None):
        point = self.get_object()
        self._write()
        d = validated(MeetingInput, request.data)
        svc.difficult_point_add_meeting(actor=request.user, point_id=point.pk, **d)
        return Response(DifficultPointOutput(self._fresh(point.pk)).data)

    @extend_schema(request=ResolveInput, responses=DifficultPointOutput)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        point = self.get_object()
        self._write()
        d = validated(ResolveInput, request.data)
        svc.difficult_point_resolve(actor=request.user, point_id=point.pk, **d)
        return Response(DifficultPointOutput(self._fresh(point.pk)).data)
