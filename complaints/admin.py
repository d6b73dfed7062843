"""Admin of complaints: read-only, the services write them."""

from django.contrib import admin

from requests.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Complaint, ComplaintEvent


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["at", "verb", "from_status", "to_status", "actor", "public", "note"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Masked contact only; supervisors see the number on the complaint page."""

    list_display = ["number", "status", "category", "source", "centre", "registered_at", "escalated"]
    list_filter = ["status", "category", "source", "escalated", "centre"]
    search_fields = ["number", "request_number_given"]
    list_select_related = ["centre"]
    date_hierarchy = "registered_at"
    exclude = ["contact"]
    inlines = [ComplaintEventInline]
