"""Admin for the working calendar: single overrides and the bulk entry of a year's State Council notice.

Every change goes through hallservice.core.calendar, so open requests' deadlines follow it (with an event each).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .core.calendar import calendar_notice_enter, calendar_override_delete, calendar_override_save
from .core.calendar_notice import MAX_NOTICE_CHARS
from .core.errors import DomainError
from .core.models import ApiToken, CalendarOverride, CalendarYear
from .core.web import attach_error

MAX_NOTICE_FILE_BYTES = 64 * 1024


class CalendarNoticeForm(forms.Form):
    """The notice pasted or uploaded as a UTF-8 text file (format in hallservice/core/calendar_notice.py)."""

    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=gettext_lazy("notice"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("e.g. 国办发明电〔2026〕7号"),
    )
    text = forms.CharField(
        label=gettext_lazy("dates of the notice"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 60}),
        max_length=MAX_NOTICE_CHARS,
        required=False,
    )
    upload = forms.FileField(label=gettext_lazy("or upload a text file"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload is not None:
            if (data.get("text") or "").strip():
                raise forms.ValidationError(_("Paste the dates or upload a file, not both."))
            if upload.size > MAX_NOTICE_FILE_BYTES:
                raise forms.ValidationError(_("The file is larger than 64 KB; upload only the dates."))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text; save it as UTF-8 and upload again.")
                ) from None
        if not (data.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Paste the dates of the notice or upload them as a text file."))
        return data


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["note"]
    change_list_template = "admin/hallservice/calendaroverride/change_list.html"

    def save_model(self, request, obj, form, change):
        saved = calendar_override_save(
            actor=request.user,
            override_id=obj.pk if change else None,
            day=obj.date,
            is_working_day=obj.is_working_day,
            note=obj.note,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_override_delete(actor=request.user, override_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            calendar_override_delete(actor=request.user, override_id=pk)

    def get_urls(self):
        notice = path(
            "enter-notice/", self.admin_site.admin_view(self.enter_notice_view), name="hallservice_calendar_notice"
        )
        return [notice, *super().get_urls()]

    def enter_notice_view(self, request):
        """Bulk entry of one year's holidays and adjusted working days, all in one transaction."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        status = 200
        if request.method == "POST":
            form = CalendarNoticeForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    entered = calendar_notice_enter(
                        actor=request.user,
                        year=form.cleaned_data["year"],
                        text=form.cleaned_data["text"],
                        source=form.cleaned_data["source"],
                    )
                except DomainError as exc:
                    attach_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("The %(year)d notice is entered: %(days)d dates; %(moved)d open promised dates moved.")
                        % {
                            "year": form.cleaned_data["year"],
                            "days": len(entered.overrides),
                            "moved": entered.moved,
                        },
                    )
                    return redirect(reverse("admin:hallservice_calendaroverride_changelist"))
            status = 400
        else:
            form = CalendarNoticeForm(initial={"year": timezone.localdate().year + 1})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Enter the State Council's holiday notice"),
            "form": form,
            "entered_years": CalendarYear.objects.select_related("entered_by"),
        }
        return TemplateResponse(
            request, "admin/hallservice/calendaroverride/enter_notice.html", context, status=status
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens are listed and deleted (revoked) here; they are issued by ``manage.py issue_api_token``."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at"]
    list_filter = ["expires_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["name", "user", "prefix", "created_by", "created_at", "expires_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
