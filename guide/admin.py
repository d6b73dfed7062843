"""Admin of the public display: the display board's notices, kept by supervisors for the centres they see."""

from django.contrib import admin

from hallservice.core.admin import ScopedAdminMixin
from staff.models import ServiceCentre

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["text", "centre", "starts_on", "ends_on", "position"]
    list_editable = ["position"]
    list_filter = ["centre"]
    search_fields = ["text"]
    list_select_related = ["centre"]
    date_hierarchy = "starts_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A supervisor puts notices on the boards of the centres they see, not on another district's.
        if db_field.name == "centre":
            kwargs["queryset"] = ServiceCentre.objects.restrict(request.user).order_by("level", "code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
