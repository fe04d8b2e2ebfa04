"""Writes of the reporting app: report years, answers, insatser, checks, approval, jobs.

Every function takes keyword-only arguments and the acting ``user``, checks
``reporting.permissions``, runs in a transaction and validates before saving.
Edits carry the version the user started from; a stale version raises ``Conflict``.
"""

import logging
import re
import unicodedata
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.access import require
from core.errors import Conflict
from core.jobs import (
    JobStatus,
    job_done,
    job_enqueue,
    job_fail,
    job_start,
    job_step,
    sha256_bytes,
)
from core.models import NotificationKind
from core.notifications import notify
from core.pdf import PdfRenderError
from core.roles import Role, has_role
from projects.models import Project
from projects.secrecy import marked_project_fields
from reporting import permissions, selectors
from reporting.documents import build_content, render_docx, render_pdf
from reporting.documents.word_template import template_problems
from reporting.figures import compute_figures
from reporting.models import (
    TITLE_PATTERN,
    Answer,
    AnswerKind,
    FigureCheck,
    GeneratedReport,
    Insats,
    ReportFormat,
    ReportJob,
    ReportYear,
    Section,
    SectionKind,
    WordTemplate,
)
from reporting.template import fill_year, load_template_file, parse_template

logger = logging.getLogger(__name__)

MAX_ANSWER_LENGTH = 30_000
MAX_CELL_LENGTH = 4_000


def _user_name(user) -> str:
    if user is None:
        return _("någon annan")
    return user.get_full_name() or user.get_username()


def _stale(what: str, by, at) -> Conflict:
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""
    return Conflict(
        _(
            "%(what)s har ändrats av %(who)s %(when)s sedan du öppnade sidan. Din text finns "
            "kvar i formuläret: kopiera den, ladda om sidan och för in dina ändringar igen."
        )
        % {"what": what, "who": _user_name(by), "when": when}
    )


# --- Report years -------------------------------------------------------------------


@transaction.atomic
def report_year_create(
    *, user, year: int, template: dict | None = None, template_source: str = ""
) -> ReportYear:
    """Create the report of ``year`` with its section tree and its answers.

    The template is, in order: the one given, the shipped file for that year
    (``reporting/fixtures/report_template_<year>.json``), or the latest earlier report
    year's sections as they stand (questions edited in that year included, see
    ``selectors.template_for_next_year``). The answers of the latest earlier report are
    carried forward, by section key, as drafts marked "från föregående år — att
    revidera" until edited; figures are never carried (they are computed).
    """
    require(permissions.can_create_report_year(user))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Ange ett år mellan 2000 och 2100.")})
    if ReportYear.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("Det finns redan en återrapportering för %(year)s.") % {"year": year}}
        )
    if template is None:
        template = load_template_file(year)
        template_source = _("Mallfil för %(year)s") % {"year": year}
    previous = ReportYear.objects.filter(year__lt=year).order_by("-year").first()
    if template is None:
        if previous is None:
            raise ValidationError(
                {
                    "year": _(
                        "Det finns ingen mall för %(year)s och ingen tidigare återrapportering "
                        "att utgå från."
                    )
                    % {"year": year}
                }
            )
        template = selectors.template_for_next_year(previous)
        template_source = _("Mallen från återrapporteringen %(year)s") % {"year": previous.year}
    parsed = parse_template(template, year)

    report = ReportYear(
        year=year,
        title=parsed.title or fill_year(TITLE_PATTERN, year),
        recipients="\n".join(parsed.recipients),
        template=template,
        template_source=template_source or _("Angiven mall"),
        created_by=user,
    )
    report.full_clean()
    try:
        with transaction.atomic():
            report._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            report.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"year": _("Det finns redan en återrapportering för %(year)s.") % {"year": year}}
        ) from exc

    # Sections level by level, so each level knows its parents' ids.
    by_key: dict[str, Section] = {}
    max_depth = max(s.depth for s in parsed.sections)
    for depth in range(1, max_depth + 1):
        level = [
            Section(
                report=report,
                parent=by_key[s.parent_key] if s.parent_key else None,
                key=s.key,
                number=s.number,
                kind=s.kind,
                title=s.title,
                numbered=s.numbered,
                intro=s.intro,
                question=s.question,
                answer_kind=s.answer_kind,
                yes_prompt=s.yes_prompt,
                no_prompt=s.no_prompt,
                insatser_max=s.insatser_max,
                figures=s.figures,
                depth=s.depth,
                position=position,
            )
            for position, s in enumerate(parsed.sections, start=1)
            if s.depth == depth
        ]
        for section in Section.objects.bulk_create(level):
            by_key[section.key] = section
    questions = [s for s in by_key.values() if s.kind == SectionKind.QUESTION]
    carried = _answers_to_carry(previous, questions) if previous else {}
    bulk_create_with_history(
        [carried.get(section.key) or Answer(section=section) for section in questions],
        Answer,
        default_user=user,
    )
    return report


