"""Admin for the service catalogue."""

from django.contrib import admin

from .models import Consultation, KeyProject, Matter, RequestEvent, RequiredMaterial, ServiceRequest
from .services import matter_save


class RequiredMaterialInline(admin.TabularInline):
    model = RequiredMaterial
    fields = ["position", "name", "how_to_obtain", "submission_form", "copies", "tolerant_waivable"]
    extra = 1


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["code", "main_item", "sub_item", "department", "handling_type", "time_limit_days", "is_active"]
    list_filter = ["department", "handling_type", "is_active"]
    search_fields = ["code", "main_item", "sub_item", "pinyin_initials"]
    list_select_related = ["department"]
    autocomplete_fields = ["contact_helper"]
    inlines = [RequiredMaterialInline]

    def save_model(self, request, obj, form, change):
        matter_save(matter=obj)


@admin.register(RequiredMaterial)
class RequiredMaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "matter", "submission_form", "copies", "tolerant_waivable"]
    list_filter = ["submission_form", "tolerant_waivable", "matter__department"]
    search_fields = ["name", "matter__main_item", "matter__code"]
    list_select_related = ["matter"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records change only through services (with their events); the admin shows them, never edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    fields = ["at", "verb", "from_status", "to_status", "actor", "public", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
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
    ]
    list_filter = ["status", "kind", "channel", "category", "centre", "lead_department"]
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
    readonly_fields = fields
    inlines = [RequestEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "name", "contact_masked", "owner", "outcome", "centre"]
    list_filter = ["channel", "outcome", "centre"]
    search_fields = ["name", "question"]
    list_select_related = ["owner", "centre"]
    exclude = ["contact"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(KeyProject)
class KeyProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "level", "agent", "centre", "created_at"]
    list_filter = ["level", "centre"]
    search_fields = ["name", "enterprise"]
    autocomplete_fields = ["agent"]
