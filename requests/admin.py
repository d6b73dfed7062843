"""Admin for the service catalogue."""

from django.contrib import admin
from django.db.models import Max
from django.forms.models import BaseInlineFormSet

from hallservice.core.admin import ReadOnlyAdmin, ReadOnlyInline, ScopedReadOnlyAdmin, StatusEventInline

from .models import (
    Consultation,
    ConsultationEvent,
    DepartmentTask,
    Evaluation,
    EvaluationAppeal,
    EvaluationPush,
    KeptSignature,
    KeyProject,
    KeyProjectEvent,
    Matter,
    Notification,
    OnlineConsultation,
    PersonalDataAccess,
    RequestEvent,
    RequiredMaterial,
    ServiceRequest,
    SmsDailyCount,
    SmsDeliveryReport,
    SmsOptOut,
)
from .services import matter_save


class RequiredMaterialFormSet(BaseInlineFormSet):
    """New material rows start with the next 序号 after the matter's last one, not 1.

    The blank rows shown with the page count on from the highest saved position; the row template that
    "Add another" copies starts after those blank rows (the clerk edits it if adding several at once).
    """

    def _next_position(self) -> int:
        if self.instance.pk is None:
            return 1
        last = self.instance.materials.aggregate(last=Max("position"))["last"]
        return (last or 0) + 1

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None:
            offset = self.extra
        elif index >= self.initial_form_count():
            offset = index - self.initial_form_count()
        else:
            return kwargs
        kwargs["initial"] = {**kwargs.get("initial", {}), "position": self._next_position() + offset}
        return kwargs


class RequiredMaterialInline(admin.TabularInline):
    model = RequiredMaterial
    formset = RequiredMaterialFormSet
    fields = ["position", "name", "how_to_obtain", "submission_form", "copies", "tolerant_waivable"]
    extra = 1


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["code", "main_item", "sub_item", "department", "handling_type", "time_limit_days", "is_active"]
    list_filter = ["department", "handling_type", "is_active"]
    search_fields = ["code", "main_item", "sub_item", "pinyin_initials"]
    list_select_related = ["department"]
    autocomplete_fields = ["contact_helper", "window"]
    inlines = [RequiredMaterialInline]

    def save_model(self, request, obj, form, change):
        matter_save(matter=obj)


@admin.register(RequiredMaterial)
class RequiredMaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "matter", "submission_form", "copies", "tolerant_waivable"]
    list_filter = ["submission_form", "tolerant_waivable", "matter__department"]
    search_fields = ["name", "matter__main_item", "matter__code"]
    list_select_related = ["matter"]


class RequestEventInline(StatusEventInline):
    model = RequestEvent


# A department part's clock (requests/department_clock.py), shown under the request and in the parts' own list.
PART_CLOCK = ["status", "after", "working_days", "opened_on", "deadline", "escalation_level"]


class DepartmentTaskInline(ReadOnlyInline):
    """The departments' parts with their clocks; they change through the request's actions and the daily sweep."""

    model = DepartmentTask
    fk_name = "request"
    fields = ["department", "description", *PART_CLOCK]


