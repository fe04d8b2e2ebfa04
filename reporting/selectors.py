"""Reads of the reporting app: report lists with progress, the section tree, history."""

import copy
import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from core.expressions import in_year
from decisions.meetings.models import Paragraph
from projects.models import CaseState, Project
from reporting.models import (
    Answer,
    GeneratedReport,
    Insats,
    ReportJob,
    ReportYear,
    Section,
    SectionKind,
    WordTemplate,
)
from reporting.template import fill_year

# Case states that mean the matter went ahead (approved, granted, funded, running...).
GOING_AHEAD_STATES = (
    CaseState.APPROVED,
    CaseState.APPLICATION_WRITING,
    CaseState.APPLICATION_SENT,
    CaseState.FUNDED,
    CaseState.GRANTED,
    CaseState.RUNNING,
    CaseState.FINAL_REPORT,
    CaseState.CLOSED,
)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


_QUESTION = Q(sections__kind=SectionKind.QUESTION)
_DONE = _QUESTION & Q(sections__answer__done=True)


def report_list():
    """Every report year with its progress (one query)."""
    return ReportYear.objects.annotate(
        question_count=Count("sections", filter=_QUESTION),
        done_count=Count("sections", filter=_DONE),
    ).order_by("-year")


def report_exists(year: int) -> bool:
    return ReportYear.objects.filter(year=year).exists()


def report_get(year: int) -> ReportYear:
    report = (
        ReportYear.objects.select_related(
            "created_by",
            "approved_by_user",
            "approved_paragraph__meeting",
            "approved_paragraph__body",
        )
        .annotate(
            question_count=Count("sections", filter=_QUESTION),
            done_count=Count("sections", filter=_DONE),
        )
        .filter(year=year)
        .first()
    )
    if report is None:
        raise Http404(f"no report for {year}")
    return report


def report_progress(report: ReportYear) -> Progress:
    if hasattr(report, "question_count") and hasattr(report, "done_count"):
        return Progress(done=report.done_count, total=report.question_count)
    counts = Section.objects.filter(report=report, kind=SectionKind.QUESTION).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(answer__done=True))
    )
    return Progress(done=counts["done"], total=counts["total"])


def section_tree(report: ReportYear) -> list[Section]:
    """All sections in document order with their answer and number of insatser."""
    return list(
        Section.objects.filter(report=report)
        .select_related("report", "answer", "answer__updated_by", "answer__done_by")
        .annotate(insats_count=Count("insatser"))
        .order_by("position")
    )


def section_get(report: ReportYear, number: str) -> Section:
    section = (
        Section.objects.select_related(
            "report",
            "parent",
            "answer",
            "answer__updated_by",
            "answer__done_by",
            "answer__assigned_to",
        )
        .filter(report=report, number=number)
        .first()
    )
    if section is None:
        raise Http404(f"no section {number}")
    return section


def section_neighbours(section: Section) -> tuple[Section | None, Section | None]:
    """The previous and next question of the report (for stepping through)."""
    questions = Section.objects.filter(report_id=section.report_id, kind=SectionKind.QUESTION)
    previous = questions.filter(position__lt=section.position).order_by("-position").first()
    following = questions.filter(position__gt=section.position).order_by("position").first()
    return previous, following


def section_path(section: Section) -> list[Section]:
    """The headings above a section, outermost first."""
    numbers = []
    parts = section.number.split(".")
    for length in range(1, len(parts)):
        numbers.append(".".join(parts[:length]))
    by_number = {
        s.number: s for s in Section.objects.filter(report_id=section.report_id, number__in=numbers)
    }
    return [by_number[n] for n in numbers if n in by_number]


INSATS_TEXTS = ("name", "goal", "outputs", "effects")


