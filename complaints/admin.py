"""Admin of complaints: read-only, the services write them."""

from django.contrib import admin

from hallservice.core.admin import ReadOnlyAdmin, StatusEventInline

from .models import Complaint, ComplaintEvent


class ComplaintEventInline(StatusEventInline):
    model = ComplaintEvent


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
