"""Read-only admin for the annual report: every change goes through the pages and services.

The admin shows the rows and their history (who changed what) for support and audit;
it never writes, so the rules of ``reporting.services`` cannot be bypassed.
"""

from django.contrib import admin

from core.admin import ReadOnlyHistoryAdmin
from reporting.models import (
    Answer,
    FigureCheck,
    GeneratedReport,
    Insats,
    ReportJob,
    ReportYear,
    Section,
    WordTemplate,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportYear)
class ReportYearAdmin(ReadOnlyHistoryAdmin):
    list_display = ("year", "title", "approval_reference", "approved_on", "created_at")
    search_fields = ("title", "region_reference")
    exclude = ("template",)


@admin.register(Section)
class SectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("report", "number", "kind", "title", "insatser_max")
    list_filter = ("report", "kind")
    search_fields = ("number", "title", "question")
    list_select_related = ("report",)


@admin.register(Answer)
class AnswerAdmin(ReadOnlyHistoryAdmin):
    list_display = ("section", "done", "updated_by", "updated_at", "version")
    list_filter = ("done", "section__report")
    search_fields = ("text", "section__number")
    list_select_related = ("section__report", "updated_by")


@admin.register(Insats)
class InsatsAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "section", "project", "position")
    list_filter = ("section__report",)
    search_fields = ("name",)
    list_select_related = ("section__report", "project")


@admin.register(FigureCheck)
class FigureCheckAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("report", "checked_by", "checked_at")
    list_select_related = ("report", "checked_by")


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "report",
        "status",
        "step",
        "progress",
        "attempts",
        "requested_by",
        "created_at",
    )
    list_filter = ("status",)
    list_select_related = ("report", "requested_by")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("filename", "format", "size", "sha256", "requested_by", "created_at")
    list_filter = ("format", "report")
    list_select_related = ("report", "requested_by")


@admin.register(WordTemplate)
class WordTemplateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("filename", "in_use", "size", "sha256", "uploaded_by", "uploaded_at")
    list_select_related = ("uploaded_by",)
