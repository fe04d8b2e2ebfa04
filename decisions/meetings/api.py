"""JSON API of the meetings part (``/api/v1/``): bodies, meetings with agenda and
attendance, paragraphs, signatures and generated documents.

Writes go through the same services as the pages: a signed protocol refuses every write
with 409 and a Swedish message, a forbidden action answers 403, invalid data 400
(``core.api.exception_handler`` maps the service errors). Each write checks the
caller's role with the permission function its service uses before it validates the body,
so a role that may not do the action gets 403 whatever it sends, never validation
messages; refusals by state (out for signing, signed) stay with the service (409).
"""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import require
from core.money import AmountError, parse_amount
from core.stored import open_verified
from core.text import is_number
from decisions.meetings import documents, permissions, record_access, selectors
from decisions.meetings import services as svc
from decisions.meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    DocumentJob,
    GeneratedDocument,
    Meeting,
    Motion,
    Paragraph,
    Signature,
)
from projects.secrecy_api import SecretCopiesList, SecretCopiesMixin


def _require_secretary(request) -> None:
    """The role check of the services' writes to a meeting's record (``_lock_meeting``):
    role only, so that a locked meeting still answers 409 from the service."""
    require(permissions.can_plan_meeting(request.user))


class ViewMeetingsPermission:
    """Every role reads; writes check the role before the body, and the services again."""

    @staticmethod
    def check(request):
        if getattr(request, "swagger_fake_view", False):
            return
        require(permissions.can_view_meetings(request.user))


# --- Serializers -------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = BodyMember
        fields = ["id", "name", "party", "role", "display_name", "active", "user"]


class BodySerializer(serializers.ModelSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Body
        fields = ["id", "code", "name", "short_name", "decision_intro", "secretary", "members"]


class AgendaItemSerializer(serializers.ModelSerializer):
    paragraph_number = serializers.SerializerMethodField()
    dnr = serializers.CharField(source="dnr_display", read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "kind", "title", "case", "dnr", "presenter", "paragraph_number"]

    def get_paragraph_number(self, obj) -> int | None:
        paragraph = getattr(obj, "paragraph", None)
        return paragraph.number if paragraph else None


class AttendanceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.display_name", read_only=True)
    voting = serializers.BooleanField(source="is_voting", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "present", "serving_for", "voting"]


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signature
        fields = [
            "id",
            "round",
            "role",
            "member",
            "member_name",
            "paragraph",
            "decision",
            "method",
            "comment",
            "at",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "body",
            "body_name",
            "date",
            "start_time",
            "end_time",
            "place",
            "status",
            "adjuster",
            "signed_at",
            "notice_posted_on",
        ]
        read_only_fields = ["status", "adjuster", "signed_at", "notice_posted_on"]


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaItemSerializer(source="items", many=True, read_only=True)
    attendance = AttendanceSerializer(many=True, read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)
    paragraphs = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "agenda",
            "attendance",
            "signatures",
            "paragraphs",
        ]

    def get_paragraphs(self, obj) -> list[dict]:
        return [
            {"id": p.pk, "number": p.number, "title": p.title}
            for p in obj.paragraphs.order_by("number")
        ]


class MeetingWriteSerializer(serializers.Serializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all())
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    start_time = serializers.TimeField(required=False)
    end_time = serializers.TimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False)
    adjustment_place = serializers.CharField(required=False, allow_blank=True)


class MotionSerializer(serializers.ModelSerializer):
    sentence = serializers.SerializerMethodField()

    class Meta:
        model = Motion
        fields = ["id", "kind", "text", "movers", "outcome", "sentence"]

    def get_sentence(self, obj) -> str:
        return documents.motion_sentence(obj)


