"""Admin of the supervision rows: integrity records, read-only (the statistics rows are derived, never edited)."""

from django.contrib import admin

from hallservice.core.admin import ReadOnlyAdmin

from .models import IntegrityRecord


@admin.register(IntegrityRecord)
class IntegrityRecordAdmin(ReadOnlyAdmin):
    """Read-only: records are written and revoked through supervision.services, which check scope and rules."""

    list_display = ["staff", "kind", "occurred_on", "request", "recorded_by", "recorded_at", "revoked_at"]
    list_filter = ["kind", "staff__centre", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["staff__name", "request__number", "description"]
    list_select_related = ["staff", "request", "recorded_by"]
    date_hierarchy = "occurred_on"

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)
