"""Admin for the organisation's reference data."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hallservice.core.admin import ScopedReadOnlyAdmin
from hallservice.core.crypto import EncryptedCharField
from hallservice.core.errors import DomainError
from hallservice.core.uploads import validate_upload

from .models import Department, Qualification, ServiceCentre, StaffMember, Window
from .selectors import (
    REQUIRED_SPECIALISTS,
    StaffingShortfall,
    departments_short_of_specialists,
    departments_with_specialist_counts,
    departments_without_chief_representative,
    staffing_shortfalls,
)


def warn_staffing(model_admin: admin.ModelAdmin, request, keep: Callable[[StaffingShortfall], bool]) -> None:
    """Show the staffing minimums the user's centres break (``staffing_shortfalls``) that ``keep`` picks, as warnings.

    Only on a GET: a POST redirects, and the warnings would follow it to the next page a second time.
    """
    if request.method != "GET":
        return
    for shortfall in staffing_shortfalls(ServiceCentre.objects.restrict(request.user).order_by("level", "code")):
        if keep(shortfall):
            model_admin.message_user(request, shortfall.message, level=messages.WARNING)


class ChildCentreInline(admin.TabularInline):
    model = ServiceCentre
    fk_name = "parent"
    fields = ["code", "name", "level"]
    extra = 0
    show_change_link = True


class WindowInline(admin.TabularInline):
    model = Window
    fields = ["number", "name", "floor", "department", "is_help_desk", "is_active"]
    extra = 0


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "opening_time"]
    list_filter = ["level", "parent"]
    search_fields = ["code", "name", "address"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [ChildCentreInline, WindowInline]

    def changelist_view(self, request, extra_context=None):
        warn_staffing(self, request, lambda shortfall: True)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if str(object_id).isdigit():
            warn_staffing(self, request, lambda shortfall: shortfall.centre_id == int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)


class DepartmentForm(forms.ModelForm):
    """Offers as chief representative only the department's own active staff (and whoever holds it now, so an
    inactive holder is shown and refused by the model's check rather than silently dropped)."""

    class Meta:
        model = Department
        fields = ["code", "name", "short_name", "chief_representative", "chief_representative_note", "is_high_volume"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("chief_representative")
        if field is not None:
            offered = Q(department_id=self.instance.pk, is_active=True) if self.instance.pk else Q(pk__in=[])
            if self.instance.chief_representative_id:
                offered |= Q(pk=self.instance.chief_representative_id)
            field.queryset = StaffMember.objects.filter(offered).order_by("name")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentForm
    list_display = ["code", "name", "chief_representative_shown", "is_high_volume", "specialists"]
    list_filter = ["is_high_volume"]
    search_fields = ["code", "name", "short_name", "chief_representative__name", "chief_representative_note"]

    def get_queryset(self, request):
        return departments_with_specialist_counts().select_related("chief_representative")

    @admin.display(description=_("chief representative"), ordering="chief_representative__name")
    def chief_representative_shown(self, obj):
        member = obj.chief_representative
        if member is not None:
            # Left the department or no longer active since being registered: the same warning sign as no one.
            held = member.is_active and member.department_id == obj.pk
            return member.name if held else f"⚠ {member.name}"
        if obj.chief_representative_note:
            return gettext("⚠ %(name)s (not registered)") % {"name": obj.chief_representative_note}
        return "⚠"

    @admin.display(description=_("specialists (coordinator / worker)"))
    def specialists(self, obj):
        ok = obj.specialist_count >= REQUIRED_SPECIALISTS and obj.coordinator_count and obj.worker_count
        mark = "✔" if ok else "⚠"
        return f"{mark} {obj.specialist_count} ({obj.coordinator_count} / {obj.worker_count})"

    def changelist_view(self, request, extra_context=None):
        short = list(departments_short_of_specialists().values_list("name", flat=True))
        if short:
            self.message_user(
                request,
                gettext("These departments have not registered two specialists (one coordinator, one worker): %s")
                % "、".join(short),
                level=messages.WARNING,
            )
        unregistered = list(departments_without_chief_representative().order_by("code").values_list("name", flat=True))
        if unregistered and request.method == "GET":
            self.message_user(
                request,
                gettext("These departments have not registered a chief representative: %s") % "、".join(unregistered),
                level=messages.WARNING,
            )
        warn_staffing(self, request, lambda shortfall: shortfall.department_id is not None)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if str(object_id).isdigit():
            warn_staffing(self, request, lambda shortfall: shortfall.department_id == int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "centre", "floor", "department", "is_help_desk", "is_active"]
    list_filter = ["centre", "floor", "is_help_desk", "department", "is_active"]
    search_fields = ["number", "name", "department__name"]
    list_select_related = ["centre", "department"]


# A portrait for the public helper board: a phone photo is a few hundred KB; 2 MB leaves room, not abuse.
PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png"}
PHOTO_MAX_BYTES = 2 * 1024 * 1024


class StaffMemberForm(forms.ModelForm):
    """The staff admin's form (the admin adds the model and fields); the photo goes on a public page, so its name,
    size and first bytes are checked."""

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        # A newly uploaded file has a content type; the stored one (or a cleared field) is left alone.
        if photo and hasattr(photo, "content_type"):
            try:
                validate_upload(photo, extensions=PHOTO_EXTENSIONS, max_bytes=PHOTO_MAX_BYTES)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return photo


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    form = StaffMemberForm
    list_display = [
        "name",
        "staff_number",
        "kind",
        "centre",
        "department",
        "window",
        "specialist_role",
        "is_party_member",
        "is_active",
    ]
    list_filter = ["kind", "centre", "department", "specialist_role", "is_party_member", "is_active"]
    search_fields = ["name", "staff_number", "user__username", "business_scope", "dispatch_company"]
    list_select_related = ["centre", "department", "window"]
    autocomplete_fields = ["user", "window"]
    raw_id_fields = []
    # The ID number is one line, not a text area (an encrypted field is a TextField underneath).
    formfield_overrides = {EncryptedCharField: {"widget": forms.TextInput(attrs={"autocomplete": "off"})}}


@admin.register(Qualification)
class QualificationAdmin(ScopedReadOnlyAdmin):
    """Read-only: the skills matrix is computed by supervision.skills (nightly, or "recompute now" on its page)."""

    list_display = ["staff", "department", "matter", "level", "windows_covered", "handled", "on_time", "poor_ratings"]
    list_filter = ["level", "department", "staff__centre"]
    search_fields = ["staff__name", "department__name", "matter__main_item"]
    list_select_related = ["staff", "department", "matter"]