class ParagraphSerializer(SecretCopiesMixin, serializers.ModelSerializer):
    secret_copy_fields = (
        "decision_text",
        "decision_points",
        "special_conditions",
        "statement",
        "summary",
        "matter",
        "protocol_notes",
        "proceedings_override",
        "motions",
        "proceedings",
        "reservations",
    )
    reference = serializers.CharField(read_only=True)
    motions = MotionSerializer(many=True, read_only=True)
    proceedings = serializers.SerializerMethodField()
    reservations = serializers.SerializerMethodField()
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = Paragraph
        fields = [
            "id",
            "body",
            "year",
            "number",
            "reference",
            "meeting",
            "kind",
            "title",
            "case",
            "dnr",
            "nyps_id",
            "decision_intro",
            "decision_text",
            "decision_points",
            "outcome",
            "transition",
            "granted_amount",
            "special_conditions",
            "decision_recorded_at",
            "statement",
            "summary",
            "matter",
            "financing_rows",
            "decision_basis",
            "appendices",
            "protocol_notes",
            "proceedings_override",
            "motions",
            "proceedings",
            "reservations",
            "recipients",
        ]
        read_only_fields = fields
        list_serializer_class = SecretCopiesList

    def get_proceedings(self, obj) -> str:
        return documents.proceedings_text(obj)

    def get_reservations(self, obj) -> list[str]:
        return documents.reservation_sentences(obj)

    def get_recipients(self, obj) -> list[dict]:
        return [{"name": r.name, "email": r.email} for r in obj.recipients.all()]


class ParagraphUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False)
    decision_intro = serializers.CharField(required=False, allow_blank=True)
    decision_text = serializers.CharField(required=False, allow_blank=True)
    decision_points = serializers.ListField(child=serializers.JSONField(), required=False)
    statement = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    matter = serializers.ListField(child=serializers.DictField(), required=False)
    financing_rows = serializers.ListField(child=serializers.DictField(), required=False)
    decision_basis = serializers.CharField(required=False, allow_blank=True)
    appendices = serializers.CharField(required=False, allow_blank=True)
    protocol_notes = serializers.CharField(required=False, allow_blank=True)
    proceedings_override = serializers.CharField(required=False, allow_blank=True)


class MotionWriteSerializer(serializers.Serializer):
    movers = serializers.PrimaryKeyRelatedField(queryset=BodyMember.objects.all(), many=True)
    kind = serializers.ChoiceField(choices=Motion.Kind.choices)
    text = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionWriteSerializer(serializers.Serializer):
    transition = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_amount(self, value):
        if not value:
            return None
        try:
            return parse_amount(value)
        except AmountError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class AttendanceWriteSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=BodyMember.objects.all())
    present = serializers.BooleanField()
    serving_for = serializers.PrimaryKeyRelatedField(
        queryset=BodyMember.objects.all(), required=False, allow_null=True
    )


class RejectSerializer(serializers.Serializer):
    comment = serializers.CharField()