@admin.register(DepartmentTask)
class DepartmentTaskAdmin(ReadOnlyAdmin):
    """Department parts across requests: which are overdue and how far each has been escalated (read-only)."""

    list_display = ["request", "department", *PART_CLOCK]
    list_filter = ["status", "escalation_level", "department"]
    search_fields = ["request__number", "department__name", "description"]
    list_select_related = ["request", "department"]
    date_hierarchy = "deadline"
    fields = [
        "request",
        "department",
        "description",
        *PART_CLOCK,
        "reminded_on",
        "claimed_by",
        "claimed_at",
        "finished_at",
        "note",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(request__in=ServiceRequest.objects.restrict(request.user))


class KeptSignatureInline(ReadOnlyInline):
    """The signed forms kept for the request (issue 18), read-only: kept through the request page or the API."""

    model = KeptSignature
    fields = ["kind", "version", "source", "sha256", "size", "kept_by", "kept_at"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ScopedReadOnlyAdmin):
    """Masked personal data only: the unmasked values are for the dedicated helper and supervisors' pages."""

    list_display = [
        "number",
        "kind",
        "status",
        "applicant_name",
        "applicant_phone_masked",
        "matter",
        "centre",
        "helper",
        "deadline",
        "urgent",
        "urgent_target",
    ]
    # Read-only like the rest: urgency and priority groups change through the request's actions (with their events).
    list_filter = [
        *("status", "kind", "channel", "category", "centre", "lead_department", "urgent"),
        *("applicant_elderly", "applicant_disabled", "applicant_pregnant", "applicant_military"),
    ]
    search_fields = ["number", "applicant_name", "applicant_phone_masked"]
    list_select_related = ["matter", "centre", "helper"]
    date_hierarchy = "applied_at"
    fields = [
        "number",
        "kind",
        "status",
        "channel",
        "category",
        "applicant_type",
        "applicant_name",
        "contact_person",
        "applicant_id_masked",
        "applicant_phone_masked",
        "matter",
        "centre",
        "origin_centre",
        "helper",
        "lead_department",
        "key_project",
        "reason",
        "applicant_elderly",
        "applicant_disabled",
        "applicant_pregnant",
        "applicant_military",
        "urgent",
        "urgent_reason",
        "urgent_target",
        "commission_signed",
        "applied_at",
        "accepted_at",
        "deadline",
        "paused_working_days",
        "extension_working_days",
        "completed_at",
        "result",
        "delivered_at",
        "closed_at",
        "archived_at",
        "termination_reason",
    ]
    inlines = [DepartmentTaskInline, KeptSignatureInline, RequestEventInline]


class ConsultationEventInline(ReadOnlyInline):
    """The consultation's history under 首问负责: recorded, answered, handed over, reminded, escalated, notices."""

    model = ConsultationEvent
    fields = ["at", "verb", "actor", "actor_kind", "owner", "previous_owner", "note"]


@admin.register(Consultation)
class ConsultationAdmin(ScopedReadOnlyAdmin):
    list_display = ["created_at", "channel", "name", "contact_masked", "owner", "answer_due", "outcome", "centre"]
    list_filter = ["channel", "outcome", "centre", "answer_due"]
    search_fields = ["name", "question"]
    list_select_related = ["owner", "centre"]
    exclude = ["contact"]
    inlines = [ConsultationEventInline]


class KeyProjectEventInline(ReadOnlyInline):
    """The project's history, read-only: who designated whom, instead of whom, when."""

    model = KeyProjectEvent
    fields = ["at", "verb", "actor", "agent", "previous_agent", "requests_moved", "note"]


@admin.register(KeyProject)
class KeyProjectAdmin(admin.ModelAdmin):
    """The agent is read-only here: a bureau leader designates it on the project's page or through the API
    (局领导指定, seed 000 三.4), so that the open requests follow the agent and every change is in the history."""

    list_display = ["name", "enterprise", "level", "agent", "centre", "created_at"]
    list_filter = ["level", "centre"]
    search_fields = ["name", "enterprise"]
    readonly_fields = ["agent"]
    inlines = [KeyProjectEventInline]


# --- Citizens: evaluations, online consultations, messages (read-only: services write them) ------------------


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = [
        "request",
        "rating",
        "efficiency",
        "service_level",
        "attitude",
        "follow_up_rating",
        "is_invalid",
        "at",
    ]
    list_filter = ["rating", "needs_follow_up", "is_invalid"]
    search_fields = ["request__number"]
    list_select_related = ["request"]


@admin.register(EvaluationAppeal)
class EvaluationAppealAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "decision", "filed_by", "filed_at", "decided_by", "decided_at"]
    list_filter = ["decision"]


@admin.register(OnlineConsultation)
class OnlineConsultationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "is_appointment", "preferred_date", "slot", "created_at"]
    list_filter = ["is_appointment", "slot"]
    search_fields = ["reference"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The outbox: what was sent to whom (masked) and whether it went."""

    list_display = [
        "template",
        "channel",
        "recipient_masked",
        "status",
        "withheld",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "withheld", "channel", "template"]
    search_fields = ["key"]
    exclude = ["recipient"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """The PIPL access log: who saw unmasked personal data, which request, when. Never edited or deleted."""

    list_display = ["at", "actor", "kind", "request", "centre", "matches"]
    list_filter = ["kind", "centre"]
    list_select_related = ["actor", "request", "centre"]
    search_fields = ["actor__username", "actor__staff_member__name", "request__number"]
    date_hierarchy = "at"


@admin.register(EvaluationPush)
class EvaluationPushAdmin(ReadOnlyAdmin):
    """The national 好差评 push's outbox: each message, its data items (no personal data) and whether it went."""

    list_display = [
        "message_id",
        "evaluation",
        "event",
        "status",
        "attempts",
        "response_status",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "event"]
    list_select_related = ["evaluation__request"]
    search_fields = ["message_id", "evaluation__request__number"]
    readonly_fields = ["message_id", "payload", "lease_until"]
    date_hierarchy = "created_at"


@admin.register(SmsDeliveryReport)
class SmsDeliveryReportAdmin(ReadOnlyAdmin):
    """What the SMS gateway reported back for each message (phone masked): a log, never edited."""

    list_display = ["message_id", "phone_masked", "status", "provider_code", "reported_at", "received_at"]
    list_filter = ["status"]
    search_fields = ["message_id", "reference"]
    exclude = ["phone_hash"]
    date_hierarchy = "received_at"


@admin.register(SmsOptOut)
class SmsOptOutAdmin(ReadOnlyAdmin):
    """Each number's choices about non-essential SMS (masked), with who recorded them: a log, never edited."""

    list_display = ["at", "phone_masked", "opted_out", "channel", "recorded_by"]
    list_filter = ["opted_out", "channel"]
    exclude = ["phone_hash"]
    date_hierarchy = "at"


@admin.register(SmsDailyCount)
class SmsDailyCountAdmin(ReadOnlyAdmin):
    """SMS handed to the gateway per number and day (the number only as a hash): the daily limit's counter."""

    list_display = ["day", "count"]
    exclude = ["phone_hash"]
    date_hierarchy = "day"


from . import admin_appointments  # noqa: E402, F401 — appointments (issue 19) register their admin there
