"""JSON API of the decision workflow (``/api/v1/``).

The same permission functions and the same service as the HTML views: a refused
transition answers 403, a stale one 409, invalid data or an unmet precondition 400, each
with a Swedish message (``core.api.exception_handler`` maps the errors).
"""

from django import forms as djforms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.workflow import forms as forms_workflow
from decisions.workflow import permissions, selectors, services
from decisions.workflow.models import DelegationDecision, TransitionLog
from projects.models import Case, CaseState
from projects.secrecy_api import SecretCopiesList, SecretCopiesMixin

FIELD_TYPES = [
    (forms_workflow.AmountField, "amount"),
    (forms_workflow.LinesField, "list"),
    (forms_workflow.SpecialConditionsField, "conditions"),
    (forms_workflow.YearSplitField, "year_split"),
]


def _field_type(field) -> str:
    for cls, name in FIELD_TYPES:
        if isinstance(field, cls):
            return name
    if isinstance(field, djforms.DateField):
        return "date"
    if isinstance(field, djforms.ChoiceField):
        return "choice"
    if isinstance(field.widget, djforms.Textarea):
        return "text"
    return "string"


def describe_fields(form_class, case) -> list[dict]:
    form = form_class(case=case)
    out = []
    for name, field in form.fields.items():
        item = {
            "name": name,
            "label": str(field.label or name),
            "type": _field_type(field),
            "required": field.required,
            "help_text": str(field.help_text or ""),
        }
        choices = getattr(field, "choices", None)
        if choices:
            item["choices"] = [{"value": v, "label": str(label)} for v, label in choices]
        out.append(item)
    return out


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class TransitionFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(
        choices=["string", "text", "date", "amount", "choice", "list", "conditions", "year_split"]
    )
    required = serializers.BooleanField()
    help_text = serializers.CharField()
    choices = ChoiceSerializer(many=True, required=False)


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    allowed = serializers.BooleanField(help_text="The user may fire it now.")
    reason = serializers.CharField(help_text="Why not, when not allowed (Swedish).")
    target = serializers.CharField()
    fields = TransitionFieldSerializer(many=True)


class CaseTransitionsSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    dnr = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    transitions = AvailableTransitionSerializer(many=True)


class FireTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(forms_workflow.TRANSITION_FORMS))
    data = serializers.DictField(
        required=False,
        default=dict,
        help_text='The transition\'s fields (see GET), e.g. {"amount": "1 245 497", '
        '"decided_on": "2020-03-24"}.',
    )
    motivation = serializers.CharField(required=False, allow_blank=True, default="")
    expected_state = serializers.CharField(
        required=False,
        help_text="The state the client saw (a case state value); if the case has moved "
        "since, the answer is 409.",
    )

    def validate_expected_state(self, value):
        if value not in CaseState.values:
            raise serializers.ValidationError(_("Okänd status."))
        return value