class GeneratedDocumentSerializer(serializers.ModelSerializer):
    """A generated protocol, kallelse or extract (schema component "GeneratedDocument")."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "kind",
            "meeting",
            "paragraph",
            "filename",
            "sha256",
            "size",
            "pages",
            "final",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str:
        request = self.context.get("request")
        url = reverse("api-document-download", args=[obj.pk])
        return request.build_absolute_uri(url) if request else url


class DocumentJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentJob
        fields = [
            "id",
            "kind",
            "meeting",
            "paragraph",
            "send",
            "status",
            "step",
            "progress",
            "error",
            "attempts",
            "broker_unavailable",
            "document",
            "created_at",
            "finished_at",
        ]


class DocumentRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GeneratedDocument.Kind.choices)
    paragraph = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.all(), required=False, allow_null=True
    )
    send = serializers.BooleanField(required=False, default=False)


# --- Views -------------------------------------------------------------------------------


class BodyListView(generics.ListAPIView):
    """The decision-making bodies with their members and substitutes."""

    serializer_class = BodySerializer
    queryset = Body.objects.prefetch_related("members").order_by("name")

    def get_queryset(self):
        ViewMeetingsPermission.check(self.request)
        return super().get_queryset()


class BodyDetailView(generics.RetrieveAPIView):
    serializer_class = BodySerializer
    queryset = Body.objects.prefetch_related("members")

    def get_queryset(self):
        ViewMeetingsPermission.check(self.request)
        return super().get_queryset()


class MeetingListView(generics.ListCreateAPIView):
    """Meetings (filter with ``?body=`` and ``?status=``); POST plans a new one."""

    serializer_class = MeetingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        ViewMeetingsPermission.check(self.request)
        body = self.request.query_params.get("body") or None
        if body is not None and not is_number(body):
            raise serializers.ValidationError({"body": "Ange ett heltal."})
        return selectors.meeting_list(
            body=body,
            status=self.request.query_params.get("status") or None,
        )

    @extend_schema(
        parameters=[OpenApiParameter("body", int), OpenApiParameter("status", str)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=MeetingWriteSerializer, responses={201: MeetingDetailSerializer})
    def post(self, request, *args, **kwargs):
        require(permissions.can_plan_meeting(request.user))
        serializer = MeetingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = svc.meeting_create(user=request.user, **serializer.validated_data)
        return Response(
            MeetingDetailSerializer(selectors.meeting_detail(meeting.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class MeetingDetailView(APIView):
    """A meeting with its agenda, attendance, signatures and paragraphs; PATCH changes it."""

    @extend_schema(responses=MeetingDetailSerializer)
    def get(self, request, pk):
        ViewMeetingsPermission.check(request)
        meeting = get_object_or_404(Meeting, pk=pk)
        return Response(MeetingDetailSerializer(selectors.meeting_detail(meeting.pk)).data)

    @extend_schema(request=MeetingUpdateSerializer, responses=MeetingDetailSerializer)
    def patch(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        _require_secretary(request)
        serializer = MeetingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        svc.meeting_update(user=request.user, meeting=meeting, data=serializer.validated_data)
        return Response(MeetingDetailSerializer(selectors.meeting_detail(meeting.pk)).data)


class MeetingAttendanceView(APIView):
    """PUT replaces the attendance: a list of ``{member, present, serving_for}``."""

    @extend_schema(
        request=AttendanceWriteSerializer(many=True), responses=AttendanceSerializer(many=True)
    )
    def put(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        _require_secretary(request)
        serializer = AttendanceWriteSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        rows = svc.attendance_set(
            user=request.user, meeting=meeting, entries=list(serializer.validated_data)
        )
        return Response(AttendanceSerializer(rows, many=True).data)


class SignWriteSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, help_text="The signer's password, again."
    )


class MeetingSignaturesView(APIView):
    """The justering: GET the signatures; POST signs as chair or adjuster."""

    @extend_schema(responses=SignatureSerializer(many=True))
    def get(self, request, pk):
        ViewMeetingsPermission.check(request)
        meeting = get_object_or_404(Meeting, pk=pk)
        return Response(
            SignatureSerializer(
                meeting.signatures.select_related("member").order_by("round", "at"), many=True
            ).data
        )

    @extend_schema(request=SignWriteSerializer, responses={201: SignatureSerializer})
    def post(self, request, pk):
        """Sign as chair or adjuster: the signer's password again in ``password``."""
        meeting = get_object_or_404(Meeting, pk=pk)
        svc.signing_check(user=request.user, meeting=meeting)
        body = SignWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signature = svc.protocol_sign(
            user=request.user,
            meeting=meeting,
            method=Signature.Method.PASSWORD,
            password=body.validated_data["password"],
        )
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class MeetingRejectView(APIView):
    """Send the protocol back to the secretary with a comment."""

    @extend_schema(request=RejectSerializer, responses={201: SignatureSerializer})
    def post(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        svc.signing_check(user=request.user, meeting=meeting)
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signature = svc.protocol_reject(
            user=request.user, meeting=meeting, comment=serializer.validated_data["comment"]
        )
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class ParagraphListView(generics.ListAPIView):
    """Paragraphs (filter with ``?meeting=``, ``?case=``, ``?body=`` and ``?year=``)."""

    serializer_class = ParagraphSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Paragraph.objects.none()
        ViewMeetingsPermission.check(self.request)
        qs = (
            Paragraph.objects.select_related("body", "meeting", "carried_motion", "vote_no_motion")
            .prefetch_related("motions__movers", "recipients", "reservations__members")
            .order_by("body", "year", "number")
        )
        for name in ("meeting", "case", "body", "year"):
            value = self.request.query_params.get(name)
            if value:
                if not is_number(value):
                    raise serializers.ValidationError({name: "Ange ett heltal."})
                qs = qs.filter(**{name: value})
        return qs

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and args:
            rows = list(args[0])
            args = (rows, *args[1:])
            # as the § page: the §§' texts and copies shown unmasked to the allowed, logged
            record_access.log_paragraphs_read(
                self.request.user,
                rows,
                what=_("Paragraflistan i API:t"),
                path=self.request.get_full_path(),
            )
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("meeting", int),
            OpenApiParameter("case", int),
            OpenApiParameter("body", int),
            OpenApiParameter("year", int),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ParagraphDetailView(APIView):
    """A paragraph; PATCH changes its texts (refused with 409 once the protocol is signed)."""

    @extend_schema(responses=ParagraphSerializer)
    def get(self, request, pk):
        ViewMeetingsPermission.check(request)
        paragraph = get_object_or_404(Paragraph.objects.select_related("meeting", "case"), pk=pk)
        data = ParagraphSerializer(paragraph, context={"request": request}).data
        # as the § page: its texts and copies are shown unmasked to the allowed, logged
        record_access.log_record_read(
            request.user,
            paragraph.meeting,
            paragraph,
            what=_("Paragrafen i API:t"),
            path=request.path,
        )
        return Response(data)

    @extend_schema(request=ParagraphUpdateSerializer, responses=ParagraphSerializer)
    def patch(self, request, pk):
        paragraph = get_object_or_404(Paragraph, pk=pk)
        _require_secretary(request)
        serializer = ParagraphUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        paragraph = svc.paragraph_update(
            user=request.user, paragraph=paragraph, data=serializer.validated_data
        )
        return Response(ParagraphSerializer(paragraph, context={"request": request}).data)


class ParagraphMotionsView(APIView):
    """POST a yrkande to the paragraph."""

    @extend_schema(request=MotionWriteSerializer, responses={201: MotionSerializer})
    def post(self, request, pk):
        paragraph = get_object_or_404(Paragraph, pk=pk)
        _require_secretary(request)
        serializer = MotionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        motion = svc.motion_add(user=request.user, paragraph=paragraph, **serializer.validated_data)
        return Response(MotionSerializer(motion).data, status=status.HTTP_201_CREATED)


class ParagraphDecisionView(APIView):
    """Record the body's decision; for a case this fires the case's transition.

    Served as ``financing.api.ParagraphDecisionView``, whose ``record`` also commits the
    money of a RUN grant.
    """

    record = staticmethod(svc.paragraph_record_decision)

    @extend_schema(request=DecisionWriteSerializer, responses=ParagraphSerializer)
    def post(self, request, pk):
        paragraph = get_object_or_404(Paragraph, pk=pk)
        _require_secretary(request)
        serializer = DecisionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        paragraph = self.record(user=request.user, paragraph=paragraph, **serializer.validated_data)
        return Response(ParagraphSerializer(paragraph, context={"request": request}).data)


class DocumentListView(generics.ListAPIView):
    """Generated documents with their SHA-256 (filter ``?meeting=``, ``?sha256=``)."""

    serializer_class = GeneratedDocumentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GeneratedDocument.objects.none()
        ViewMeetingsPermission.check(self.request)
        qs = GeneratedDocument.objects.order_by("-created_at")
        meeting = self.request.query_params.get("meeting")
        if meeting:
            if not is_number(meeting):
                raise serializers.ValidationError({"meeting": "Ange ett heltal."})
            qs = qs.filter(meeting=meeting)
        checksum = self.request.query_params.get("sha256")
        if checksum:
            qs = qs.filter(sha256=checksum.lower())
        return qs

    @extend_schema(parameters=[OpenApiParameter("meeting", int), OpenApiParameter("sha256", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DocumentDownloadView(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        ViewMeetingsPermission.check(request)
        document = get_object_or_404(GeneratedDocument.objects.select_related("meeting"), pk=pk)
        if record_access.is_record_document(document):
            record_access.require_readable(
                request.user,
                document.meeting,
                document.paragraph,
                what=document.filename,
                path=request.path,
            )
        handle = open_verified(document.file, document.sha256, what=document.filename)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=document.filename,
            content_type="application/pdf",
        )


class MeetingDocumentsView(APIView):
    """POST orders a document (kallelse, protocol, or an extract of a paragraph)."""

    @extend_schema(request=DocumentRequestSerializer, responses={202: DocumentJobSerializer})
    def post(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        require(permissions.can_generate_documents(request.user, meeting))
        serializer = DocumentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        paragraph = data.get("paragraph")
        if paragraph is not None and paragraph.meeting_id != meeting.pk:
            raise serializers.ValidationError(
                {"paragraph": "Paragrafen hör till ett annat sammanträde."}
            )
        job = svc.document_job_request(
            user=request.user,
            meeting=meeting,
            kind=data["kind"],
            paragraph=paragraph,
            send=data["send"],
        )
        job.refresh_from_db()  # the broker may have refused it after the commit
        return Response(DocumentJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class DocumentJobView(generics.RetrieveAPIView):
    serializer_class = DocumentJobSerializer
    queryset = DocumentJob.objects.all()

    def get_queryset(self):
        ViewMeetingsPermission.check(self.request)
        return super().get_queryset()
