"""Admin pieces every app's admin uses: records that change only through services are shown, never edited.

Not an app's ``admin`` module (``hallservice.core`` is not an installed app): nothing is registered here.
"""

from django.contrib import admin


class EverythingShownReadOnly:
    """Every field an admin shows is read-only, so it names its fields once (``fields``); a field that is not
    editable (a timestamp) could not be shown at all otherwise."""

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields or self.fields or ()


class ReadOnlyAdmin(EverythingShownReadOnly, admin.ModelAdmin):
    """Records change only through services (with their events); the admin shows them, never edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdminMixin:
    """Only the rows of the user's centres (the scoped queryset's ``restrict``), as on the pages and in the API."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)


class ScopedReadOnlyAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    """Read-only, and only the rows of the user's centres."""


class ReadOnlyInline(EverythingShownReadOnly, admin.TabularInline):
    """Events are the audit trail: shown under their record, never added, changed or deleted, by anyone."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusEventInline(ReadOnlyInline):
    """The history under a record with a state machine (a request, a complaint): every row says which status it
    moved from and to, and whether the citizen saw it, so both apps show their histories with the same columns."""

    fields = ["at", "verb", "from_status", "to_status", "actor", "public", "note"]
