"""JSON API of the registry (/api/v1/): organisations, cases, projects, documents.

The same permission functions and services as the pages: reads need a role,
writes go through ``projects.services`` (ValidationError -> 400, PermissionDenied
-> 403, Conflict -> 409 via ``core.api.exception_handler``).
Confidential documents are left out of lists and refused (403) for läsare.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.concurrency import edit_token
from core.money import AmountError, parse_amount
from core.stored import open_verified
from projects import permissions, secrecy, selectors, services
from projects.filters import CaseFilter
from projects.forms import missing_party_message
from projects.models import Case, Document, Organisation, Project, SecrecyProvision


def _guard(access) -> None:
    if not access:
        raise PermissionDenied(access.reason)


class HasRole(BasePermission):
    """Any role of the department may read the registry."""

    message = "Du har ingen roll i Norrbotten Cases."

    def has_permission(self, request, view):
        return bool(permissions.can_view_registry(request.user))


# --- Fields ---------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "example": "1245497.00",
        "description": "Kronor. Input also as 1 245 497, 1 245 497 kr or 2 000 tkr.",
        "nullable": True,
    }
)
class AmountField(serializers.Field):
    """Money in SEK: written as the department writes it, read as a decimal string."""

    default_error_messages = {"invalid": "Ogiltigt belopp."}

    def to_representation(self, value):
        return None if value is None else f"{value:.2f}"

    def to_internal_value(self, data):
        if data in (None, ""):
            return None
        try:
            return parse_amount(data if not isinstance(data, float) else str(data))
        except AmountError as exc:
            raise serializers.ValidationError(str(exc)) from exc


# --- Organisations ------------------------------------------------------------------


class EditTokenSerializerMixin(serializers.Serializer):
    """``edit_token``: the fingerprint of the row as read (single-object answers only).

    Send it back with an update (as ``edit_token`` in the body or as ``If-Match``) and the
    update is refused with 409 if someone else changed the row in between.
    """

    edit_token = serializers.SerializerMethodField(
        help_text="Skicka tillbaka vid ändring (eller som If-Match): 409 om någon annan hunnit "
        "ändra posten."
    )

    def get_edit_token(self, obj) -> str | None:
        if isinstance(self.parent, serializers.ListSerializer):
            return None  # lists stay one query; fetch the object to edit it safely
        return edit_token(obj)


class StaleEditProtectionMixin:
    """Updates pass the client's ``edit_token`` (If-Match header or body) to the service."""

    def expected_token(self) -> str | None:
        header = self.request.headers.get("If-Match", "").strip()
        if header and header != "*":
            return header.removeprefix("W/").strip('"') or None
        data = self.request.data
        token = data.get("edit_token") if hasattr(data, "get") else None
        return str(token) if token else None


class OrganisationSerializer(EditTokenSerializerMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "org_number",
            "email",
            "city",
            "edit_token",
        ]
        extra_kwargs = {"org_number": {"validators": []}, "name": {"validators": []}}


class OrganisationFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label="Sök på namn, ort, org.nr")

    class Meta:
        model = Organisation
        fields = ["search", "kind"]

    def filter_search(self, queryset, name, value):
        ids = selectors.organisation_search(value).values("pk")
        return queryset.filter(pk__in=ids)


@extend_schema_view(
    list=extend_schema(summary="Organisationer (sökbara)"),
    create=extend_schema(summary="Skapa organisation"),
)
class OrganisationViewSet(
    StaleEditProtectionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticated, HasRole]
    filterset_class = OrganisationFilter
    queryset = Organisation.objects.order_by("name")

    def create(self, request, *args, **kwargs):
        _guard(permissions.can_edit_organisation(request.user))
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        _guard(permissions.can_edit_organisation(request.user, self.get_object()))
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            user=self.request.user,
            organisation=serializer.instance,
            data=dict(serializer.validated_data),
            expected_token=self.expected_token(),
        )


# --- Projects -------------------------------------------------------------------------


