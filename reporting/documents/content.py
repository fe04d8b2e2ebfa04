"""One intermediate document for the report, rendered twice (DOCX and PDF).

``build_content(report)`` reads the section tree, the answers, the insatser and the
figures, and returns plain dataclasses: a title page, the table of contents and a
list of body blocks (headings, questions, formatted text, yes/no marks, tables).
Everything Swedish: it is built under ``translation.override("sv")``.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import format_amount, format_msek
from projects.secrecy import CopyMasker
from reporting import formatting, selectors
from reporting.figures import Figures, report_figures
from reporting.models import AnswerKind, Insats, ReportYear, Section, SectionKind

TOC_DEPTH = 3


@dataclass
class TitlePage:
    title: str
    recipients_heading: str
    recipients: list[str]
    references_heading: str
    references: list[tuple[str, str]]


@dataclass
class Heading:
    block_type: ClassVar[str] = "heading"
    level: int
    text: str
    anchor: str


@dataclass
class Question:
    block_type: ClassVar[str] = "question"
    number: str
    text: str


@dataclass
class Text:
    block_type: ClassVar[str] = "text"
    blocks: list[formatting.Block]
    style: str = "answer"  # answer | intro | prompt | missing | carried | note

    @property
    def html(self):
        return formatting.blocks_html(self.blocks)


@dataclass
class YesNo:
    block_type: ClassVar[str] = "yes_no"
    value: bool | None
    yes_label: str
    no_label: str


@dataclass
class Table:
    block_type: ClassVar[str] = "table"
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)
    footer: list[str] | None = None
    kind: str = "figures"  # figures | insatser
    widths: list[int] | None = None  # relative column widths

    @property
    def cells(self) -> list[list[tuple[str, bool]]]:
        """Rows as (text, numeric) pairs, for templates."""
        return [[(value, i in self.numeric) for i, value in enumerate(row)] for row in self.rows]

    @property
    def header(self) -> list[tuple[str, bool]]:
        return [(value, i in self.numeric) for i, value in enumerate(self.columns)]

    @property
    def footer_cells(self) -> list[tuple[str, bool]]:
        return [(value, i in self.numeric) for i, value in enumerate(self.footer or [])]


Block = Heading | Question | Text | YesNo | Table


@dataclass
class ReportContent:
    year: int
    title: str
    title_page: TitlePage
    toc_heading: str
    toc: list[Heading]
    body: list[Block]
    figures: Figures
    generated_at: str
    footer_label: str
    # Until the committee's paragraph approves it, the report is a draft: every page is
    # marked UTKAST and the title page says how many questions are still unanswered.
    draft: bool = True
    unanswered: int = 0
    approval: str = ""
    # the authority the report is from (settings.REGION_NAME): the documents' author
    author: str = ""

    @property
    def draft_mark(self) -> str:
        return _("UTKAST") if self.draft else ""

    @property
    def draft_note(self) -> str:
        if not self.draft:
            return ""
        if not self.unanswered:
            return _("Utkast: inte godkänt av nämnden. Alla frågor är besvarade.")
        return ngettext(
            "Utkast: inte godkänt av nämnden. %(count)s fråga är obesvarad.",
            "Utkast: inte godkänt av nämnden. %(count)s frågor är obesvarade.",
            self.unanswered,
        ) % {"count": self.unanswered}


def _anchor(section: Section) -> str:
    return "s-" + section.number.replace(".", "-")


def _msek(value) -> str:
    return format_msek(value)


def _pct(value) -> str:
    return "–" if value is None else f"{value} %"


def figure_tables(figures: Figures, block: str) -> list[Table]:
    """The tables of one figure block (see ``reporting.template.FIGURE_BLOCKS``)."""
    year = figures.year
    if block == "grant":
        rows = [
            [
                _("Anslag 1:1 för %(year)s") % {"year": year},
                format_amount(figures.grant_amount) if figures.has_grant else _("Ej registrerat"),
            ],
            [_("Beviljat mot anslaget, efter återföringar"), format_amount(figures.net_total)],
        ]
        if figures.has_grant:
            rows.append(
                [_("Andel av anslaget som har beviljats"), _pct(figures.committed_share_of_grant)]
            )
        return [
            Table(
                caption=_("Anslaget %(year)s") % {"year": year},
                columns=[_("Uppgift"), _("Belopp")],
                rows=rows,
                numeric={1},
                widths=[3, 2],
            )
        ]
    if block == "by_category":
        return [
            Table(
                caption=_("Fördelning av anslaget %(year)s per kategori") % {"year": year},
                columns=[_("Kategori"), _("Miljoner kronor"), _("Andel")],
                rows=[[s.label, _msek(s.amount), _pct(s.share)] for s in figures.by_category],
                numeric={1, 2},
                footer=[
                    _("Totalt"),
                    _msek(figures.net_total),
                    "100 %" if figures.net_total else "–",
                ],
                widths=[4, 2, 1],
            )
        ]
    if block == "by_priority":
        return [
            Table(
                caption=_(
                    "Fördelning av anslaget %(year)s per prioritering i den regionala utvecklingsstrategin"
                )
                % {"year": year},
                columns=[_("Prioritering"), _("Miljoner kronor")],
                rows=[[s.label, _msek(s.amount)] for s in figures.by_priority],
                numeric={1},
                footer=[_("Totalt"), _msek(figures.net_total)],
                widths=[5, 2],
            )
        ]
    if block == "applications":
        apps = figures.applications
        caption = _("Ansökningar om regionala företagsstöd %(year)s") % {"year": year}
        if apps.missing:
            return [_missing_table(caption, apps.missing)]
        eu = figures.eu_cofinancing
        return [
            Table(
                caption=caption,
                columns=[_("Ansökningar"), _("Antal")],
                rows=[
                    [_("Inkomna"), str(apps.received)],
                    [_("Beviljade"), str(apps.granted)],
                    [_("Avslagna"), str(apps.rejected)],
                    [_("Andel avslag av beslutade"), _pct(apps.rejection_share)],
                    [_("Företag som beviljats stöd"), str(apps.companies)],
                ],
                numeric={1},
                widths=[4, 2],
            ),
            Table(
                caption=_(
                    "Beviljade företagsstöd %(year)s medfinansierade med EU-medel via ramprojekt"
                )
                % {"year": year},
                columns=[_("Ramprojekt"), _("Andel EU-medel"), _("Beslut")],
                rows=[
                    [row.framework, f"{row.share.normalize():f} %", str(row.decisions)]
                    for row in eu.frameworks
                ],
                numeric={1, 2},
                footer=[_("Totalt"), "", str(eu.decisions)],
                widths=[4, 1, 1],
            ),
        ]
    if block == "main_aims":
        aims = figures.main_aims
        caption = _("Beviljade projekt %(year)s efter huvudsyfte") % {"year": year}
        if aims.missing:
            return [_missing_table(caption, aims.missing)]
        return [
            Table(
                caption=caption,
                columns=[_("Huvudsyfte"), _("Antal projekt")],
                rows=[
                    [_("Jämställdhet"), str(aims.equality)],
                    [_("Mångfald och integration"), str(aims.diversity)],
                    [_("Miljö och klimat"), str(aims.environment)],
                ],
                numeric={1},
                footer=[_("Beviljade projekt totalt"), str(aims.granted_projects)],
                widths=[4, 2],
            )
        ]
    if block == "leadership":
        lead = figures.leadership
        caption = _("Företag som beviljats regionalt företagsstöd %(year)s efter ledning") % {
            "year": year
        }
        if lead.missing:
            return [_missing_table(caption, lead.missing)]
        rows = [
            [_("Leds av en kvinna"), str(lead.women), _pct(lead.share_women)],
            [_("Leds av en man"), str(lead.men), _pct(lead.share_men)],
            [_("Delat ledarskap"), str(lead.shared), _pct(lead.share_shared)],
        ]
        if lead.unknown:
            rows.append([_("Uppgift om ledning saknas"), str(lead.unknown), ""])
        return [
            Table(
                caption=caption,
                columns=[_("Ledning"), _("Företag"), _("Andel")],
                rows=rows,
                numeric={1, 2},
                footer=[_("Företag totalt"), str(lead.total), "100 %"],
                widths=[4, 1, 1],
            )
        ]
    if block == "paid":
        labels = {s.key: s.label for s in figures.by_category}
        return [
            Table(
                caption=_("Utbetalt under %(year)s") % {"year": year},
                columns=[_("Kategori"), _("Belopp")],
                rows=[
                    [labels[key], format_amount(amount)]
                    for key, amount in figures.paid_by_category.items()
                ],
                numeric={1},
                footer=[_("Totalt"), format_amount(figures.paid_total)],
                widths=[4, 2],
            )
        ]
    raise ValueError(f"unknown figure block {block!r}")


def _missing_table(caption: str, reason: str) -> Table:
    """A figure the data cannot give: said so, with the reason, never shown as 0."""
    return Table(
        caption=caption,
        columns=[_("Uppgift"), _("Värde")],
        rows=[[_("Saknas"), reason]],
        widths=[2, 4],
    )


INSATSER_WIDTHS = [3, 3, 3, 3]


def insatser_table(section: Section, rows: list[Insats]) -> Table:
    return Table(
        caption=_("Insatser under %(number)s") % {"number": section.number},
        columns=[
            _("Namn på insats och kort beskrivning"),
            _("Mål"),
            _("Resultat i form av prestationer"),
            _("Resultat i form av effekter"),
        ],
        rows=[[row.name, row.goal, row.outputs, row.effects] for row in rows],
        kind="insatser",
        widths=INSATSER_WIDTHS,
    )


def carried_note(answer) -> str:
    return _("Från föregående år — att revidera (svaret från %(year)s).") % {
        "year": answer.carried_from_year
    }


def build_content(report: ReportYear) -> ReportContent:
    with translation.override("sv"):
        return _build(report)


def _build(report: ReportYear) -> ReportContent:
    sections = selectors.section_tree(report)
    insatser: dict[int, list[Insats]] = {}
    rows = Insats.objects.filter(section__report=report).order_by("position", "pk")
    # The report goes to the government and is kept as the public record: copies of marked
    # project texts are masked whoever renders it (a masker allowing nobody).
    for row in selectors.insatser_masked(rows, CopyMasker(None)):
        insatser.setdefault(row.section_id, []).append(row)
    figures = report_figures(report)

    title_page = TitlePage(
        title=report.title,
        recipients_heading=_("Skickas i Wordformat till:"),
        recipients=report.recipient_list,
        references_heading=_("Diarienummer:"),
        references=[
            (label, value)
            for label, value in (
                (_("Regeringskansliet"), report.government_reference),
                (_("Tillväxtverket"), report.agency_reference),
                (settings.REGION_NAME, report.region_reference),
            )
            if value
        ],
    )
    toc: list[Heading] = []
    body: list[Block] = []
    unanswered = 0
    for section in sections:
        if section.title:
            heading = Heading(
                level=min(section.depth, 6), text=section.heading, anchor=_anchor(section)
            )
            body.append(heading)
            if section.depth <= TOC_DEPTH:
                toc.append(heading)
        if section.intro:
            body.append(Text(formatting.parse(section.intro), style="intro"))
        if section.kind != SectionKind.QUESTION:
            continue
        body.append(Question(number="" if section.title else section.number, text=section.question))
        answer = section.answer
        if section.answer_kind == AnswerKind.YES_NO:
            body.append(YesNo(value=answer.yes_no, yes_label=_("Ja"), no_label=_("Nej")))
            prompt = {True: section.yes_prompt, False: section.no_prompt}.get(answer.yes_no, "")
            if prompt:
                body.append(Text(formatting.parse(prompt), style="prompt"))
        rows = insatser.get(section.pk, [])
        if answer.needs_revision and not answer.is_empty:
            body.append(Text(formatting.parse(carried_note(answer)), style="carried"))
        if answer.text.strip():
            body.append(Text(formatting.parse(answer.text)))
        elif not rows and answer.yes_no is None:
            body.append(Text(formatting.parse(_("Ej besvarad.")), style="missing"))
            unanswered += 1
        if section.has_insatser:
            if rows:
                body.append(insatser_table(section, rows))
            else:
                body.append(Text(formatting.parse(_("Inga insatser redovisade.")), style="missing"))
        for block in section.figures:
            body.extend(figure_tables(figures, block))
    generated_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return ReportContent(
        year=report.year,
        title=report.title,
        title_page=title_page,
        toc_heading=_("Innehåll"),
        toc=toc,
        body=body,
        figures=figures,
        generated_at=generated_at,
        footer_label=report.title,
        author=settings.REGION_NAME,
        draft=not report.is_approved,
        unanswered=unanswered,
        approval=(
            _("Godkänd %(date)s, %(reference)s.")
            % {
                "date": report.approved_on.isoformat() if report.approved_on else "",
                "reference": report.approval_reference,
            }
            if report.is_approved
            else ""
        ),
    )
