"""Admin for the registry. Writes that matter go through the services, like the UI.

Cases are registered in the app (they need the next Dnr); their state is read-only
(the workflow owns it). Nothing in the registry is deleted from the admin.
Reverting to an old version (simple-history) is disabled: it would bypass services.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from core.admin import HistoryWithoutRevertAdmin
from core.errors import Conflict
from projects import selectors, services
from projects.models import (
    Case,
    CaseNote,
    DiaryCounter,
    Document,
    DocumentRequest,
    Obligation,
    Organisation,
    OrganisationAlias,
    Project,
    ProjectAim,
    ProjectMember,
    RusArea,
    SavedCaseFilter,
    SecrecyAccessLog,
    SecrecyMarking,
    SecrecyProvision,
    SmartSpecialisationArea,
)


class HistoryAdmin(HistoryWithoutRevertAdmin):
    """History visible, revert disabled."""


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ServiceSaveMixin:
    """``save_model`` through a service. Input errors are caught by the admin form
    first; what only the service can know (a concurrent change, a lost permission)
    ends on the 403 page with the reason instead of a server error."""

    def _run(self, request, action):
        try:
            return action()
        except ValidationError as exc:
            raise PermissionDenied("; ".join(exc.messages)) from exc
        except Conflict as exc:
            raise PermissionDenied(str(exc)) from exc


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "org_number", "email", "city"]

    def validate_unique(self):
        """Checked case-insensitively in clean()."""

    def clean(self):
        data = super().clean()
        candidate = Organisation(
            pk=self.instance.pk,
            name=(data.get("name") or "").strip(),
            org_number=data.get("org_number") or None,
        )
        try:
            services.organisation_check_unique(candidate)
        except ValidationError as exc:
            self._update_errors(exc)
        return data


class OrganisationAliasInline(admin.TabularInline):
    """Abbreviations and other names (the search finds the organisation's cases by them)."""

    model = OrganisationAlias
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteMixin, ServiceSaveMixin, HistoryAdmin):
    form = OrganisationAdminForm
    inlines = [OrganisationAliasInline]
    list_display = ["name", "kind", "org_number", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "org_number", "city"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in services.ORGANISATION_FIELDS}
        if change:
            self._run(
                request,
                lambda: services.organisation_update(
                    user=request.user, organisation=obj, data=data
                ),
            )
        else:
            created = self._run(
                request, lambda: services.organisation_create(user=request.user, **data)
            )
            obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.organisation_refresh_search(organisation=form.instance)


class AreaAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name"]


@admin.register(RusArea)
class RusAreaAdmin(AreaAdmin):
    list_display = ["name", "report_priority", "position", "active"]
    list_filter = ["report_priority", "active"]


@admin.register(ProjectAim)
class ProjectAimAdmin(AreaAdmin):
    list_display = ["name", "reported_as", "position", "active"]
    list_filter = ["reported_as", "active"]


@admin.register(SmartSpecialisationArea)
class SmartAreaAdmin(AreaAdmin):
    list_filter = ["active"]


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    autocomplete_fields = ["organisation"]


class ObligationInline(admin.TabularInline):
    model = Obligation
    extra = 0
    fields = ["text", "due_date", "status", "fulfilled_on", "source"]
    readonly_fields = ["status", "fulfilled_on"]


@admin.register(Project)
class ProjectAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ["title", "applicant", "start_date", "end_date", "requested_amount"]
    list_filter = ["origin", "involves_healthcare", "rus_areas"]
    search_fields = ["title", "applicant__name", "owner__name"]
    autocomplete_fields = ["applicant", "owner", "partners", "follow_up_case"]
    filter_horizontal = ["rus_areas", "smart_areas", "main_aims"]
    inlines = [ProjectMemberInline, ObligationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.project_refresh_search(project=form.instance)


@admin.register(Case)
class CaseAdmin(NoDeleteMixin, ServiceSaveMixin, HistoryAdmin):
    list_display = ["dnr", "title", "kind", "state", "officer", "registered_on"]
    list_filter = ["kind", "state", "year"]
    search_fields = ["title", "nyps_id", "project__title"]
    readonly_fields = ["dnr", "kind", "state", "registered_on", "granted_amount", "decided_on"]
    fields = [
        "dnr",
        "kind",
        "state",
        "title",
        "nyps_id",
        "officer",
        "received_on",
        "registered_on",
        "project",
        "granted_amount",
        "decided_on",
    ]
    autocomplete_fields = ["project"]

    def has_add_permission(self, request):
        return False  # registered in the app, where it gets the next Dnr

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            kwargs["queryset"] = selectors.officers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Dnr", ordering="number")
    def dnr(self, obj):
        return obj.dnr

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.CASE_EDITABLE_FIELDS}
        original = Case.objects.get(pk=obj.pk)
        self._run(
            request, lambda: services.case_update(user=request.user, case=original, data=data)
        )