class ProjectSerializer(EditTokenSerializerMixin, serializers.ModelSerializer):
    requested_amount = AmountField(required=False, allow_null=True)
    total_budget = AmountField(required=False, allow_null=True)
    applicant_name = serializers.CharField(source="applicant.name", read_only=True, default=None)
    case_ids = serializers.PrimaryKeyRelatedField(source="cases", many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "edit_token",
            "id",
            "title",
            "applicant",
            "applicant_name",
            "owner",
            "partners",
            "contact_name",
            "contact_email",
            "contact_phone",
            "start_date",
            "end_date",
            "origin",
            "rus_areas",
            "smart_areas",
            "requested_amount",
            "total_budget",
            "summary",
            "background",
            "purpose",
            "implementation",
            "expected_results",
            "social_sustainability",
            "economic_sustainability",
            "environmental_sustainability",
            "main_aims",
            "involves_healthcare",
            "started_on",
            "reporting_routine",
            "result_summary",
            "recommendation",
            "follow_up_case",
            "closed_on",
            "case_ids",
        ]
        read_only_fields = [
            "started_on",
            "reporting_routine",
            "result_summary",
            "recommendation",
            "follow_up_case",
            "closed_on",
        ]

    def to_representation(self, instance):
        """Fields secret to the user (``projects.secrecy``) are masked. A list reads the
        markings of every listed project's cases once (``context["secrets"]``)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None:
            return data
        cases = list(instance.cases.all())
        secrets = self.context.get("secrets") or secrecy.secrets_for(request.user, cases)
        for key in secrecy.MARKABLE_FIELDS:
            names = ["contact_name", "contact_email", "contact_phone"]
            names = names if key == "project.contact" else [key.removeprefix("project.")]
            for case in cases:
                marking = secrets.hides_field(case.pk, key)
                if marking is not None:
                    for name in names:
                        if data.get(name):
                            data[name] = f"[{secrecy.mask_label(marking)}]"
                    break
        return data

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and start > end:
            raise serializers.ValidationError(
                {"end_date": "Projektslutet kan inte ligga före projektstarten."}
            )
        return attrs


class ProjectFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label="Sök på projektnamn eller sökande")

    class Meta:
        model = Project
        fields = ["search", "applicant", "origin"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(title__icontains=value) | queryset.filter(
            applicant__name__icontains=value
        )


class ProjectViewSet(
    StaleEditProtectionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticated, HasRole]
    filterset_class = ProjectFilter

    def get_queryset(self):
        return (
            Project.objects.select_related("applicant")
            .prefetch_related("partners", "rus_areas", "smart_areas", "main_aims", "cases")
            .order_by("title")
        )

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and args:
            rows = list(args[0])
            cases = [case for project in rows for case in project.cases.all()]
            kwargs.setdefault("context", self.get_serializer_context())
            secrets = secrecy.secrets_for(self.request.user, cases)
            kwargs["context"]["secrets"] = secrets
            args = (rows, *args[1:])
            if self.request.method == "GET":
                secrecy.log_project_texts_read(
                    self.request.user,
                    cases,
                    secrets,
                    what=_("Projektlistan i API:t med sekretessmarkerade uppgifter"),
                    path=self.request.get_full_path(),
                )
        return super().get_serializer(*args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        """The project, its texts masked where a case marks them; shown unmasked, the
        reading is logged as the project page's is."""
        project = self.get_object()
        cases = list(project.cases.all())
        secrets = secrecy.secrets_for(request.user, cases)
        context = {**self.get_serializer_context(), "secrets": secrets}
        data = self.get_serializer(project, context=context).data
        secrecy.log_project_texts_read(
            request.user,
            cases,
            secrets,
            what=_("Projektet i API:t med sekretessmarkerade uppgifter"),
            path=request.path,
        )
        return Response(data)

    def create(self, request, *args, **kwargs):
        _guard(permissions.can_edit_project(request.user))
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        _guard(permissions.can_edit_project(request.user, self.get_object()))
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        title = data.pop("title")
        serializer.instance = services.project_create(user=self.request.user, title=title, **data)

    def perform_update(self, serializer):
        serializer.instance = services.project_update(
            user=self.request.user,
            project=serializer.instance,
            data=dict(serializer.validated_data),
            expected_token=self.expected_token(),
        )


# --- Cases ----------------------------------------------------------------------------