class TransitionLogSerializer(SecretCopiesMixin, serializers.ModelSerializer):
    secret_copy_fields = ("motivation", "data")
    source = serializers.CharField(read_only=True, help_text="A case state value.")
    target = serializers.CharField(read_only=True, help_text="A case state value.")
    dnr = serializers.CharField(source="case.dnr", read_only=True)
    label = serializers.CharField(read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    target_label = serializers.CharField(source="get_target_display", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = TransitionLog
        fields = [
            "id",
            "case",
            "dnr",
            "transition",
            "label",
            "source",
            "source_label",
            "target",
            "target_label",
            "user",
            "user_name",
            "timestamp",
            "motivation",
            "data",
        ]
        list_serializer_class = SecretCopiesList

    def get_user_name(self, obj) -> str:
        return obj.user.get_full_name() or obj.user.get_username()


class FiredTransitionSerializer(serializers.Serializer):
    state = serializers.CharField()
    state_label = serializers.CharField()
    log = TransitionLogSerializer()


class DelegationDecisionSerializer(SecretCopiesMixin, serializers.ModelSerializer):
    secret_copy_fields = ("decision_text",)
    dnr = serializers.CharField(source="case.dnr", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)
    decided_by_name = serializers.SerializerMethodField()
    is_reported = serializers.BooleanField(read_only=True)

    class Meta:
        model = DelegationDecision
        fields = [
            "id",
            "case",
            "dnr",
            "case_title",
            "decided_on",
            "outcome",
            "outcome_label",
            "decision_text",
            "decided_by",
            "decided_by_name",
            "is_reported",
            "reported_on",
            "report_reference",
        ]
        list_serializer_class = SecretCopiesList

    def get_decided_by_name(self, obj) -> str:
        return obj.decided_by.get_full_name() or obj.decided_by.get_username()


def _require_view(request):
    access = permissions.can_view_workflow(request.user)
    if not access:
        raise PermissionDenied(access.reason)


class CaseTransitionsView(APIView):
    """The transitions of a case: which the user may fire now (GET), fire one (POST).

    Served as ``financing.api.CaseTransitionsView``, which sets ``available`` and ``fire``
    to the financing layer's functions (a transition may move money).
    """

    available = staticmethod(services.available_transitions)
    fire = staticmethod(services.case_transition)

    @extend_schema(responses=CaseTransitionsSerializer, operation_id="case_transitions_list")
    def get(self, request, pk):
        _require_view(request)
        case = get_object_or_404(Case.objects.select_related("project"), pk=pk)
        items = []
        for t in self.available(request.user, case):
            access = t.access
            items.append(
                {
                    "name": t.name,
                    "label": t.label,
                    "allowed": access.allowed,
                    "reason": access.reason,
                    "target": services.transition_info(t.name).target,
                    "fields": describe_fields(t.form_class, case),
                }
            )
        payload = {
            "case": case.pk,
            "dnr": case.dnr,
            "state": case.state,
            "state_label": case.get_state_display(),
            "transitions": items,
        }
        return Response(CaseTransitionsSerializer(payload).data)

    @extend_schema(
        request=FireTransitionSerializer,
        responses={201: FiredTransitionSerializer},
        operation_id="case_transitions_fire",
    )
    def post(self, request, pk):
        case = get_object_or_404(Case.objects.select_related("project"), pk=pk)
        # Which role may fire depends on the transition named in the body, so the role is
        # checked twice: before validation, 403 for a user who may fire none of the
        # transitions of the case's route (any state: a client that saw an older state
        # still gets its 409 from the service), so such a role learns nothing from
        # validation messages; after validation the service checks the named transition.
        access = permissions.can_fire_any(request.user, case, services.route_transitions(case))
        if not access:
            raise PermissionDenied(access.reason)
        body = FireTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        log = self.fire(
            user=request.user,
            case=case,
            transition=body.validated_data["name"],
            data=body.validated_data.get("data") or {},
            motivation=body.validated_data.get("motivation", ""),
            expected_state=body.validated_data.get("expected_state"),
        )
        log = TransitionLog.objects.select_related("user", "case").get(pk=log.pk)
        payload = {
            "state": case.state,
            "state_label": case.get_state_display(),
            "log": TransitionLogSerializer(log, context={"request": request}).data,
        }
        return Response(payload, status=status.HTTP_201_CREATED)


class CaseTransitionLogView(generics.ListAPIView):
    """The transition log of a case, oldest first."""

    serializer_class = TransitionLogSerializer
    filter_backends: list = []

    def get_queryset(self):
        _require_view(self.request)
        case = get_object_or_404(Case, pk=self.kwargs["pk"])
        return selectors.transition_log_for(case).select_related("case")


class DelegationDecisionListView(generics.ListAPIView):
    """The delegation-decision register, newest first; ``?reported=true|false``."""

    serializer_class = DelegationDecisionSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "reported", bool, description="Only reported (true) or unreported (false)."
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        _require_view(self.request)
        value = (self.request.query_params.get("reported") or "").lower()
        reported = {"true": True, "1": True, "false": False, "0": False}.get(value)
        return selectors.delegation_register(reported=reported)