def _answers_to_carry(previous: ReportYear, questions: list[Section]) -> dict[str, Answer]:
    """New answers holding last year's text (same key and answer kind), marked to revise."""
    kinds = {section.key: section for section in questions}
    carried = {}
    for old in Answer.objects.filter(section__report=previous).select_related("section"):
        section = kinds.get(old.section.key)
        if section is None or section.answer_kind != old.section.answer_kind or old.is_empty:
            continue
        carried[section.key] = Answer(
            section=section,
            text=old.text,
            yes_no=old.yes_no if section.answer_kind == AnswerKind.YES_NO else None,
            carried_from_year=previous.year,
        )
    return carried


REPORT_FIELDS = ("government_reference", "agency_reference", "region_reference", "recipients")


@transaction.atomic
def report_year_update(*, user, report: ReportYear, data: dict, version: int) -> ReportYear:
    """Change the title page facts (diary numbers, recipients)."""
    locked = ReportYear.objects.select_for_update().get(pk=report.pk)
    require(permissions.can_edit_report(user, locked))
    if locked.version != version:
        last = locked.history.first()
        raise _stale(
            _("Rapportens uppgifter"), last.history_user if last else None, locked.updated_at
        )
    changed = []
    for name, value in data.items():
        if name not in REPORT_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": name})
        value = (value or "").strip()
        if name == "recipients":
            value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if name_errors := _recipient_errors(locked.recipients):
        raise ValidationError({"recipients": name_errors})
    if not changed:
        return locked
    locked.full_clean()
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def report_next_year_create(*, user, report: ReportYear) -> ReportYear:
    """Create the report of the year after ``report`` from its sections and answers."""
    require(permissions.can_create_report_year(user))
    return report_year_create(user=user, year=report.year + 1)


QUESTION_FIELDS = ("title", "intro", "question", "yes_prompt", "no_prompt")
MAX_QUESTION_LENGTH = 5_000


def section_fingerprint(section: Section) -> str:
    """The texts of a section as the edit form saw them (a stale form is refused)."""
    return sha256_bytes("\x1f".join(getattr(section, f) for f in QUESTION_FIELDS).encode())


@transaction.atomic
def section_update(*, user, section: Section, data: dict, fingerprint: str) -> Section:
    """Change this year's wording of a section (heading, intro, question, prompts).

    Only this report's section changes: earlier years keep their wording and next year
    starts from this one.
    """
    locked = (
        Section.objects.select_for_update(of=("self",)).select_related("report").get(pk=section.pk)
    )
    require(permissions.can_edit_questions(user, locked.report))
    if section_fingerprint(locked) != fingerprint:
        raise Conflict(
            _(
                "Avsnittets text har ändrats av någon annan sedan du öppnade sidan. "
                "Ladda om sidan och gör om din ändring."
            )
        )
    changed = []
    for name, value in data.items():
        if name not in QUESTION_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": name})
        value = (value or "").replace("\r\n", "\n").strip()
        if len(value) > MAX_QUESTION_LENGTH:
            raise ValidationError({name: _("Högst %(max)s tecken.") % {"max": MAX_QUESTION_LENGTH}})
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if locked.kind == SectionKind.QUESTION and not locked.question:
        raise ValidationError({"question": _("Frågan behöver en frågetext.")})
    if locked.kind == SectionKind.HEADING and not locked.title:
        raise ValidationError({"title": _("Rubriken behöver en rubriktext.")})
    if changed:
        locked.full_clean()
        locked.save(update_fields=changed)
    return locked


