"""Admin of the retention lists (editable) and of runs and the log (read only)."""

from django.contrib import admin

from core.admin import HistoryWithoutRevertAdmin
from projects.retention.models import (
    DestructionLog,
    KindRetention,
    RetentionClass,
    RetentionDecision,
    RetentionItem,
    RetentionRun,
)


@admin.register(RetentionDecision)
class RetentionDecisionAdmin(HistoryWithoutRevertAdmin):
    list_display = ["reference", "title", "decided_on"]
    search_fields = ["reference", "title"]


@admin.register(RetentionClass)
class RetentionClassAdmin(HistoryWithoutRevertAdmin):
    list_display = ["name", "keep", "years", "decision"]


@admin.register(KindRetention)
class KindRetentionAdmin(HistoryWithoutRevertAdmin):
    list_display = ["kind", "retention_class"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RetentionItemInline(admin.TabularInline):
    model = RetentionItem
    extra = 0
    can_delete = False
    readonly_fields = [
        "dnr",
        "document_number",
        "title",
        "class_name",
        "decision_reference",
        "closed_on",
        "outcome",
        "reason",
    ]
    exclude = ["document"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "status", "prepared_at", "approved_by", "approved_at"]
    inlines = [RetentionItemInline]


@admin.register(DestructionLog)
class DestructionLogAdmin(ReadOnlyAdmin):
    list_display = [
        "destroyed_at",
        "dnr",
        "document_number",
        "title",
        "class_name",
        "decision_reference",
        "approved_by_name",
    ]
    search_fields = ["dnr", "document_number", "title"]
