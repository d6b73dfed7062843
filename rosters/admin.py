"""Admin for the rosters app: bureau leaders are reference data; everything else is read-only here, because
plans, substitutions, check-ins, patrols and duty records change only through the services (with their checks and
events). Every list holds only the rows of the user's centres, as on the pages: a supervisor, staff in the admin for
the display board's notices, sees no other district's check-ins, absences or duty records here either."""

from django.contrib import admin

from hallservice.core.admin import ReadOnlyAdmin, ReadOnlyInline, ScopedReadOnlyAdmin
from hallservice.core.event_admin import CentreEventAdmin

from .models import (
    BureauLeader,
    CheckIn,
    DutyDay,
    DutyRecord,
    DutyRecordRevision,
    DutySummary,
    PatrolRecord,
    RosterEvent,
    RotationAssignment,
    RotationPlan,
    Substitution,
    Unavailability,
)


@admin.register(BureauLeader)
class BureauLeaderAdmin(admin.ModelAdmin):
    list_display = ["staff", "title"]
    list_select_related = ["staff", "staff__centre"]
    search_fields = ["staff__name", "title"]
    autocomplete_fields = ["staff"]


class AssignmentInline(ReadOnlyInline):
    model = RotationAssignment
    fields = ["helper", "window", "reason", "is_repeat"]


@admin.register(RotationPlan)
class RotationPlanAdmin(ScopedReadOnlyAdmin):
    list_display = ["month", "centre", "status", "published_at"]
    list_filter = ["status", "centre"]
    date_hierarchy = "month"
    inlines = [AssignmentInline]


@admin.register(DutyDay)
class DutyDayAdmin(ScopedReadOnlyAdmin):
    list_display = ["day", "centre", "leader", "planned_leader", "week_leader"]
    list_filter = ["centre", "plan__status"]
    list_select_related = ["centre", "leader", "planned_leader", "week_leader"]
    date_hierarchy = "day"


@admin.register(Substitution)
class SubstitutionAdmin(ScopedReadOnlyAdmin):
    """Filed substitutions (替岗备案) and who reversed (or, with approval on, decided) them; reversing is on the
    substitutions page and the API, where the service checks the day and the reason."""

    list_display = ["day", "duty", "absent", "substitute", "status", "requested_at", "decided_by", "decision_note"]
    list_filter = ["status", "duty", "centre"]
    list_select_related = ["absent", "substitute", "decided_by"]
    search_fields = ["absent__name", "substitute__name", "reason"]
    date_hierarchy = "day"


@admin.register(CheckIn)
class CheckInAdmin(ScopedReadOnlyAdmin):
    list_display = ["day", "staff", "status", "checked_in_at", "badge_worn", "party_badge_worn", "source"]
    list_filter = ["status", "source", "party_badge_worn", "centre"]
    list_select_related = ["staff"]
    date_hierarchy = "day"


@admin.register(Unavailability)
class UnavailabilityAdmin(ScopedReadOnlyAdmin):
    list_display = ["staff", "kind", "start", "end", "source"]
    list_filter = ["kind"]
    search_fields = ["staff__name", "source"]
    list_select_related = ["staff"]


@admin.register(DutySummary)
class DutySummaryAdmin(ReadOnlyAdmin):
    list_display = ["duty_day", "filed_at", "consultations", "assists", "agencies", "late", "absent"]
    list_select_related = ["duty_day", "duty_day__leader"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(duty_day__in=DutyDay.objects.restrict(request.user))


@admin.register(PatrolRecord)
class PatrolRecordAdmin(ScopedReadOnlyAdmin):
    """The bureau leader's weekly patrols (seed 000 五.1); recorded on the patrols page and the API."""

    list_display = ["patrolled_at", "centre", "leader", "week_start", "recorded_at"]
    list_filter = ["centre"]
    list_select_related = ["centre", "leader"]
    search_fields = ["leader__name", "checked", "findings"]
    date_hierarchy = "patrolled_at"


class DutyRecordRevisionInline(ReadOnlyInline):
    model = DutyRecordRevision
    fields = ["saved_at", "saved_by", "content"]


@admin.register(DutyRecord)
class DutyRecordAdmin(ScopedReadOnlyAdmin):
    """Duty records (值班记录) with every saved version; written and reviewed on the duty record page and the API."""

    list_display = ["duty_day", "status", "written_by", "written_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "duty_day__centre"]
    list_select_related = ["duty_day", "duty_day__leader", "written_by", "reviewed_by"]
    date_hierarchy = "duty_day__day"
    inlines = [DutyRecordRevisionInline]


@admin.register(RosterEvent)
class RosterEventAdmin(CentreEventAdmin):
    pass