def _recipient_errors(recipients: str) -> list[str]:
    errors = []
    for line in recipients.splitlines():
        try:
            validate_email(line.strip())
        except ValidationError:
            errors.append(_("”%(value)s” är ingen e-postadress.") % {"value": line.strip()})
    return errors


# --- Answers --------------------------------------------------------------------------


def _lock_answer(answer: Answer) -> Answer:
    return (
        Answer.objects.select_for_update(of=("self",))
        .select_related("section__report", "updated_by")
        .get(pk=answer.pk)
    )


@transaction.atomic
def answer_save(
    *, user, answer: Answer, text: str, yes_no: bool | None = None, version: int
) -> Answer:
    """Save the narrative answer (and the yes/no choice of yes/no questions)."""
    locked = _lock_answer(answer)
    require(permissions.can_edit_answer(user, locked))
    if locked.version != version:
        raise _stale(_("Svaret"), locked.updated_by, locked.updated_at)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValidationError(
            {
                "text": _("Svaret får vara högst %(max)s tecken (nu %(length)s).")
                % {"max": MAX_ANSWER_LENGTH, "length": len(text)}
            }
        )
    if locked.section.answer_kind != AnswerKind.YES_NO:
        yes_no = None
    if locked.text == text and locked.yes_no == yes_no and not locked.needs_revision:
        return locked
    locked.text = text
    locked.yes_no = yes_no
    # Saved this year (revised, or confirmed as it stands): no longer last year's draft.
    locked.carried_from_year = None
    locked.updated_by = user
    locked.updated_at = timezone.now()
    if locked.done and locked.is_empty and not locked.section.insatser.exists():
        locked.done, locked.done_by, locked.done_at = False, None, None
    locked.full_clean()
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save()
    return locked


@transaction.atomic
def answer_copy_previous(*, user, answer: Answer, version: int) -> Answer:
    """Replace the answer with last year's answer to the same question (history keeps both)."""
    require(permissions.can_edit_answer(user, answer))
    previous = selectors.previous_answer(answer)
    if previous is None or previous.is_empty:
        raise ValidationError(
            _("Det finns inget svar på samma fråga i föregående års återrapportering att kopiera.")
        )
    return answer_save(
        user=user, answer=answer, text=previous.text, yes_no=previous.yes_no, version=version
    )


@transaction.atomic
def answer_assign(*, user, answer: Answer, assignee) -> Answer:
    """Give the question to ``assignee`` (an officer) to write, or to nobody; the new
    assignee is told (in the app and by e-mail) and finds it in Mina uppgifter."""
    locked = _lock_answer(answer)
    require(permissions.can_assign_answer(user, locked))
    if assignee is not None and not (assignee.is_active and has_role(assignee, Role.OFFICER)):
        raise ValidationError(
            {"assigned_to": _("Avsnitten skrivs av handläggare; välj en aktiv handläggare.")}
        )
    if locked.assigned_to_id == (assignee.pk if assignee else None):
        return locked
    locked.assigned_to = assignee
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save(update_fields=["assigned_to"])
    if assignee is not None:
        section = locked.section
        who = _user_name(user)
        notify(
            recipient=assignee,
            kind=NotificationKind.SECTION_ASSIGNED,
            url=section.get_absolute_url(),
            text=lambda: (
                _("%(user)s har gett dig avsnitt %(number)s i återrapporteringen %(year)s")
                % {"user": who, "number": section.number, "year": section.report.year}
            ),
            sent_by=user,
        )
    return locked


@transaction.atomic
def answer_set_done(*, user, answer: Answer, done: bool) -> Answer:
    """Mark a section done (or not done); an empty section cannot be done."""
    locked = _lock_answer(answer)
    require(permissions.can_mark_done(user, locked))
    if locked.done == done:
        return locked
    if done:
        section = locked.section
        if section.answer_kind == AnswerKind.YES_NO and locked.yes_no is None:
            raise ValidationError(_("Välj ja eller nej innan avsnittet markeras som klart."))
        has_rows = section.has_insatser and section.insatser.exists()
        if not locked.text.strip() and not has_rows and locked.yes_no is None:
            raise ValidationError(
                _("Avsnitt %(number)s har inget svar ännu och kan inte markeras som klart.")
                % {"number": section.number}
            )
        locked.done, locked.done_by, locked.done_at = True, user, timezone.now()
    else:
        locked.done, locked.done_by, locked.done_at = False, None, None
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save(update_fields=["done", "done_by", "done_at"])
    return locked


