"""The financing part of the JSON API (/api/v1/): grants with allocations, financing plans
and rows, commitments, payments and releases.

Every role reads. Writes go through ``financing.services`` with the same permission
functions as the pages; refusals come back as 403 (role), 409 (stale or frozen record)
or 400 (bad input) via ``core.api.exception_handler``. Each write checks the
caller's role before it validates the body (``FinancingViewSet.require``), so a role
that may not do the action gets 403 whatever it sends, never validation messages.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import Conflict
from core.money import AmountError, parse_amount
from decisions.meetings import api as meetings_api
from decisions.meetings.models import Paragraph
from decisions.workflow import api as workflow_api
from decisions.workflow.models import DelegationRule
from financing import permissions as finance_permissions
from financing import selectors, services
from financing.models import (
    Allocation,
    AllocationDecision,
    AllocationDimension,
    AllocationShare,
    Commitment,
    FinalReportApproval,
    FinancingPlan,
    FinancingPolicy,
    FinancingRow,
    FundingType,
    Grant,
    GrantAdjustment,
    GrantCategory,
    GrantCondition,
    GrantTerms,
    LeaderGender,
    Payment,
    PaymentKind,
    PlanStatus,
    Recovery,
    Release,
    Requisition,
)
from financing.services import allocations, closing, decisions, payments
from projects.models import Case, Document, Organisation, Project, ReportPriority


@extend_schema_field(
    {
        "type": "string",
        "example": "1245497.00",
        "description": "Kronor. Skrivs som tal eller text: 1245497, 1 245 497 kr, 2 000 tkr.",
    }
)
class AmountField(serializers.Field):
    """Kronor: written as a number or as ``"1 245 497 kr"`` / ``"2 000 tkr"``; read as a
    decimal string with two decimals (``"1245497.00"``)."""

    def to_representation(self, value):
        return None if value is None else f"{Decimal(value):.2f}"

    def to_internal_value(self, data):
        if isinstance(data, float):
            data = str(data)
        try:
            return parse_amount(data)
        except AmountError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class CanViewFinancing(permissions.BasePermission):
    def has_permission(self, request, view):
        access = finance_permissions.can_view_financing(request.user)
        if not access:
            self.message = access.reason
        return bool(access)


class FinancingViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, CanViewFinancing]

    @staticmethod
    def require(access) -> None:
        """403 with the rule's reason unless ``access`` allows.

        Writes call it with the permission function their service uses, before they
        validate the body (object-level rules after ``get_object``, so an unknown id stays
        404); the service checks again under its lock.
        """
        if not access:
            raise PermissionDenied(access.reason)


# --- Grants ----------------------------------------------------------------------------------


class AllocationSerializer(serializers.ModelSerializer):
    amount = AmountField()
    label = serializers.CharField(source="key_label", read_only=True)

    class Meta:
        model = Allocation
        fields = ["dimension", "key", "label", "amount"]

    def validate(self, attrs):
        keys = (
            GrantCategory.values
            if attrs["dimension"] == AllocationDimension.CATEGORY
            else ReportPriority.values
        )
        if attrs["key"] not in keys:
            raise serializers.ValidationError({"key": f"Okänd nyckel för {attrs['dimension']}."})
        return attrs


class GrantSerializer(serializers.ModelSerializer):
    amount = AmountField()
    commitment_authority = AmountField(required=False, allow_null=True)
    allocations = AllocationSerializer(many=True, required=False)
    figures = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Grant
        fields = [
            "year",
            "code",
            "name",
            "amount",
            "commitment_authority",
            "decision_reference",
            "note",
            "version",
            "allocations",
            "figures",
        ]
        extra_kwargs = {"year": {"validators": []}}

    def get_figures(self, grant) -> dict:
        total = selectors.grant_summary(grant).total
        return {
            name: AmountField().to_representation(getattr(total, name))
            for name in ("allocated", "committed", "paid", "released", "open", "left")
        }


class GrantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    FinancingViewSet,
):
    """Anslag 1:1 per year (lookup by year) with the allocation plan and its figures."""

    serializer_class = GrantSerializer
    lookup_field = "year"
    queryset = Grant.objects.prefetch_related("allocations").order_by("-year")

    @staticmethod
    def _allocations(data) -> dict | None:
        if "allocations" not in data:
            return None
        return {(a["dimension"], a["key"]): a["amount"] for a in data["allocations"]}

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_edit_grant(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grant = services.grant_create(
            user=request.user,
            year=data["year"],
            amount=data["amount"],
            decision_reference=data.get("decision_reference", ""),
            note=data.get("note", ""),
            allocations=self._allocations(data) or {},
            code=data.get("code", ""),
            name=data.get("name", ""),
            commitment_authority=data.get("commitment_authority"),
        )
        return Response(self.get_serializer(grant).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        grant = self.get_object()
        self.require(finance_permissions.can_edit_grant(request.user))
        partial = kwargs.get("partial", False)
        serializer = self.get_serializer(grant, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("year", grant.year) != grant.year:
            raise DjangoValidationError(
                {"year": "Året kan inte ändras; registrera ett nytt anslag."}
            )
        allocations = self._allocations(data)
        if allocations is None:
            allocations = {(a.dimension, a.key): a.amount for a in grant.allocations.all()}
        grant = services.grant_update(
            user=request.user,
            grant=grant,
            amount=data.get("amount", grant.amount),
            decision_reference=data.get("decision_reference", grant.decision_reference),
            note=data.get("note", grant.note),
            allocations=allocations,
            version=data.get("version"),
            code=data.get("code"),
            name=data.get("name"),
            commitment_authority=data.get("commitment_authority", "unchanged"),
        )
        grant = Grant.objects.prefetch_related("allocations").get(pk=grant.pk)
        return Response(self.get_serializer(grant).data)


# --- Financing plans ------------------------------------------------------------------------


class FundingTypeField(serializers.SlugRelatedField):
    """A funding type by its code; text no code can be (a NUL byte) is simply unknown."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class FinancingRowSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    financier = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    financier_name = serializers.CharField(source="financier.name", read_only=True)
    funding_type = FundingTypeField(slug_field="code", queryset=FundingType.objects.all())
    amount_applied = AmountField()
    amount_granted = AmountField(required=False, allow_null=True)

    class Meta:
        model = FinancingRow
        fields = [
            "id",
            "financier",
            "financier_name",
            "funding_type",
            "amount_applied",
            "amount_granted",
            "year",
            "in_kind",
            "position",
        ]
        read_only_fields = ["position"]


class FinancingPlanSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    stated_total = AmountField()
    status = serializers.CharField(read_only=True)
    rows = FinancingRowSerializer(many=True)
    version = serializers.IntegerField(required=False)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = FinancingPlan
        fields = [
            "id",
            "project",
            "stated_total",
            "status",
            "version",
            "rows",
            "totals",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]
        read_only_fields = [
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]

    def get_totals(self, plan) -> dict:
        figures = selectors.plan_figures(plan)
        money = AmountField().to_representation
        return {
            "total_applied": money(figures.total_applied),
            "total_granted": money(figures.total_granted),
            "difference": money(figures.difference),
            "region_1_1": money(figures.region_1_1),
            "region_own": money(figures.region_own),
            "region_share_percent": str(figures.region_share)
            if figures.region_share is not None
            else None,
            "financiers": [
                {
                    "financier": share.financier.pk,
                    "name": share.financier.name,
                    "applied": money(share.applied),
                    "share_percent": str(share.share) if share.share is not None else None,
                }
                for share in figures.financiers
            ],
        }


class PlanFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PlanStatus.choices)
    project = filters.NumberFilter(field_name="project_id")

    class Meta:
        model = FinancingPlan
        fields = ["status", "project"]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class GrantedRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount_granted = AmountField(allow_null=True)


class GrantedSerializer(serializers.Serializer):
    rows = GrantedRowSerializer(many=True)
    version = serializers.IntegerField(required=False)


class FinancingPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    FinancingViewSet,
):
    """Financing plans with rows, totals and shares; review actions for controllers."""

    serializer_class = FinancingPlanSerializer
    filterset_class = PlanFilter
    queryset = (
        FinancingPlan.objects.select_related("project")
        .prefetch_related(Prefetch("rows", queryset=selectors.plan_rows_queryset()))
        .order_by("project__title")
    )

    def _rows(self, data):
        return [
            {
                "id": row.get("id"),
                "financier": row["financier"],
                "funding_type": row["funding_type"],
                "amount_applied": row["amount_applied"],
                "amount_granted": row.get("amount_granted"),
                "year": row.get("year"),
                "in_kind": row.get("in_kind", False),
            }
            for row in data["rows"]
        ]

    def _respond(self, plan, code=status.HTTP_200_OK):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=code)

    def create(self, request, *args, **kwargs):
        # The role here; that the caller is the officer of the project named in the body,
        # after validation (the service).
        self.require(finance_permissions.plan_role_access(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = data["project"]
        if FinancingPlan.objects.filter(project=project).exists():
            raise Conflict("Projektet har redan en finansieringsplan.")
        plan = services.financing_plan_save(
            user=request.user,
            project=project,
            stated_total=data["stated_total"],
            rows=self._rows(data),
        )
        return self._respond(plan, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        self.require(finance_permissions.plan_owner_access(request.user, plan.project))
        serializer = self.get_serializer(
            plan, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("project", plan.project) != plan.project:
            raise DjangoValidationError({"project": "Projektet kan inte bytas."})
        rows = (
            self._rows(data)
            if "rows" in data
            else [
                {
                    "id": r.pk,
                    "financier": r.financier,
                    "funding_type": r.funding_type,
                    "amount_applied": r.amount_applied,
                    "amount_granted": r.amount_granted,
                    "year": r.year,
                    "in_kind": r.in_kind,
                }
                for r in plan.rows.all()
            ]
        )
        plan = services.financing_plan_save(
            user=request.user,
            project=plan.project,
            stated_total=data.get("stated_total", plan.stated_total),
            rows=rows,
            version=data.get("version"),
        )
        return self._respond(plan)

    @extend_schema(request=None, responses=FinancingPlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = services.financing_plan_submit(user=request.user, plan=self.get_object())
        return self._respond(plan)

    @extend_schema(request=CommentSerializer, responses=FinancingPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        self.require(finance_permissions.review_role_access(request.user, plan))
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.financing_plan_approve(
            user=request.user, plan=plan, comment=body.validated_data["comment"]
        )
        return self._respond(plan)

    @extend_schema(request=CommentSerializer, responses=FinancingPlanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_changes(self, request, pk=None):
        plan = self.get_object()
        self.require(finance_permissions.review_role_access(request.user, plan))
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.financing_plan_return(
            user=request.user, plan=plan, comment=body.validated_data["comment"]
        )
        return self._respond(plan)

    @extend_schema(request=CommentSerializer, responses=FinancingPlanSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        plan = self.get_object()
        self.require(finance_permissions.reopen_role_access(request.user))
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.financing_plan_reopen(
            user=request.user, plan=plan, comment=body.validated_data["comment"]
        )
        return self._respond(plan)

    @extend_schema(request=GrantedSerializer, responses=FinancingPlanSerializer)
    @action(detail=True, methods=["post"])
    def granted(self, request, pk=None):
        plan = self.get_object()
        self.require(finance_permissions.can_record_granted_amounts(request.user, plan))
        body = GrantedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.financing_plan_record_granted(
            user=request.user,
            plan=plan,
            granted={r["id"]: r["amount_granted"] for r in body.validated_data["rows"]},
            version=body.validated_data.get("version"),
        )
        return self._respond(plan)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def checks(self, request, pk=None):
        plan = selectors.plan_for_project(self.get_object().project_id)
        return Response(
            [
                {
                    "key": c.key,
                    "label": str(c.label),
                    "ok": c.ok,
                    "detail": str(c.detail),
                    "hard": c.hard,
                }
                for c in selectors.plan_checks(plan)
            ]
        )


# --- Commitments, payments, releases --------------------------------------------------------


class CommitmentSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="grant.year", required=False)
    amount = AmountField()
    category = serializers.ChoiceField(choices=GrantCategory.choices)
    priority = serializers.ChoiceField(
        choices=ReportPriority.choices, required=False, allow_null=True
    )
    company_leader_gender = serializers.ChoiceField(
        choices=LeaderGender.choices, required=False, allow_null=True
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.all(), required=False, allow_null=True
    )
    recipient = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    paid = AmountField(read_only=True)
    released = AmountField(read_only=True)
    remaining = AmountField(read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "year",
            "category",
            "priority",
            "case",
            "amount",
            "committed_on",
            "description",
            "reference",
            "company_leader_gender",
            "recipient",
            "paid",
            "released",
            "remaining",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]


class CommitmentFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="grant__year")
    category = filters.ChoiceFilter(choices=GrantCategory.choices)
    priority = filters.ChoiceFilter(choices=ReportPriority.choices)
    case = filters.NumberFilter(field_name="case_id")
    open = filters.BooleanFilter(method="filter_open")

    class Meta:
        model = Commitment
        fields = ["year", "category", "priority", "case", "open"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(remaining__gt=0) if value else queryset.filter(remaining__lte=0)


class CommitmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """Commitments against the anslag with paid, released and remaining amounts."""

    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter

    def get_queryset(self):
        return selectors.commitments_with_balances().order_by("-committed_on", "-pk")

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_record_commitment(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        commitment = services.commitment_record(
            user=request.user,
            year=data.get("grant", {}).get("year"),
            category=data["category"],
            priority=data.get("priority"),
            amount=data["amount"],
            committed_on=data["committed_on"],
            case=data.get("case"),
            company_leader_gender=data.get("company_leader_gender"),
            recipient=data.get("recipient"),
            description=data.get("description", ""),
            reference=data.get("reference", ""),
        )
        commitment = self.get_queryset().get(pk=commitment.pk)
        return Response(self.get_serializer(commitment).data, status=status.HTTP_201_CREATED)


class PaymentSerializer(serializers.ModelSerializer):
    amount = AmountField()
    commitment = serializers.PrimaryKeyRelatedField(
        queryset=Commitment.objects.all(), required=False
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.all(),
        required=False,
        allow_null=True,
        help_text="Betala ut beviljat stöd i ett ärende: belastar betalningsårets åtagande.",
    )
    kind = serializers.ChoiceField(
        choices=[c for c in PaymentKind.choices if c[0] != PaymentKind.CORRECTION],
        required=False,
    )
    requisition = serializers.PrimaryKeyRelatedField(
        queryset=Requisition.objects.all(), required=False, allow_null=True
    )
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "commitment",
            "case",
            "kind",
            "paid_on",
            "amount",
            "period_start",
            "period_end",
            "requisition",
            "requisition_reference",
            "reason",
            "corrects",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["corrects", "created_by", "created_at"]
        validators = []

    def validate(self, attrs):
        return attrs  # the services check everything under their locks


class PaymentCorrectionSerializer(serializers.Serializer):
    corrected_on = serializers.DateField()
    reason = serializers.CharField()


class PaymentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """Payments (utbetalningar): advances, payments against requisitions, the final
    payment, and correcting entries (negative, pointing at the payment they reverse).
    With ``case`` the payment is charged to the payment year's share of the case's grant
    and every rule of the payment policy applies; with ``commitment`` alone it pays a
    commitment outside the case workflow. Rows never change."""

    serializer_class = PaymentSerializer
    queryset = Payment.objects.select_related("commitment__case").order_by("paid_on", "pk")
    filterset_fields = ["commitment", "kind", "requisition"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_record_payment(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = data.get("case")
        if case is not None:
            payment = payments.payment_register(
                user=request.user,
                case=case,
                kind=data.get("kind") or PaymentKind.ARREARS,
                paid_on=data["paid_on"],
                amount=data["amount"],
                reason=data.get("reason", ""),
                requisition=data.get("requisition"),
            )
        else:
            commitment = data.get("commitment")
            if not isinstance(commitment, Commitment):
                raise serializers.ValidationError({"case": "Ange ärendet (case) eller åtagandet."})
            payment = services.payment_record(
                user=request.user,
                commitment=commitment,
                paid_on=data["paid_on"],
                amount=data["amount"],
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                requisition_reference=data.get("requisition_reference", ""),
            )
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentCorrectionSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Reverse this payment by a correcting entry."""
        payment = self.get_object()
        self.require(finance_permissions.can_register_payment(request.user))
        serializer = PaymentCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = payments.payment_correct(
            user=request.user, payment=payment, **serializer.validated_data
        )
        return Response(self.get_serializer(correction).data, status=status.HTTP_201_CREATED)


# --- Paying out a grant (financing.services.payments) ------------------------------------


class GrantConditionSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())

    class Meta:
        model = GrantCondition
        fields = [
            "id",
            "case",
            "text",
            "reference",
            "set_on",
            "met_on",
            "met_by",
            "evidence",
            "met_note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["met_on", "met_by", "evidence", "met_note", "created_by", "created_at"]


class ConditionMetSerializer(serializers.Serializer):
    met_on = serializers.DateField()
    evidence = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    note = serializers.CharField(required=False, allow_blank=True)


class GrantConditionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """Suspensive conditions of grant decisions: no payment until each is met."""

    serializer_class = GrantConditionSerializer
    queryset = GrantCondition.objects.order_by("pk")
    filterset_fields = ["case"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.case_money_role_access(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.require(finance_permissions.can_manage_conditions(request.user, data["case"]))
        condition = payments.condition_add(
            user=request.user,
            case=data["case"],
            text=data["text"],
            set_on=data["set_on"],
            reference=data.get("reference", ""),
        )
        return Response(self.get_serializer(condition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConditionMetSerializer, responses=GrantConditionSerializer)
    @action(detail=True, methods=["post"])
    def met(self, request, pk=None):
        """Record that the condition is met (when, and the case's document that shows it)."""
        condition = self.get_object()
        self.require(finance_permissions.can_manage_conditions(request.user, condition.case))
        serializer = ConditionMetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        condition = payments.condition_meet(
            user=request.user,
            condition=condition,
            met_on=data["met_on"],
            evidence=data["evidence"],
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(condition).data)


class RequisitionSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    costs_reported = AmountField()
    amount_requested = AmountField()
    paid = serializers.SerializerMethodField()

    class Meta:
        model = Requisition
        fields = [
            "id",
            "case",
            "reference",
            "received_on",
            "period_start",
            "period_end",
            "costs_reported",
            "amount_requested",
            "is_final",
            "paid",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]

    @extend_schema_field(serializers.CharField())
    def get_paid(self, obj) -> str:
        return f"{payments.paid_on_requisition(obj):.2f}"

    def validate(self, attrs):
        return attrs


class RequisitionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """Requisitions (rekvisitioner): a period's reported costs and the amount requested."""

    serializer_class = RequisitionSerializer
    queryset = Requisition.objects.order_by("pk")
    filterset_fields = ["case", "is_final"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.case_money_role_access(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self.require(finance_permissions.can_record_requisition(request.user, data["case"]))
        requisition = payments.requisition_record(user=request.user, **data)
        return Response(self.get_serializer(requisition).data, status=status.HTTP_201_CREATED)


class RecoverySerializer(serializers.ModelSerializer):
    commitment = serializers.PrimaryKeyRelatedField(queryset=Commitment.objects.all())
    amount = AmountField()

    class Meta:
        model = Recovery
        fields = [
            "id",
            "commitment",
            "decided_on",
            "amount",
            "reason",
            "due_date",
            "reference",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]

    def validate(self, attrs):
        return attrs


class RecoveryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """Recoveries (återkrav) of paid money: never more than was paid."""

    serializer_class = RecoverySerializer
    queryset = Recovery.objects.order_by("pk")
    filterset_fields = ["commitment"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_record_recovery(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recovery = payments.recovery_record(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(recovery).data, status=status.HTTP_201_CREATED)


class FinalReportApprovalSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    report = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())

    class Meta:
        model = FinalReportApproval
        fields = ["id", "case", "approved_on", "approved_by", "report", "note", "created_at"]
        read_only_fields = ["approved_by", "created_at"]
        validators = []


class FinalReportApprovalViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, FinancingViewSet):
    """The case officer's approval of a project's final report; the final payment waits
    for it."""

    serializer_class = FinalReportApprovalSerializer
    queryset = FinalReportApproval.objects.order_by("pk")
    filterset_fields = ["case"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.final_report_role_access(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.require(finance_permissions.can_approve_final_report(request.user, data["case"]))
        approval = payments.final_report_approve(user=request.user, **data)
        return Response(self.get_serializer(approval).data, status=status.HTTP_201_CREATED)


class GrantTermsSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    ceiling = AmountField(read_only=True)

    class Meta:
        model = GrantTerms
        fields = ["id", "case", "cost_share_percent", "ceiling", "reference", "created_at"]
        read_only_fields = ["created_at"]
        validators = []


class GrantTermsViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, FinancingViewSet):
    """A grant stated as a share of the reported costs (two decimals) up to the granted
    amount; posting again for a case changes it."""

    serializer_class = GrantTermsSerializer
    queryset = GrantTerms.objects.order_by("pk")
    filterset_fields = ["case"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_register_payment(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        terms = payments.grant_terms_record(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(terms).data, status=status.HTTP_201_CREATED)


class GrantAdjustmentSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    paragraph = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.all(), required=False, allow_null=True
    )
    new_amount = AmountField()
    previous_amount = AmountField(read_only=True)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)

    class Meta:
        model = GrantAdjustment
        fields = [
            "id",
            "case",
            "paragraph",
            "reference",
            "decided_on",
            "previous_amount",
            "new_amount",
            "year",
            "reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {"reference": {"required": False}}

    def validate(self, attrs):
        return attrs


class GrantAdjustmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """Later decisions (with their §) that reduce or increase a grant."""

    serializer_class = GrantAdjustmentSerializer
    queryset = GrantAdjustment.objects.order_by("pk")
    filterset_fields = ["case"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_adjust_grant(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adjustment = closing.grant_adjust(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(adjustment).data, status=status.HTTP_201_CREATED)


class AllocationShareSerializer(serializers.ModelSerializer):
    amount = AmountField()
    category = serializers.ChoiceField(
        choices=GrantCategory.choices, required=False, allow_blank=True
    )
    label = serializers.CharField(required=False, allow_blank=True, max_length=100)

    class Meta:
        model = AllocationShare
        fields = ["category", "label", "amount"]


class AllocationDecisionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="grant.year")
    paragraph = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.all(), required=False, allow_null=True
    )
    shares = AllocationShareSerializer(many=True)
    total = AmountField(read_only=True)

    class Meta:
        model = AllocationDecision
        fields = [
            "id",
            "year",
            "decided_on",
            "paragraph",
            "reference",
            "total",
            "shares",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {"reference": {"required": False}}


class AllocationDecisionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """The committee's split of a year's anslag into categories; the latest decision of a
    year is in force, the earlier ones are its history."""

    serializer_class = AllocationDecisionSerializer
    queryset = (
        AllocationDecision.objects.select_related("grant")
        .prefetch_related("shares")
        .order_by("grant__year", "decided_on", "pk")
    )
    filterset_fields = ["grant__year"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_record_allocation_decision(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grant = Grant.objects.filter(year=data["grant"]["year"]).first()
        if grant is None:
            raise serializers.ValidationError({"year": "Inget anslag 1:1 för året."})
        decision = allocations.allocation_decision_record(
            user=request.user,
            grant=grant,
            decided_on=data["decided_on"],
            reference=data.get("reference", ""),
            paragraph=data.get("paragraph"),
            note=data.get("note", ""),
            shares=[dict(s) for s in data["shares"]],
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=decision.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ReleaseSerializer(serializers.ModelSerializer):
    amount = AmountField(required=False, allow_null=True)
    commitment = serializers.PrimaryKeyRelatedField(queryset=Commitment.objects.all())

    class Meta:
        model = Release
        fields = ["id", "commitment", "released_on", "amount", "reason", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]


class ReleaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, FinancingViewSet
):
    """Releases (återföringar); without an amount the whole remainder is released."""

    serializer_class = ReleaseSerializer
    queryset = Release.objects.select_related("commitment").order_by("released_on", "pk")
    filterset_fields = ["commitment"]

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_record_release(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        commitment = data.pop("commitment")
        release = services.release_record(
            user=request.user,
            commitment=commitment,
            released_on=data["released_on"],
            reason=data.get("reason", ""),
            amount=data.get("amount"),
        )
        return Response(self.get_serializer(release).data, status=status.HTTP_201_CREATED)


# --- Decisions that may move money (financing.services.decisions) ---------------------


class CaseTransitionsView(workflow_api.CaseTransitionsView):
    """The transitions of a case (GET) and firing one (POST), with what it means for the
    money: a RUN grant commits, closing releases, RUN needs an approved plan."""

    available = staticmethod(decisions.available_transitions)
    fire = staticmethod(decisions.case_transition)


class ParagraphDecisionView(meetings_api.ParagraphDecisionView):
    """Record a body's decision in a §; a RUN grant commits the granted amount."""

    record = staticmethod(decisions.paragraph_record_decision)


# --- The region's rules (financing.services.rules) -------------------------------------------


class FundingTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingType
        fields = [
            "id",
            "code",
            "name",
            "is_public",
            "counts_as_1_1",
            "charged_to_grant",
            "this_region",
            "eu_fund",
            "own_funds",
            "in_kind",
            "active",
            "position",
        ]
        extra_kwargs = {"code": {"validators": []}}


class FinancingPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = FinancingPolicy
        fields = [
            "id",
            "region_name",
            "valid_from",
            "max_1_1_share",
            "max_region_share",
            "long_project_years",
            "flag_start_before_application",
            "max_advance_share",
            "max_advance_amount",
            "advance_requires_reason",
            "final_payment_requires_approved_report",
            "note",
        ]
        extra_kwargs = {"valid_from": {"validators": []}}


class DelegationRuleSerializer(serializers.ModelSerializer):
    amount_limit = AmountField(required=False, allow_null=True)
    yearly_ceiling = AmountField(required=False, allow_null=True)

    class Meta:
        model = DelegationRule
        fields = [
            "id",
            "name",
            "reference",
            "case_kind",
            "delegate_title",
            "delegate",
            "amount_limit",
            "limit_included",
            "eu_co_financing_to_body",
            "yearly_ceiling",
            "valid_from",
            "valid_to",
            "active",
            "position",
        ]


class RuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    FinancingViewSet,
):
    """Every role reads the rules; controllers write them through ``services.rules``
    (validated, kept in history). Nothing is deleted: retire a rule instead."""

    save = staticmethod(services.rules.funding_type_save)
    keyword = "funding_type"

    def create(self, request, *args, **kwargs):
        self.require(finance_permissions.can_manage_rules(request.user))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.save(user=request.user, **{self.keyword: None}, **serializer.validated_data)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        self.require(finance_permissions.can_manage_rules(request.user))
        serializer = self.get_serializer(
            instance, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        obj = self.save(user=request.user, **{self.keyword: instance}, **serializer.validated_data)
        return Response(self.get_serializer(obj).data)


class FundingTypeViewSet(RuleViewSet):
    """Funding types and what each counts as (1:1, this region's grant, EU, own funds)."""

    serializer_class = FundingTypeSerializer
    queryset = FundingType.objects.order_by("position", "name")
    lookup_field = "code"


class FinancingPolicyViewSet(RuleViewSet):
    """The financing policy per period (caps the plan checks use)."""

    serializer_class = FinancingPolicySerializer
    queryset = FinancingPolicy.objects.order_by("-valid_from")
    save = staticmethod(services.rules.financing_policy_save)
    keyword = "policy"


class DelegationRuleViewSet(RuleViewSet):
    """The delegationsordning: who decides which cases on the body's behalf."""

    serializer_class = DelegationRuleSerializer
    queryset = DelegationRule.objects.order_by("case_kind", "position", "pk")
    save = staticmethod(services.rules.delegation_rule_save)
    keyword = "rule"
