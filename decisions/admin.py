"""Admin of the decisions app. Business writes go through the services and the pages;
the admin shows the records and lets administrators fix reference data."""

from django.contrib import admin

from core.admin import HistoryWithoutRevertAdmin, ReadOnlyHistoryAdmin
from decisions.meetings.models import (
    AgendaItem,
    Appeal,
    Body,
    BodyMember,
    DocumentJob,
    ExtractDispatch,
    GeneratedDocument,
    Meeting,
    Paragraph,
    ParagraphCounter,
    ProtocolRecord,
    Signature,
)
from decisions.workflow.models import (
    AnchoringContact,
    Assessment,
    Communication,
    DecisionDemand,
    DecisionProposal,
    DelayNotice,
    DelegationDecision,
    DelegationRule,
    ForumRecommendation,
    HandlingTarget,
    TransitionLog,
)

# --- Workflow ---------------------------------------------------------------------------


@admin.register(HandlingTarget)
class HandlingTargetAdmin(HistoryWithoutRevertAdmin):
    """Handling-time targets per case kind and step: reference data for administrators."""

    list_display = ["case_kind", "state", "days", "working_days", "active"]
    list_filter = ["case_kind", "working_days", "active"]
    list_editable = ["days", "working_days", "active"]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


@admin.register(DelegationRule)
class DelegationRuleAdmin(HistoryWithoutRevertAdmin):
    """The delegationsordning is reference data: administrators keep it here (or
    controllers on the rules page); a rule decisions rest on is ended, not deleted."""

    list_display = [
        "name",
        "case_kind",
        "delegate_title",
        "amount_limit",
        "limit_included",
        "eu_co_financing_to_body",
        "valid_from",
        "valid_to",
        "active",
    ]
    list_filter = ["case_kind", "active"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user  # read by simple-history
        super().save_model(request, obj, form, change)


class WorkflowReadOnlyAdmin(admin.ModelAdmin):
    """Workflow records change only through ``decisions.workflow.services``."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(WorkflowReadOnlyAdmin):
    list_display = ["timestamp", "case", "transition", "source", "target", "user"]
    list_filter = ["transition", "target"]
    search_fields = ["case__title", "motivation"]
    date_hierarchy = "timestamp"
    list_select_related = ["case", "user"]


@admin.register(DelegationDecision)
class DelegationDecisionAdmin(WorkflowReadOnlyAdmin):
    list_display = [
        "decided_on",
        "case",
        "outcome",
        "decided_by",
        "reported_on",
        "report_reference",
    ]
    list_filter = ["outcome", ("reported_on", admin.EmptyFieldListFilter)]
    list_select_related = ["case", "decided_by"]


@admin.register(Assessment)
class AssessmentAdmin(WorkflowReadOnlyAdmin):
    list_display = ["case", "proposed_route", "assessed_by", "assessed_at"]
    list_select_related = ["case", "assessed_by"]


@admin.register(AnchoringContact)
class AnchoringContactAdmin(WorkflowReadOnlyAdmin):
    list_display = ["case", "unit", "person", "contacted_on"]
    list_select_related = ["case"]


@admin.register(ForumRecommendation)
class ForumRecommendationAdmin(WorkflowReadOnlyAdmin):
    list_display = ["case", "recommendation", "recommended_on", "recorded_by"]
    list_select_related = ["case", "recorded_by"]


@admin.register(DecisionProposal)
class DecisionProposalAdmin(WorkflowReadOnlyAdmin):
    list_display = ["case", "proposed_amount", "proposes_rejection", "version", "updated_by"]
    list_select_related = ["case", "updated_by"]


@admin.register(Communication)
class CommunicationAdmin(WorkflowReadOnlyAdmin):
    """Kommunicering (förvaltningslagen 25 §), made on the case page."""

    list_display = ["sent_on", "case", "recipient", "reply_by", "replied_on", "created_by"]
    list_filter = [("replied_on", admin.EmptyFieldListFilter)]
    list_select_related = ["case", "created_by"]


@admin.register(DelayNotice)
class DelayNoticeAdmin(WorkflowReadOnlyAdmin):
    """Underrättelser om försening (förvaltningslagen 11 §), made on the case page."""

    list_display = ["sent_on", "case", "recipient", "expected_on", "created_by"]
    list_select_related = ["case", "created_by"]


@admin.register(DecisionDemand)
class DecisionDemandAdmin(WorkflowReadOnlyAdmin):
    """Begäranden om avgörande (förvaltningslagen 12 §), registered on the case page."""

    list_display = ["received_on", "case", "party", "due_on", "refused_on", "created_by"]
    list_filter = [("refused_on", admin.EmptyFieldListFilter)]
    list_select_related = ["case", "created_by"]


# --- Meetings ---------------------------------------------------------------------------


class ReadOnlyAdmin(ReadOnlyHistoryAdmin):
    """Meetings, paragraphs, signatures and documents change only through the services;
    a signed record not at all (the database refuses it)."""


class BodyMemberInline(admin.TabularInline):
    """Members are managed on the body's page, where the service keeps who signs a
    protocol out for signing locked."""

    model = BodyMember
    extra = 0
    fields = ["name", "party", "role", "user", "active", "position"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Body)
class BodyAdmin(HistoryWithoutRevertAdmin):
    list_display = ["name", "code", "short_name", "secretary"]
    readonly_fields = ["code"]
    inlines = [BodyMemberInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ParagraphCounter)
class ParagraphCounterAdmin(ReadOnlyAdmin):
    list_display = ["body", "year", "last_number"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "kind", "title", "case", "dnr"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["body", "date", "start_time", "place", "status", "signed_at"]
    list_filter = ["body", "status"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline]


@admin.register(Paragraph)
class ParagraphAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "body", "year", "meeting", "outcome", "decision_recorded_at"]
    list_filter = ["body", "year", "outcome"]
    search_fields = ["title", "dnr", "nyps_id"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "round", "role", "member_name", "decision", "method", "at"]


@admin.register(ProtocolRecord)
class ProtocolRecordAdmin(admin.ModelAdmin):
    list_display = ["__str__", "sha256", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["paragraph", "appellant", "received_on", "status"]


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "meeting", "paragraph", "sha256", "created_at"]
    list_filter = ["kind"]
    search_fields = ["sha256", "filename"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentJob)
class DocumentJobAdmin(GeneratedDocumentAdmin):
    list_display = ["kind", "meeting", "paragraph", "status", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["error"]


@admin.register(ExtractDispatch)
class ExtractDispatchAdmin(GeneratedDocumentAdmin):
    list_display = ["name", "email", "status", "sent_at", "sha256"]
    list_filter = ["status"]
    search_fields = ["email", "sha256"]