# --- Insatser -------------------------------------------------------------------------


def project_prefill(project: Project) -> dict:
    """The row an insats gets from its project: name + description, goal, results."""
    marked = marked_project_fields(project)  # secret texts never go into the report
    summary = "" if "summary" in marked else project.summary
    purpose = "" if "purpose" in marked else project.purpose
    description = (summary or purpose or "").strip()
    if len(description) > 600:
        description = description[:600].rsplit(" ", 1)[0] + " …"
    owner = project.owner or project.applicant
    name = project.title + (f" ({owner.name})" if owner else "")
    rus = ", ".join(area.name for area in project.rus_areas.all())
    smart = ", ".join(area.name for area in project.smart_areas.all())
    goal = []
    if rus:
        goal.append(_("RUS: %(areas)s") % {"areas": rus})
    if smart:
        goal.append(_("Smart specialisering: %(areas)s") % {"areas": smart})
    return {
        "name": f"{name}\n{description}".strip(),
        "goal": "\n".join(goal),
        "outputs": (project.result_summary or "").strip(),
        "effects": "" if "expected_results" in marked else (project.expected_results or "").strip(),
    }


def _lock_section(section: Section) -> Section:
    return (
        Section.objects.select_for_update(of=("self",)).select_related("report").get(pk=section.pk)
    )


@transaction.atomic
def insats_add(*, user, section: Section, project: Project | None = None) -> Insats:
    """Add a row to an insatser table, prefilled from ``project`` (or empty)."""
    locked = _lock_section(section)
    require(permissions.can_edit_insatser(user, locked))
    count = locked.insatser.count()
    if count >= locked.insatser_max:
        raise ValidationError(
            _(
                "Högst %(max)s insatser får redovisas under %(number)s. Ta bort en insats innan "
                "du lägger till en ny."
            )
            % {"max": locked.insatser_max, "number": locked.number}
        )
    if project is not None:
        if not selectors.projects_for_year(locked.report.year).filter(pk=project.pk).exists():
            raise ValidationError(
                {
                    "project": _(
                        "Projektet %(title)s pågick inte och beslutades inte under %(year)s."
                    )
                    % {"title": project.title, "year": locked.report.year}
                }
            )
        if locked.insatser.filter(project=project).exists():
            raise ValidationError(
                {
                    "project": _("Projektet finns redan i tabellen under %(number)s.")
                    % {"number": locked.number}
                }
            )
        fields = project_prefill(project)
    else:
        fields = {"name": _("Ny insats"), "goal": "", "outputs": "", "effects": ""}
    position = (locked.insatser.aggregate(top=Max("position"))["top"] or 0) + 1
    insats = Insats(section=locked, project=project, position=position, created_by=user, **fields)
    insats.full_clean()
    insats._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    insats.save()
    return insats


INSATS_FIELDS = ("name", "goal", "outputs", "effects")


@transaction.atomic
def insats_update(*, user, insats: Insats, data: dict, version: int) -> Insats:
    """Edit a row of this year's table; the project itself is never changed."""
    locked = (
        Insats.objects.select_for_update(of=("self",))
        .select_related("section__report")
        .get(pk=insats.pk)
    )
    require(permissions.can_edit_insatser(user, locked.section))
    if locked.version != version:
        last = locked.history.first()
        raise _stale(_("Insatsen"), last.history_user if last else None, locked.updated_at)
    changed = []
    errors = {}
    for name, value in data.items():
        if name not in INSATS_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": name})
        value = (value or "").replace("\r\n", "\n").strip()
        if len(value) > MAX_CELL_LENGTH:
            errors[name] = _("Högst %(max)s tecken.") % {"max": MAX_CELL_LENGTH}
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if not locked.name:
        errors["name"] = _("Ange insatsens namn och en kort beskrivning.")
    if errors:
        raise ValidationError(errors)
    if not changed:
        return locked
    locked.full_clean()
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def insats_delete(*, user, insats: Insats) -> None:
    locked = _lock_section(insats.section)
    require(permissions.can_edit_insatser(user, locked))
    row = Insats.objects.filter(pk=insats.pk, section=locked).first()
    if row is None:
        raise Conflict(_("Insatsen är redan borttagen."))
    row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    row.delete()