def insatser_masked(rows, masker):
    """``rows`` (insatser or their historical records) with copies of their projects' marked
    texts masked by ``masker`` (``projects.secrecy.CopyMasker``: for a viewer, or for
    nobody in the report itself); the rows are not saved. One query for the markings."""
    rows = list(rows)
    projects = {row.project_id for row in rows if row.project_id}
    if not projects:
        return rows
    masker.preload_projects(projects)
    for row in rows:
        if row.project_id:
            for name in INSATS_TEXTS:
                setattr(row, name, masker.mask_project(getattr(row, name), row.project_id))
    return rows


def insatser_for_section(section: Section):
    return section.insatser.select_related("project").order_by("position", "pk")


def previous_answer(answer: Answer) -> Answer | None:
    """The answer to the same question (same key) in the latest earlier report."""
    section = answer.section
    return (
        Answer.objects.filter(
            section__key=section.key, section__report__year__lt=section.report.year
        )
        .select_related("section__report")
        .order_by("-section__report__year")
        .first()
    )


def answer_history(answer: Answer, limit: int = 50):
    return list(answer.history.select_related("history_user").order_by("-history_date")[:limit])


def insats_history(section: Section, limit: int = 30):
    return list(
        Insats.history.filter(section_id=section.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )


def projects_for_year(year: int):
    """Projects carried out or initiated during ``year``: their period overlaps the year,
    or one of their cases was decided positively that year."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ran = Q(start_date__lte=last) & (Q(end_date__gte=first) | Q(end_date__isnull=True))
    decided = in_year("cases__decided_on", year) & Q(cases__state__in=GOING_AHEAD_STATES)
    ids = Project.objects.filter(ran | decided).values("pk")
    return (
        Project.objects.filter(pk__in=ids)
        .select_related("owner", "applicant")
        .prefetch_related("rus_areas", "smart_areas")
        .order_by("title")
    )


def jobs_for_report(report: ReportYear, limit: int = 10):
    return list(
        ReportJob.objects.filter(report=report)
        .select_related("requested_by", "report")
        .prefetch_related(Prefetch("files", queryset=GeneratedReport.objects.order_by("format")))
        .order_by("-created_at")[:limit]
    )


def files_for_report(report: ReportYear):
    return GeneratedReport.objects.filter(report=report).select_related("requested_by", "job")


def job_get(pk: int) -> ReportJob:
    job = (
        ReportJob.objects.select_related("report", "requested_by")
        .prefetch_related(Prefetch("files", queryset=GeneratedReport.objects.order_by("format")))
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise Http404(f"no job {pk}")
    return job


def latest_check(report: ReportYear):
    return report.checks.select_related("checked_by").first()


def approval_candidates(report: ReportYear):
    """Paragraphs that may have approved the report: of meetings from the report year on."""
    return (
        Paragraph.objects.filter(meeting__date__gte=datetime.date(report.year, 1, 1))
        .select_related("body", "meeting")
        .order_by("-meeting__date", "-number")
    )


TEMPLATE_TEXT_FIELDS = ("title", "intro", "question", "yes_prompt", "no_prompt")


def template_for_next_year(report: ReportYear) -> dict:
    """The template next year starts from: ``report``'s template with this year's edits.

    Texts nobody edited keep their ``{year}`` placeholders (so next year's intro says
    next year); a text edited in this year's report is taken as it now reads.
    """
    data = copy.deepcopy(report.template)
    sections = {s.key: s for s in report.sections.all()}

    def walk(nodes):
        for node in nodes:
            section = sections.get(node.get("key"))
            if section is not None:
                for name in TEMPLATE_TEXT_FIELDS:
                    raw = node.get(name, "")
                    current = getattr(section, name)
                    if fill_year(str(raw).strip(), report.year) != current:
                        if current:
                            node[name] = current
                        else:
                            node.pop(name, None)
            walk(node.get("children", []))

    walk(data.get("sections", []))
    return data


def word_template_in_use():
    return WordTemplate.objects.filter(in_use=True).select_related("uploaded_by").first()


def word_templates(limit: int = 20):
    return list(WordTemplate.objects.select_related("uploaded_by")[:limit])
