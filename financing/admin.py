"""Read-only admin for the financing app: every write goes through financing.services
(locks, limits and history), so the admin only shows what is recorded."""

from django.contrib import admin

from core.admin import HistoryWithoutRevertAdmin, ReadOnlyHistoryAdmin
from financing.models import (
    Allocation,
    BusinessSupport,
    BusinessSupportImport,
    Commitment,
    FinancingPlan,
    FinancingPolicy,
    FinancingRow,
    FundingType,
    Grant,
    Payment,
    Release,
)


class ReadOnlyAdmin(ReadOnlyHistoryAdmin):
    """Money changes only through the financing services."""


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    can_delete = False
    readonly_fields = ["dimension", "key", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["year", "amount", "decision_reference"]
    inlines = [AllocationInline]


class RowInline(admin.TabularInline):
    model = FinancingRow
    extra = 0
    can_delete = False
    readonly_fields = [
        "financier",
        "funding_type",
        "amount_applied",
        "amount_granted",
        "year",
        "in_kind",
        "position",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FinancingPlan)
class FinancingPlanAdmin(ReadOnlyAdmin):
    list_display = ["project", "status", "stated_total", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["project__title"]
    readonly_fields = ["status"]
    inlines = [RowInline]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["committed_on", "grant", "category", "priority", "amount", "case", "recipient"]
    list_filter = ["grant__year", "category", "priority"]
    list_select_related = ["grant", "case", "recipient"]


@admin.register(BusinessSupport)
class BusinessSupportAdmin(ReadOnlyAdmin):
    list_display = ["application_id", "company_name", "received_on", "decision", "amount"]
    list_filter = ["category", "decision", "leader_gender"]
    search_fields = ["application_id", "company_name", "org_number"]


@admin.register(BusinessSupportImport)
class BusinessSupportImportAdmin(ReadOnlyAdmin):
    list_display = ["year", "filename", "imported_at", "imported_by", "sha256"]
    list_select_related = ["imported_by"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["paid_on", "commitment", "amount", "requisition_reference"]
    list_select_related = ["commitment__grant", "commitment__case"]


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ["released_on", "commitment", "amount", "reason"]
    list_select_related = ["commitment__grant", "commitment__case"]


# --- The region's rules: data an administrator keeps (history in django-simple-history) ----


class RuleAdmin(HistoryWithoutRevertAdmin):
    """Rules are edited here or on the rules page; nothing that money rests on is deleted."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user  # read by simple-history
        super().save_model(request, obj, form, change)


@admin.register(FundingType)
class FundingTypeAdmin(RuleAdmin):
    list_display = [
        "name",
        "code",
        "is_public",
        "counts_as_1_1",
        "charged_to_grant",
        "this_region",
        "eu_fund",
        "own_funds",
        "in_kind",
        "active",
    ]
    list_filter = ["active", "counts_as_1_1", "eu_fund"]


@admin.register(FinancingPolicy)
class FinancingPolicyAdmin(RuleAdmin):
    list_display = ["region_name", "valid_from", "max_1_1_share", "max_region_share"]