class CaseSerializer(EditTokenSerializerMixin, serializers.ModelSerializer):
    dnr = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    applicant = serializers.SerializerMethodField()
    officer_name = serializers.SerializerMethodField()
    requested_amount = AmountField(source="project.requested_amount", read_only=True)
    granted_amount = AmountField(read_only=True)
    officer = serializers.PrimaryKeyRelatedField(
        queryset=selectors.officers(), required=False, help_text="Ansvarig handläggare (id)."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Case
        fields = [
            "edit_token",
            "id",
            "dnr",
            "year",
            "number",
            "nyps_id",
            "kind",
            "kind_display",
            "title",
            "officer",
            "officer_name",
            "received_on",
            "registered_on",
            "project",
            "applicant",
            "state",
            "state_display",
            "requested_amount",
            "granted_amount",
            "decided_on",
            "url",
        ]
        read_only_fields = ["year", "number", "registered_on", "state", "decided_on"]
        extra_kwargs = {"nyps_id": {"validators": []}, "received_on": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        fields["officer"].queryset = selectors.officers()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["kind"].read_only = True
        return fields

    @extend_schema_field(OrganisationSerializer(allow_null=True))
    def get_applicant(self, case):
        applicant = case.project.applicant
        return OrganisationSerializer(applicant).data if applicant else None

    @extend_schema_field(serializers.CharField())
    def get_officer_name(self, case):
        return case.officer.get_full_name() or case.officer.get_username()


class CaseApiFilter(CaseFilter):
    search = filters.CharFilter(
        method="filter_search", label="Fritext (svensk fulltext, Dnr eller NYPS-id)"
    )

    class Meta(CaseFilter.Meta):
        fields = ["search", *CaseFilter.Meta.fields]


@extend_schema_view(
    list=extend_schema(summary="Ärenden med filter och sökning"),
    create=extend_schema(summary="Registrera ärende (nästa diarienummer)"),
    update=extend_schema(summary="Ändra ärendets registeruppgifter"),
    partial_update=extend_schema(summary="Ändra ärendets registeruppgifter (delvis)"),
)
class CaseViewSet(
    StaleEditProtectionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CaseSerializer
    permission_classes = [IsAuthenticated, HasRole]
    filterset_class = CaseApiFilter

    def get_queryset(self):
        return selectors.case_list_queryset()

    def create(self, request, *args, **kwargs):
        _guard(permissions.can_register_case(request.user))
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        _guard(permissions.can_edit_case(request.user, self.get_object()))
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        if "kind" not in data:
            raise serializers.ValidationError({"kind": "Ange ärendetyp."})
        case = services.case_register(
            user=self.request.user,
            kind=data["kind"],
            title=data["title"],
            project=data["project"],
            officer=data.get("officer"),
            received_on=data.get("received_on"),
            nyps_id=data.get("nyps_id"),
        )
        serializer.instance = selectors.case_list_queryset().get(pk=case.pk)

    def perform_update(self, serializer):
        case = services.case_update(
            user=self.request.user,
            case=serializer.instance,
            data=dict(serializer.validated_data),
            expected_token=self.expected_token(),
        )
        serializer.instance = selectors.case_list_queryset().get(pk=case.pk)


# --- Documents ------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True, help_text="PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT")
    uploaded_by_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.APPENDIX)
    registry_label = serializers.CharField(read_only=True)
    provision = serializers.PrimaryKeyRelatedField(
        queryset=SecrecyProvision.objects.filter(active=True),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Sekretessbestämmelsen (id) som markeringen grundas på; krävs med confidential",
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "title",
            "kind",
            "version",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "confidential",
            "provision",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
            "registry_number",
            "registry_label",
            "direction",
            "document_date",
            "party_kind",
            "party_name",
            "description",
            "registered_at",
            "parent",
        ]
        read_only_fields = [
            "registry_number",
            "registered_at",
            "parent",
            "version",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]
        validators = []

    def validate(self, attrs):
        if attrs.get("confidential") and not attrs.get("provision"):
            raise serializers.ValidationError(
                {"provision": "Ange bestämmelsen som sekretessmarkeringen grundas på."}
            )
        direction = attrs.get("direction") or Document.Direction.INCOMING
        if direction != Document.Direction.DRAWN_UP and not (attrs.get("party_name") or "").strip():
            raise serializers.ValidationError({"party_name": missing_party_message(direction)})
        return attrs

    @extend_schema_field(serializers.CharField())
    def get_uploaded_by_name(self, document):
        user = document.uploaded_by
        return user.get_full_name() or user.get_username()

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, document):
        return reverse("api-documents-download", args=[document.pk])


class DocumentFilter(filters.FilterSet):
    class Meta:
        model = Document
        fields = ["case", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Dokument (sekretessmarkerade visas inte för läsare)"),
    create=extend_schema(summary="Ladda upp dokument (samma titel ger ny version)"),
)
class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated, HasRole]
    filterset_class = DocumentFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        queryset = Document.objects.select_related("uploaded_by", "case").order_by(
            "case", "title", "-version"
        )
        if self.action == "list":
            return selectors.visible_documents(self.request.user, queryset)
        return queryset

    def get_object(self):
        # DRF's get_object_or_404: a pk that is not a number is a 404, not a 500.
        document = generics.get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        _guard(permissions.can_view_document(self.request.user, document))
        return document

    def create(self, request, *args, **kwargs):
        _guard(permissions.can_upload_document(request.user))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.document_upload(
            user=self.request.user,
            case=data["case"],
            file=data["file"],
            title=data["title"],
            kind=data.get("kind", Document.Kind.APPENDIX),
            confidential=data.get("confidential", False),
            provision=data.get("provision"),
            direction=data.get("direction", Document.Direction.INCOMING),
            document_date=data.get("document_date"),
            party_kind=data.get("party_kind", ""),
            party_name=data.get("party_name", ""),
            description=data.get("description", ""),
        )

    @extend_schema(
        summary="Ladda ner dokumentets fil",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            403: OpenApiResponse(description="Sekretess eller saknad behörighet"),
        },
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        document = self.get_object()
        handle = open_verified(document.file, document.sha256, what=document.registry_label)
        secrecy.log_document_read(
            request.user, document, action="download", path=request.path, via=" (API)"
        )
        return FileResponse(
            handle,
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