@transaction.atomic
def insats_move(*, user, insats: Insats, direction: str) -> Insats:
    """Move a row one step ``up`` or ``down`` in its table."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Okänd riktning."))
    locked = _lock_section(insats.section)
    require(permissions.can_edit_insatser(user, locked))
    rows = list(locked.insatser.order_by("position", "pk"))
    index = next((i for i, row in enumerate(rows) if row.pk == insats.pk), None)
    if index is None:
        raise Conflict(_("Insatsen är borttagen."))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return rows[index]
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            row.save(update_fields=["position", "updated_at"])
    return rows[other]


# --- Figures and approval ---------------------------------------------------------------


@transaction.atomic
def figures_check(*, user, report: ReportYear, note: str = "") -> FigureCheck:
    """Record that a controller checked the figures, keeping the figures as they were."""
    require(permissions.can_check_figures(user, report))
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("Kommentaren får vara högst 2000 tecken.")})
    check = FigureCheck(
        report=report, figures=compute_figures(report.year).as_dict(), note=note, checked_by=user
    )
    check.full_clean()
    check.save()
    return check


@transaction.atomic
def report_approval_record(
    *,
    user,
    report: ReportYear,
    version: int,
    paragraph=None,
    reference: str = "",
    approved_on=None,
) -> ReportYear:
    """Link the report to the paragraph that approved it; the report is then frozen.

    ``paragraph`` is a ``decisions.Paragraph`` of the meeting that approved the report;
    for an approval not recorded in the system, give ``reference`` and ``approved_on``.
    """
    locked = ReportYear.objects.select_for_update().get(pk=report.pk)
    require(permissions.can_record_approval(user, locked))
    if locked.version != version:
        raise _stale(_("Rapportens uppgifter"), None, locked.updated_at)
    if locked.is_approved:
        raise Conflict(
            _(
                "Rapporten är redan godkänd i %(reference)s. Ett godkännande ändras bara genom att "
                "nämnden upphäver det i en ny paragraf."
            )
            % {"reference": locked.approval_reference}
        )
    errors = {}
    if paragraph is not None:
        reference = paragraph.reference
        approved_on = paragraph.meeting.date
    else:
        reference = (reference or "").strip()
        if not reference:
            errors["reference"] = _(
                "Välj paragrafen som godkände rapporten, eller skriv in den om den inte finns i "
                "systemet."
            )
        if approved_on is None:
            errors["approved_on"] = _("Ange datum för godkännandet.")
    field = "paragraph" if paragraph is not None else "approved_on"
    if approved_on is not None and approved_on.year < locked.year:
        errors[field] = _("Rapporten för %(year)s kan inte ha godkänts före %(year)s.") % {
            "year": locked.year
        }
    elif approved_on is not None and approved_on > timezone.localdate():
        errors[field] = _("Godkännandet kan inte ligga i framtiden.")
    if errors:
        raise ValidationError(errors)
    locked.approved_paragraph = paragraph
    locked.approval_reference = reference
    locked.approved_on = approved_on
    locked.approved_by_user = user
    locked.approved_recorded_at = timezone.now()
    with translation.override("sv"):  # the report's language
        locked.approved_figures = compute_figures(locked.year).as_dict()
    locked.full_clean()
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save()
    _queue_final_files(locked, user)
    return locked


def _queue_final_files(report: ReportYear, user) -> None:
    """The final files are made at once from the approved report (stored once)."""
    from reporting.tasks import generate_report

    job = ReportJob.objects.create(report=report, requested_by=user)
    job_enqueue(job, generate_report)


@transaction.atomic
def report_approval_revoke(*, user, report: ReportYear, version: int, paragraph) -> ReportYear:
    """The committee revoked its approval in a new paragraph: the report is a draft again.

    One officer cannot undo an approval: it takes a paragraph of a meeting held on or
    after the approval, other than the approving one. The final files of the revoked
    approval stay stored (they were sent); the next approval gets files of its own.
    """
    locked = ReportYear.objects.select_for_update().get(pk=report.pk)
    require(permissions.can_record_approval(user, locked))
    if locked.version != version:
        raise _stale(_("Rapportens uppgifter"), None, locked.updated_at)
    if not locked.is_approved:
        raise Conflict(_("Rapporten är inte godkänd."))
    if paragraph is None:
        raise ValidationError(
            {"paragraph": _("Välj paragrafen där nämnden upphävde godkännandet.")}
        )
    if paragraph.pk == locked.approved_paragraph_id:
        raise ValidationError(
            {"paragraph": _("Paragrafen som godkände rapporten kan inte också upphäva det.")}
        )
    if locked.approved_on and paragraph.meeting.date < locked.approved_on:
        raise ValidationError(
            {
                "paragraph": _("Paragrafen är från ett sammanträde före godkännandet (%(date)s).")
                % {"date": locked.approved_on.isoformat()}
            }
        )
    if paragraph.meeting.date > timezone.localdate():
        raise ValidationError({"paragraph": _("Sammanträdet har inte hållits än.")})
    locked.revoked_paragraph = paragraph
    locked.revoked_on = paragraph.meeting.date
    locked.revoked_by_user = user
    locked.revoked_recorded_at = timezone.now()
    locked.approved_paragraph = None
    locked.approval_reference = ""
    locked.approved_on = None
    locked.approved_by_user = None
    locked.approved_recorded_at = None
    locked.approved_figures = None
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save()
    return locked


# --- Generation -------------------------------------------------------------------------


@transaction.atomic
def report_job_request(*, user, report: ReportYear) -> tuple[ReportJob, bool]:
    """Order the DOCX and PDF of the report. Returns (job, created).

    While a job for the report is queued or running, that job is returned instead of a
    second one (double clicks, two users at once).
    """
    from reporting.tasks import generate_report

    require(permissions.can_generate(user, report))
    locked = ReportYear.objects.select_for_update().get(pk=report.pk)
    if locked.is_approved and final_files(locked).exists():
        raise Conflict(
            _(
                "Rapporten är godkänd och de slutliga filerna är redan skapade; de skapas aldrig "
                "om. Ladda ner dem."
            )
        )
    active = (
        ReportJob.objects.filter(report=report, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .order_by("-created_at")
        .first()
    )
    if active is not None:
        if active.broker_unavailable:
            # Still waiting for the broker: send that job again rather than add a second one
            # (both would be sent once the broker is back).
            job_enqueue(active, generate_report)
        return active, False
    job = ReportJob.objects.create(report=report, requested_by=user)
    job_enqueue(job, generate_report)
    return job, True


@transaction.atomic
def report_job_retry(*, user, job: ReportJob) -> ReportJob:
    """Queue a failed job again (or one the broker never got)."""
    from reporting.tasks import generate_report

    locked = ReportJob.objects.select_for_update().select_related("report").get(pk=job.pk)
    require(permissions.can_retry_job(user, locked))
    if locked.status == JobStatus.DONE:
        raise Conflict(_("Jobbet är redan klart; ladda ner filerna eller beställ en ny version."))
    if locked.status == JobStatus.RUNNING and not locked.is_stalled:
        raise Conflict(_("Jobbet pågår redan."))
    if locked.status == JobStatus.QUEUED and not locked.broker_unavailable:
        return locked
    locked.status = JobStatus.QUEUED
    locked.error = ""
    locked.step = ""
    locked.progress = 0
    locked.finished_at = None
    locked.save(update_fields=["status", "error", "step", "progress", "finished_at"])
    job_enqueue(locked, generate_report)
    return locked


def final_files(report: ReportYear):
    """The stored final files of the report's current approval (none while a draft)."""
    if not report.is_approved or report.approved_recorded_at is None:
        return GeneratedReport.objects.none()
    return GeneratedReport.objects.filter(
        report=report, final=True, approved_recorded_at=report.approved_recorded_at
    )


