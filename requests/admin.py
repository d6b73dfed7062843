"""Admin for the service catalogue."""

from django.contrib import admin

from .models import Matter, RequiredMaterial
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
