"""Admin of the supervision rows: integrity records, inspections, circulated notices and difficult points, all
read-only (the statistics rows are derived, never edited)."""

from django.contrib import admin

from hallservice.core.admin import ReadOnlyInline, ScopedReadOnlyAdmin

from .models import (
    CoordinationMeeting,
    DifficultPoint,
    Inspection,
    IntegrityRecord,
    Notice,
    SkillGap,
    SupervisionEvent,
)


@admin.register(IntegrityRecord)
class IntegrityRecordAdmin(ScopedReadOnlyAdmin):
    """Read-only: records are written and revoked through supervision.services, which check scope and rules."""

    list_display = ["staff", "kind", "occurred_on", "request", "recorded_by", "recorded_at", "revoked_at"]
    list_filter = ["kind", "staff__centre", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["staff__name", "request__number", "description"]
    list_select_related = ["staff", "request", "recorded_by"]
    date_hierarchy = "occurred_on"


class SupervisionEventInline(ReadOnlyInline):
    model = SupervisionEvent
    fields = ["at", "actor", "verb", "note"]


@admin.register(Inspection)
class InspectionAdmin(ScopedReadOnlyAdmin):
    """Read-only: inspections and their rectification are written through supervision.services_inspections."""

    list_display = ["inspected_on", "centre", "department", "staff", "rectify_by", "rectified_on", "recorded_by"]
    list_filter = ["centre", ("rectified_on", admin.EmptyFieldListFilter)]
    search_fields = ["staff__name", "findings"]
    list_select_related = ["centre", "department", "staff", "recorded_by"]
    date_hierarchy = "inspected_on"
    inlines = [SupervisionEventInline]


@admin.register(Notice)
class NoticeAdmin(ScopedReadOnlyAdmin):
    """Read-only: a notice is numbered and issued by supervision.services_inspections.notice_issue."""

    list_display = ["__str__", "title", "centre", "issued_on", "issued_by"]
    list_filter = ["year", "centre"]
    search_fields = ["title", "body", "named_staff__name"]
    list_select_related = ["centre", "issued_by"]
    inlines = [SupervisionEventInline]


class CoordinationMeetingInline(ReadOnlyInline):
    model = CoordinationMeeting
    fields = ["held_on", "attendees", "outcome", "recorded_by"]


@admin.register(DifficultPoint)
class DifficultPointAdmin(ScopedReadOnlyAdmin):
    """Read-only: points, their meetings and resolution go through supervision.services_inspections."""

    list_display = ["title", "centre", "status", "created_at", "resolved_on"]
    list_filter = ["status", "centre"]
    search_fields = ["title", "description"]
    list_select_related = ["centre"]
    inlines = [CoordinationMeetingInline, SupervisionEventInline]


@admin.register(SkillGap)
class SkillGapAdmin(ScopedReadOnlyAdmin):
    """Read-only: gaps are opened, updated and closed by the skills matrix's recomputation (supervision.skills)."""

    list_display = ["staff", "department", "level", "created_at", "updated_at", "closed_at"]
    list_filter = ["department", "staff__centre", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["staff__name", "department__name"]
    list_select_related = ["staff", "department"]
