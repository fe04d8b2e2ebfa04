"""JSON API of the annual report (``/api/v1/``).

The same permission functions and services as the pages: a refused action answers 403,
a stale edit 409, invalid data 400, each with a Swedish message
(``core.api.exception_handler`` maps the errors).
"""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import require
from core.stored import open_verified
from projects.secrecy import copy_masker
from reporting import permissions, selectors, services
from reporting.figures import FIGURE_DEFINITIONS, report_figures
from reporting.models import Answer, GeneratedReport, Insats, ReportJob, ReportYear, Section


def _user_label(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


# --- Serializers --------------------------------------------------------------------------


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class ReportYearSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    is_approved = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportYear
        fields = [
            "year",
            "title",
            "government_reference",
            "agency_reference",
            "region_reference",
            "recipients",
            "template_source",
            "is_approved",
            "approval_reference",
            "approved_on",
            "approved_paragraph",
            "version",
            "progress",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj) -> dict:
        progress = selectors.report_progress(obj)
        return {"done": progress.done, "total": progress.total, "percent": progress.percent}

    def get_url(self, obj) -> str:
        return reverse("reporting:report_detail", args=[obj.year])


class ReportYearCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AnswerSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.number", read_only=True)
    year = serializers.IntegerField(source="section.report.year", read_only=True)
    updated_by = serializers.SerializerMethodField()
    done_by = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = [
            "id",
            "year",
            "section",
            "text",
            "yes_no",
            "done",
            "done_by",
            "done_at",
            "updated_by",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_updated_by(self, obj) -> str | None:
        return _user_label(obj.updated_by)

    def get_done_by(self, obj) -> str | None:
        return _user_label(obj.done_by)


class AnswerWriteSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    yes_no = serializers.BooleanField(allow_null=True, required=False, default=None)
    version = serializers.IntegerField(min_value=0)


class AnswerDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)


class InsatsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Insats
        fields = ["id", "position", "project", "name", "goal", "outputs", "effects", "version"]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.number", read_only=True, allow_null=True)
    heading = serializers.CharField(read_only=True)
    answer = serializers.SerializerMethodField()
    insatser = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = [
            "number",
            "key",
            "kind",
            "depth",
            "parent",
            "heading",
            "intro",
            "question",
            "answer_kind",
            "yes_prompt",
            "no_prompt",
            "insatser_max",
            "figures",
            "answer",
            "insatser",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, obj):
        if not obj.is_question:
            return None
        return AnswerSerializer(obj.answer).data

    @extend_schema_field(InsatsSerializer(many=True))
    def get_insatser(self, obj):
        rows = self.context.get("insatser", {}).get(obj.pk, [])
        return InsatsSerializer(rows, many=True).data


class GeneratedFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedReport
        fields = [
            "id",
            "format",
            "filename",
            "size",
            "sha256",
            "final",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        """The API's download (token or session authentication), absolute when the
        request is known: a client follows it with the same token."""
        url = reverse("api-report-file-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ReportJobSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="report.year", read_only=True)
    requested_by = serializers.SerializerMethodField()
    files = GeneratedFileSerializer(many=True, read_only=True)

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "year",
            "status",
            "step",
            "progress",
            "error",
            "attempts",
            "broker_unavailable",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "files",
        ]
        read_only_fields = fields

    def get_requested_by(self, obj) -> str | None:
        return _user_label(obj.requested_by)


class ReportJobCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField()


# --- Views ------------------------------------------------------------------------------


def _report(year) -> ReportYear:
    return selectors.report_get(year)


class ReportYearListView(APIView):
    """Every report year with its progress; officers create a new one."""

    @extend_schema(responses=ReportYearSerializer(many=True))
    def get(self, request):
        require(permissions.can_view_reports(request.user))
        return Response(ReportYearSerializer(selectors.report_list(), many=True).data)

    @extend_schema(request=ReportYearCreateSerializer, responses={201: ReportYearSerializer})
    def post(self, request):
        require(permissions.can_create_report_year(request.user))
        serializer = ReportYearCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_year_create(
            user=request.user, year=serializer.validated_data["year"]
        )
        return Response(
            ReportYearSerializer(_report(report.year)).data, status=status.HTTP_201_CREATED
        )


class ReportYearDetailView(APIView):
    @extend_schema(responses=ReportYearSerializer)
    def get(self, request, year):
        require(permissions.can_view_reports(request.user))
        return Response(ReportYearSerializer(_report(year)).data)


class SectionListView(APIView):
    """The section tree in document order, each question with its answer and insatser."""

    @extend_schema(responses=SectionSerializer(many=True))
    def get(self, request, year):
        require(permissions.can_view_reports(request.user))
        report = _report(year)
        sections = (
            Section.objects.filter(report=report)
            .select_related("parent", "report", "answer__updated_by", "answer__done_by")
            .order_by("position")
        )
        insatser: dict[int, list[Insats]] = {}
        rows = Insats.objects.filter(section__report=report).order_by("position", "pk")
        for row in selectors.insatser_masked(rows, copy_masker(request)):
            insatser.setdefault(row.section_id, []).append(row)
        return Response(SectionSerializer(sections, many=True, context={"insatser": insatser}).data)


def _answer(pk) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related("section__report", "updated_by", "done_by"), pk=pk
    )


class AnswerDetailView(APIView):
    """One answer: read by everyone with a role, written by officers (with its version)."""

    @extend_schema(responses=AnswerSerializer)
    def get(self, request, pk):
        require(permissions.can_view_reports(request.user))
        return Response(AnswerSerializer(_answer(pk)).data)

    @extend_schema(request=AnswerWriteSerializer, responses=AnswerSerializer)
    def patch(self, request, pk):
        answer = _answer(pk)
        require(permissions.can_edit_answer(request.user, answer))
        serializer = AnswerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        answer = services.answer_save(
            user=request.user,
            answer=answer,
            text=data["text"],
            yes_no=data.get("yes_no"),
            version=data["version"],
        )
        return Response(AnswerSerializer(_answer(answer.pk)).data)


class AnswerDoneView(APIView):
    @extend_schema(request=AnswerDoneSerializer, responses=AnswerSerializer)
    def post(self, request, pk):
        answer = _answer(pk)
        require(permissions.can_mark_done(request.user, answer))
        serializer = AnswerDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.answer_set_done(
            user=request.user, answer=answer, done=serializer.validated_data["done"]
        )
        return Response(AnswerSerializer(_answer(pk)).data)


class AnswerCopyPreviousView(APIView):
    """Replace the answer with last year's answer to the same question."""

    @extend_schema(request=VersionSerializer, responses=AnswerSerializer)
    def post(self, request, pk):
        answer = _answer(pk)
        require(permissions.can_edit_answer(request.user, answer))
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.answer_copy_previous(
            user=request.user, answer=answer, version=serializer.validated_data["version"]
        )
        return Response(AnswerSerializer(_answer(pk)).data)


FiguresSchema = inline_serializer(
    "ReportFigures",
    fields={
        "figures": serializers.DictField(
            help_text="Amounts in kronor as decimal strings, shares in whole per cent."
        ),
        "definitions": serializers.DictField(child=serializers.CharField()),
    },
)


class FiguresView(APIView):
    """Every computed figure of section 2, with how each is computed."""

    @extend_schema(responses=FiguresSchema)
    def get(self, request, year):
        report = _report(year)
        require(permissions.can_view_figures(request.user, report))
        return Response(
            {
                "figures": report_figures(report).as_dict(),
                "definitions": {k: str(v) for k, v in FIGURE_DEFINITIONS.items()},
            }
        )


def _job(pk) -> ReportJob:
    return selectors.job_get(pk)


class ReportJobListView(APIView):
    """Order the DOCX and PDF of a report year (answers 202 with the job to poll)."""

    @extend_schema(request=ReportJobCreateSerializer, responses={202: ReportJobSerializer})
    def post(self, request):
        # The role before the body (the service checks again): 403 whatever a refused
        # role sends.
        require(permissions.can_generate(request.user))
        serializer = ReportJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = _report(serializer.validated_data["year"])
        job, _created = services.report_job_request(user=request.user, report=report)
        return Response(
            ReportJobSerializer(_job(job.pk), context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ReportJobDetailView(APIView):
    @extend_schema(responses=ReportJobSerializer)
    def get(self, request, pk):
        require(permissions.can_view_reports(request.user))
        return Response(ReportJobSerializer(_job(pk), context={"request": request}).data)


class ReportFileDownloadView(APIView):
    """A generated file as stored (a final file is never made again), with its SHA-256
    in ``X-Content-SHA256``."""

    @extend_schema(
        responses={
            (200, "application/pdf"): bytes,
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): bytes,
        }
    )
    def get(self, request, pk):
        generated = get_object_or_404(GeneratedReport.objects.select_related("report"), pk=pk)
        require(permissions.can_download(request.user, generated))
        handle = open_verified(generated.file, generated.sha256, what=generated.filename)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=generated.filename,
            content_type=generated.content_type,
        )
        response["X-Content-SHA256"] = generated.sha256
        return response


class ReportJobRetryView(APIView):
    @extend_schema(request=None, responses={202: ReportJobSerializer})
    def post(self, request, pk):
        job = _job(pk)
        require(permissions.can_retry_job(request.user, job))
        services.report_job_retry(user=request.user, job=job)
        return Response(
            ReportJobSerializer(_job(pk), context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )
