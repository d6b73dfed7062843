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

    def _act(self, service, input_class, **ids):
        """A write: the right to manage first (a 403), then the input (a 400 with field messages); then ``service``
        decides, as the user, on the ids named and the input (whose fields carry the service's argument names)."""
        require_perm(self.request.user, svc.MANAGE)
        return service(actor=self.request.user, **ids, **validated(input_class, self.request.data))


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
    centre = serializers.IntegerField(source="centre_id")
    inspected_on = serializers.DateField()
    department = serializers.IntegerField(source="department_id", required=False, allow_null=True, default=None)
    staff = serializers.IntegerField(source="staff_id", required=False, allow_null=True, default=None)
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
        inspection = self._act(svc.inspection_record, InspectionInput)
        return Response(InspectionOutput(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RectificationInput, responses=InspectionOutput)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        inspection = self.get_object()
        inspection = self._act(svc.inspection_record_rectification, RectificationInput, inspection_id=inspection.pk)
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
    centre = serializers.IntegerField(source="centre_id")
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=5000)
    inspections = serializers.ListField(
        child=serializers.IntegerField(), source="inspection_ids", required=False, default=list
    )
    staff = serializers.ListField(child=serializers.IntegerField(), source="staff_ids", required=False, default=list)
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class NoticeViewSet(_SupervisionViewSet):
    """Circulated notices (督查通报) of the user's centres; ``pdf`` is the notice as issued."""

    serializer_class = NoticeOutput
    filterset_fields = ["centre", "year"]

    def get_queryset(self):
        return selectors.notice_list(user=self.request.user).prefetch_related("inspections")

    @extend_schema(request=NoticeInput, responses={201: NoticeOutput})
    def create(self, request):
        notice = self._act(svc.notice_issue, NoticeInput)
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
    centre = serializers.IntegerField(source="centre_id")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000)
    departments = serializers.ListField(
        child=serializers.IntegerField(), source="department_ids", required=False, default=list
    )


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
        point = self._act(svc.difficult_point_record, DifficultPointInput)
        return Response(DifficultPointOutput(self._fresh(point.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingInput, responses=DifficultPointOutput)
    @action(detail=True, methods=["post"])
    def meetings(self, request, pk=None):
        point = self.get_object()
        self._act(svc.difficult_point_add_meeting, MeetingInput, point_id=point.pk)
        return Response(DifficultPointOutput(self._fresh(point.pk)).data)

    @extend_schema(request=ResolveInput, responses=DifficultPointOutput)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        point = self.get_object()
        self._act(svc.difficult_point_resolve, ResolveInput, point_id=point.pk)
        return Response(DifficultPointOutput(self._fresh(point.pk)).data)
