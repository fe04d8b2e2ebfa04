"""Admin building blocks shared by the apps.

Business writes go through the services; the admin shows rows and their history for
support and audit. Its history pages are read-only: simple-history's history form saves a
POST as a change of the row (a "revert") without the services' rules, so it is never
offered and a hand-made POST to it is refused.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from core.models import Notification, NotificationPreference, ReminderSent, UserSettings


class HistoryWithoutRevertAdmin(SimpleHistoryAdmin):
    """History visible; no revert and no save through the history pages."""

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return self.history_view(request, object_id, extra_context=extra_context)


class ReadOnlyHistoryAdmin(HistoryWithoutRevertAdmin):
    """Rows and history shown, nothing written: no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Notifications and settings (core.notifications) ---------------------------------


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind"]
    readonly_fields = ["recipient", "kind", "text", "url", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "in_app", "email"]
    list_filter = ["kind"]


@admin.register(UserSettings)
class UserSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["recipient", "item", "day", "sent_at"]
    readonly_fields = ["recipient", "item", "day", "sent_at"]

    def has_add_permission(self, request):
        return False