def report_filename(report: ReportYear, fmt: str) -> str:
    """ASCII: the region's name without its accents (Region Jämtland Härjedalen ->
    Region-Jamtland-Harjedalen)."""
    region = unicodedata.normalize("NFKD", settings.REGION_NAME).encode("ascii", "ignore")
    words = re.findall(r"[A-Za-z0-9]+", region.decode())
    return f"Aterrapportering-villkorsbeslut-{report.year}-{'-'.join(words)}.{fmt}"


def report_job_run(*, job_id: int) -> ReportJob | None:
    """The work of the Celery task: figures -> DOCX -> PDF -> stored files.

    Idempotent: a job that is already done is left alone; files of an interrupted earlier
    attempt are replaced. Any failure ends the job as failed with a readable reason.
    """
    job = ReportJob.objects.select_related("report", "requested_by").filter(pk=job_id).first()
    if job is None:
        logger.warning("report job %s does not exist", job_id)
        return None
    if not job_start(job):
        return job
    try:
        job_step(job, _("Hämtar nyckeltal och svar"), 10)
        job.report.refresh_from_db()
        approval = job.report.approved_recorded_at if job.report.is_approved else None
        content = build_content(job.report)
        job_step(job, _("Skapar Word-dokumentet"), 35)
        docx_bytes = render_docx(content)
        job_step(job, _("Skapar PDF-dokumentet"), 60)
        pdf_bytes = render_pdf(content)
        job_step(job, _("Sparar filerna"), 90)
        _store_files(
            job, {ReportFormat.DOCX: docx_bytes, ReportFormat.PDF: pdf_bytes}, approval=approval
        )
    except Conflict as exc:
        job_fail(job, str(exc))
        return job
    except PdfRenderError as exc:
        job_fail(job, _("PDF-filen kunde inte skapas: %(reason)s") % {"reason": exc})
        return job
    except Exception as exc:
        logger.exception("report job %s failed", job.pk)
        job_fail(
            job,
            _("Rapporten kunde inte skapas (%(kind)s: %(reason)s).")
            % {"kind": exc.__class__.__name__, "reason": exc},
        )
        return job
    job_done(job)
    return job