@admin.register(OrganisationAlias)
class OrganisationAliasAdmin(HistoryAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.organisation_refresh_search(organisation=obj.organisation)

    def delete_model(self, request, obj):
        organisation = obj.organisation
        super().delete_model(request, obj)
        services.organisation_refresh_search(organisation=organisation)


@admin.register(SavedCaseFilter)
class SavedCaseFilterAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "query", "created_at"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Document)
class DocumentAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = [
        "title",
        "registry_number",
        "case",
        "direction",
        "document_date",
        "kind",
        "confidential",
        "registered_at",
    ]
    list_filter = ["kind", "direction", "confidential"]
    search_fields = ["title", "original_name", "case__title", "party_name", "description"]
    readonly_fields = [
        "registry_number",
        "registered_by",
        "registered_at",
        "source_key",
        "parent",
        "case",
        "title",
        "version",
        "text_extracted_at",
        "file",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        # marked and lifted on the case page, with the provision (SecrecyMarking): unticked
        # here, the e-diarium would publish a document whose marking stands
        "confidential",
    ]

    def has_add_permission(self, request):
        return False  # uploaded on the case page, where the file is checked


@admin.register(Obligation)
class ObligationAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ["__str__", "project", "due_date", "status"]
    list_filter = ["status"]
    search_fields = ["text", "project__title", "source"]
    autocomplete_fields = ["project", "case"]


@admin.register(ProjectMember)
class ProjectMemberAdmin(HistoryAdmin):
    list_display = ["name", "role", "group", "project"]
    list_filter = ["group", "role"]
    search_fields = ["name", "project__title"]
    autocomplete_fields = ["project", "organisation"]


@admin.register(DiaryCounter)
class DiaryCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseNote)
class CaseNoteAdmin(admin.ModelAdmin):
    """Tjänsteanteckningar are append-only: shown, never changed or deleted here."""

    list_display = ["case", "author", "created_at"]
    readonly_fields = ["case", "author", "text", "created_at"]


@admin.register(SecrecyProvision)
class SecrecyProvisionAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ["name", "description", "position", "active"]
    list_filter = ["active"]
    search_fields = ["name", "description"]


@admin.register(SecrecyMarking)
class SecrecyMarkingAdmin(NoDeleteMixin, HistoryAdmin):
    """Read here; marked and lifted on the case page (the services log who and why)."""

    list_display = ["case", "document", "field", "provision", "marked_on", "lifted_at"]
    list_filter = ["provision"]
    search_fields = ["case__title", "note", "lift_reason"]
    readonly_fields = [
        "case",
        "document",
        "field",
        "provision",
        "note",
        "marked_on",
        "marked_by",
        "lifted_at",
        "lifted_by",
        "lift_reason",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(SecrecyAccessLog)
class SecrecyAccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "case", "what"]
    list_filter = ["action"]
    search_fields = ["what", "user__username"]
    readonly_fields = ["at", "user", "action", "case", "document", "what", "path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentRequest)
class DocumentRequestAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ["case", "requester", "received_on", "decision", "decided_on"]
    list_filter = ["decision"]
    search_fields = ["requester", "subject", "case__title"]
    # the decision and its dates are made on the case page, with the decision letter and
    # the masked copies; here they would change without them (and the handling time)
    readonly_fields = [
        "case",
        "documents",
        "outputs",
        "registered_by",
        "received_on",
        "decision",
        "decided_on",
        "decided_by",
        "provision",
        "masked_phrases",
        "reasoning",
    ]

    def has_add_permission(self, request):
        return False  # registered on the case page


# Retention lists, runs and the destruction log.
from projects.retention import admin as retention_admin  # noqa: E402,F401