@transaction.atomic
def _store_files(job: ReportJob, files: dict[str, bytes], *, approval=None) -> None:
    """Store the job's files; made from an approved report (``approval``: when that
    approval was recorded) they are the final files, once per approval."""
    report = ReportYear.objects.select_for_update().get(pk=job.report_id)
    current = report.approved_recorded_at if report.is_approved else None
    if current != approval:
        raise Conflict(_("Godkännandet ändrades medan rapporten skapades; beställ en ny version."))
    final = approval is not None
    if final and final_files(report).exists():
        raise Conflict(_("De slutliga filerna för godkännandet finns redan; de skapas inte om."))
    for old in GeneratedReport.objects.filter(job=job, final=False):
        # Files of an interrupted earlier attempt: removed once the new ones are stored.
        name, storage = old.file.name, old.file.storage
        old.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))
    for fmt, data in files.items():
        generated = GeneratedReport(
            report=job.report,
            job=job,
            format=fmt,
            filename=report_filename(job.report, fmt),
            size=len(data),
            sha256=sha256_bytes(data),
            requested_by=job.requested_by,
            final=final,
            approved_recorded_at=approval,
        )
        generated.file.save(generated.filename, ContentFile(data), save=False)
        generated.save()


# --- The Word template ------------------------------------------------------------------


@transaction.atomic
def word_template_upload(*, user, data: bytes, filename: str) -> WordTemplate:
    """Put an uploaded Word template in use after checking it has the report's styles."""
    require(permissions.can_manage_word_template(user))
    if problems := template_problems(data):
        raise ValidationError({"file": problems})
    WordTemplate.objects.select_for_update().filter(in_use=True).update(in_use=False)
    template = WordTemplate(
        filename=(filename or "mall.docx")[:200],
        size=len(data),
        sha256=sha256_bytes(data),
        uploaded_by=user,
    )
    template.file.save("mall.docx", ContentFile(data), save=False)
    template.save()
    return template


@transaction.atomic
def word_template_reset(*, user) -> None:
    """Build the report on the shipped template again (uploaded ones are kept)."""
    require(permissions.can_manage_word_template(user))
    WordTemplate.objects.select_for_update().filter(in_use=True).update(in_use=False)
