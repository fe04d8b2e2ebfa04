"""One populated database for the security tests: the demo data plus what it lacks.

``load_demo`` gives the real seed cases (both kinds, in many states), documents (one of
them confidential), RUN 2020-03-24 signed with its protocol, kallelse and extracts,
grants, approved financing plans, commitments and the 2022 report. On top of that this
module adds what the pages need to be reached in every state: a held (editable) meeting
with agenda, attendance, paragraph parts; a meeting out for signing; a draft and a
submitted financing plan; project members and obligations; finished document and report
jobs with their generated files; a user without any role and a superuser.

The demo is the session's (tests/session_demo.py, loaded once for all tests that read it);
``build_world()`` adds the rest once per run of the package, in a savepoint that is rolled
back at the end (see ``tests/security/conftest.py``).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from core import removal as core_removal
from core.models import Removal
from decisions.meetings import services as meeting_svc
from decisions.meetings.models import (
    Body,
    BodyMember,
    DocumentJob,
    GeneratedDocument,
    Meeting,
)
from decisions.workflow import communication, delays
from decisions.workflow.constants import BodyCode
from financing import selectors as financing_selectors
from financing import services as financing_svc
from financing.models import (
    BusinessSupport,
    BusinessSupportImport,
    Commitment,
    FinancingPlan,
    Grant,
    GrantCategory,
    Payment,
    Requisition,
)
from financing.services import allocations as allocations_svc
from financing.services import closing as closing_svc
from financing.services import payments as payments_svc
from projects import services as project_svc
from projects.demo import DEMO_PASSWORD
from projects.models import (
    Case,
    CaseKind,
    Document,
    Organisation,
    ProjectMember,
    RusArea,
    SmartSpecialisationArea,
)
from reporting import services as report_svc
from reporting.models import GeneratedReport, Insats, ReportJob, ReportYear
from tests.decisions.meetings.factories import held_meeting, information_paragraph
from tests.financing.factories import make_plan
from tests.projects.factories import OrganisationFactory, co_financing_case

User = get_user_model()

# role key -> demo username (None: built below)
ROLE_USERS = {
    "officer": "handlaggare",
    "officer2": "handlaggare2",  # an officer who is not the officer of the world's cases
    "secretary": "sekreterare",
    "controller": "controller",
    "director": "direktor",  # beslutsfattare with the delegation
    "chair": "ordforande",  # beslutsfattare, RUN's chair (signs protocols)
    "adjuster": "justerare",
    "reader": "lasare",
    "admin": None,  # superuser
    "norole": None,  # logged in, no role
}

CONFIDENTIAL_TITLE = "Affärsplan med kalkyler (sekretess)"


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objs: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objs"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_world() -> World:
    """The world on top of the demo data, which is loaded already (``session_demo``)."""
    world = World()
    for key, username in ROLE_USERS.items():
        if username:
            world.users[key] = User.objects.get(username=username)
    world.users["admin"] = User.objects.create_superuser(
        "sec-admin", "sec-admin@example.se", "secret-password-123"
    )
    world.users["norole"] = User.objects.create_user(
        "sec-norole", "sec-norole@example.se", "secret-password-123"
    )
    officer = world.users["officer"]
    secretary = world.users["secretary"]
    o = world.objs

    # --- Accounts --------------------------------------------------------------------
    from core.accounts import api_token_create

    o["api_token"], _plain = api_token_create(user=officer, name="Säkerhetstestets nyckel")
    from core.models import Notification

    o["notification"] = Notification.objects.create(
        recipient=officer, kind="case_assigned", text="Säkerhetstestets avisering", url="/cases/"
    )

    # --- Registry ------------------------------------------------------------------
    o["idea_case"] = Case.objects.filter(kind=CaseKind.PROJECT_IDEA).order_by("pk").first()
    o["anchoring_case"] = (
        Case.objects.filter(kind=CaseKind.PROJECT_IDEA, anchoring_contacts__isnull=False)
        .order_by("pk")
        .first()
    )
    o["anchoring"] = o["anchoring_case"].anchoring_contacts.order_by("pk").first()
    o["granted_case"] = Case.objects.filter(kind=CaseKind.CO_FINANCING, state="granted").first()
    o["confidential"] = Document.objects.filter(confidential=True).order_by("pk").first()
    o["public_document"] = (
        Document.objects.filter(confidential=False, case=o["confidential"].case)
        .order_by("pk")
        .first()
    ) or Document.objects.filter(confidential=False).order_by("pk").first()
    o["doc_case"] = o["confidential"].case
    o["project"] = o["doc_case"].project
    # a long text changed: its timeline entry opens the change word by word
    project_svc.project_update(
        user=officer,
        project=o["project"],
        data={"background": (o["project"].background or "") + " Ändrad i säkerhetstestet. " * 5},
    )
    o["organisation"] = Organisation.objects.order_by("pk").first()
    o["alias"] = project_svc.organisation_alias_add(
        user=officer, organisation=o["organisation"], name="SÄK-TEST"
    )
    o["saved_filter"] = project_svc.saved_filter_save(
        user=officer, name="Säkerhetstestets filter", query="q=sol"
    )
    o["rus_area"] = RusArea.objects.order_by("pk").first()
    o["smart_area"] = SmartSpecialisationArea.objects.order_by("pk").first()
    project = o["project"]
    o["member"] = project_svc.project_member_create(
        user=officer,
        project=project,
        group=ProjectMember.Group.PROJECT_GROUP,
        role=ProjectMember.MemberRole.COORDINATOR,
        name="Kim Projektledare",
    )
    removed_member = project_svc.project_member_create(
        user=officer,
        project=project,
        group=ProjectMember.Group.STEERING_GROUP,
        role=ProjectMember.MemberRole.MEMBER,
        name="Borttagen Ledamot",
    )
    o["project_removal"] = core_removal.removal_record(
        user=officer,
        remove=lambda: project_svc.project_member_delete(user=officer, member=removed_member),
        kind=project_svc.MEMBER_REMOVAL,
        description="Ta bort Borttagen Ledamot från projektorganisationen?",
        scope=Removal.scope_of(project),
        back_url=project.get_absolute_url(),
    )
    o["obligation"] = project_svc.obligation_create(
        user=officer, project=project, text="Lämna lägesrapport varje halvår.", source="test"
    )
    fulfilled = project_svc.obligation_create(
        user=officer, project=project, text="Skicka slutrapport.", source="test"
    )
    o["fulfilled_obligation"] = project_svc.obligation_fulfil(
        user=officer, obligation=fulfilled, note="Klart"
    )

    # A fresh co-financing case of the officer with a draft plan, and one submitted.
    o["draft_case"] = _new_case(officer, "Säkerhetstest utkast")
    o["draft_plan"] = make_plan(o["draft_case"])
    o["submitted_case"] = _new_case(officer, "Säkerhetstest inskickad")
    o["submitted_plan"] = make_plan(o["submitted_case"], status="submitted")
    o["planless_case"] = _new_case(officer, "Säkerhetstest utan plan")
    o["approved_plan"] = (
        FinancingPlan.objects.filter(status="approved").select_related("project").first()
    )
    o["grant"] = Grant.objects.order_by("year").first()
    o["commitment"] = Commitment.objects.order_by("pk").first()
    # a commitment decided outside a case (paid on its own page; a case's on the case's)
    o["free_commitment"] = Commitment.objects.filter(case__isnull=True).order_by("pk").first()
    o["payment"] = Payment.objects.order_by("pk").first()
    o["case_payment"] = (
        Payment.objects.filter(commitment__case__isnull=False, kind="arrears")
        .order_by("pk")
        .first()
    )
    o["granted_case"] = o["case_payment"].commitment.case
    o["requisition"] = Requisition.objects.order_by("pk").first()
    controller = world.users["controller"]
    o["recovery"] = payments_svc.recovery_record(
        user=controller,
        commitment=o["case_payment"].commitment,
        decided_on=datetime.date(2021, 2, 1),
        amount=Decimal("1000"),
        reason="Säkerhetstest: ej stödberättigande kostnad",
        due_date=datetime.date(2021, 3, 31),
    )
    o["adjustment"] = closing_svc.grant_adjust(
        user=controller,
        case=o["granted_case"],
        new_amount=payments_svc.granted_net(o["granted_case"]) - Decimal("1"),
        decided_on=datetime.date(2020, 12, 1),
        reference="RUN 2020-12-01 § 99",
    )
    latest = Grant.objects.order_by("-year").first()
    committed = {
        key: financing_selectors._net_committed(latest, key) for key in GrantCategory.values
    }
    shares = [{"category": key, "amount": amount} for key, amount in committed.items() if amount]
    shares.append(
        {"label": "Säkerhetstest", "amount": latest.amount - sum(committed.values(), Decimal(0))}
    )
    o["allocation_decision"] = allocations_svc.allocation_decision_record(
        user=controller,
        grant=latest,
        decided_on=datetime.date(2023, 2, 1),
        reference="RUN 2023-02-01 § 3",
        shares=shares,
    )
    o["condition"] = payments_svc.condition_add(
        user=world.users["controller"],
        case=Commitment.objects.filter(case__isnull=False).order_by("-pk").first().case,
        text="Säkerhetstest: EU-programmet beviljar",
        set_on=datetime.date(2022, 1, 1),
    )
    o["business_support"] = BusinessSupport.objects.order_by("pk").first()
    o["business_support_import"] = BusinessSupportImport.objects.order_by("pk").first()
    released = Commitment.objects.filter(payments__isnull=True).order_by("-pk").first()
    o["release"] = financing_svc.release_record(
        user=world.users["controller"],
        commitment=released,
        released_on=datetime.date(2022, 12, 1),
        reason="Projektet avslutat under budget",
        amount=Decimal("1000"),
    )

    # --- Meetings ------------------------------------------------------------------
    run = meeting_svc.body_get(BodyCode.RUN)
    o["body"] = run
    o["body_member"] = BodyMember.objects.filter(body=run).order_by("pk").first()
    o["signed_meeting"] = Meeting.objects.get(body=run, status="signed")
    o["planned_meeting"] = meeting_svc.meeting_create(
        user=secretary,
        body=run,
        date=datetime.date(2020, 11, 17),
        start_time=datetime.time(9, 0),
        place="Regionhuset, Luleå",
    )
    o["signed_paragraph"] = o["signed_meeting"].paragraphs.order_by("number").first()
    o["protocol"] = GeneratedDocument.objects.get(meeting=o["signed_meeting"], kind="protocol")
    o["appeal"] = meeting_svc.appeal_record(
        user=secretary,
        paragraph=o["signed_paragraph"],
        received_on=datetime.date(2020, 4, 6),
        appellant="Kommunmedlem",
    )
    o["held_meeting"], o["held_paragraph"] = _held_meeting(
        run, secretary, datetime.date(2020, 5, 12)
    )
    held = o["held_meeting"]
    o["agenda_item"] = held.items.order_by("position").first()
    o["other_attendee"] = meeting_svc.other_attendee_add(
        user=secretary, meeting=held, name="Gäst Gästsson", function="Föredragande", paragraphs=""
    )
    paragraph = o["held_paragraph"]
    o["recipient"] = meeting_svc.recipient_add(
        user=secretary, paragraph=paragraph, name="Mottagare", email="mottagare@example.se"
    )
    members = list(meeting_svc.paragraph_voters(paragraph))
    o["conflict"] = meeting_svc.conflict_declare(
        user=secretary, paragraph=paragraph, member=members[-1], reason="Styrelseledamot"
    )
    # A removal in the protocol that can be undone ("Ångra", core.removal).
    removed = meeting_svc.recipient_add(
        user=secretary, paragraph=paragraph, name="Borttagen mottagare", email="b@example.se"
    )
    o["meeting_removal"] = core_removal.removal_record(
        user=secretary,
        remove=lambda: meeting_svc.recipient_remove(user=secretary, recipient=removed),
        kind="recipient",
        description="Ta bort Borttagen mottagare som mottagare av protokollsutdrag?",
        scope=meeting_svc.meeting_scope(held),
        back_url=paragraph.get_absolute_url(),
    )
    o["signing_meeting"], _p = _held_meeting(run, secretary, datetime.date(2020, 6, 9))
    o["signing_meeting"] = meeting_svc.meeting_submit_for_signing(
        user=secretary, meeting=o["signing_meeting"]
    )
    # A § justerad at once (omedelbar justering), its notice posted and its extract stored.
    _meeting, adjusted = _held_meeting(run, secretary, datetime.date(2020, 6, 23))
    meeting_svc.paragraph_update(
        user=secretary, paragraph=adjusted, data={"decision_text": "Informationen noteras."}
    )
    meeting_svc.paragraph_record_decision(user=secretary, paragraph=adjusted)
    for key in ("chair", "adjuster"):
        meeting_svc.paragraph_sign(
            user=world.users[key], paragraph=adjusted, password=DEMO_PASSWORD
        )
    adjusted.refresh_from_db()
    meeting_svc.paragraph_notice_publish(
        user=secretary,
        paragraph=adjusted,
        posted_on=timezone.localdate(adjusted.adjusted_at),
    )
    meeting_svc.document_store(
        kind="extract", meeting=adjusted.meeting, paragraph=adjusted, user=secretary
    )
    o["adjusted_paragraph"] = adjusted
    job = meeting_svc.document_job_request(user=secretary, meeting=held, kind="kallelse")
    meeting_svc.document_job_run(job_id=job.pk)
    o["document_job"] = DocumentJob.objects.get(pk=job.pk)
    o["kallelse"] = GeneratedDocument.objects.get(meeting=held, kind="kallelse")

    # --- Reporting -----------------------------------------------------------------
    report = ReportYear.objects.get(year=2022)
    o["report"] = report
    o["section"] = report.sections.filter(answer__isnull=False).order_by("pk").first()
    o["insats_section"] = report.sections.filter(insatser__isnull=False).order_by("pk").first()
    o["insats"] = Insats.objects.filter(section__report=report).order_by("pk").first()
    job, _created = report_svc.report_job_request(user=officer, report=report)
    report_svc.report_job_run(job_id=job.pk)
    o["report_job"] = ReportJob.objects.get(pk=job.pk)
    assert o["report_job"].status == "done", o["report_job"].error
    o["report_file"] = GeneratedReport.objects.filter(job=job).order_by("pk").first()

    # --- Secrecy (OSL): a marked field, a marked case, a marked document --------------
    _secrecy(world, officer)

    for key, value in o.items():
        assert value is not None, f"world: {key} missing"
    return world


# Strings that only marked material contains: no page may show them to a user the
# secrecy settings do not allow (tests/security/test_secrecy_crawl.py).
SECRET_FIELD_TEXT = "Kalkylerna visar marginalen HEMLIGMARGINAL47"
SECRET_CASE_TEXT = "Bakgrunden nämner HEMLIGBAKGRUND08"
SECRET_DOCUMENT_TITLE = "Anbudskalkyl HEMLIGDOKUMENT15"
SECRET_CONTACT = "Hemlig Kontaktperson"


def _secrecy(world: World, officer) -> None:
    from projects.models import SecrecyProvision
    from tests.projects.factories import PDF_BYTES, upload

    o = world.objs
    # (the data migration's row; made again if a transactional test flushed it)
    provision = SecrecyProvision.objects.get_or_create(
        name="31 kap. 16 § OSL",
        defaults={"description": "Enskildas affärs- eller driftförhållanden hos myndighet"},
    )[0]
    field_case = co_financing_case(
        officer=officer,
        title="Sekretessfält-projektet",
        summary=SECRET_FIELD_TEXT,
        contact_name=SECRET_CONTACT,
    )
    o["secret_field_case"] = field_case
    project_svc.case_refresh_search(case=field_case)
    o["field_marking"] = project_svc.secrecy_mark(
        user=officer, case=field_case, field="project.summary", provision=provision, note="Test"
    )
    project_svc.secrecy_mark(
        user=officer, case=field_case, field="project.contact", provision=provision
    )
    whole_case = co_financing_case(
        officer=officer, title="Sekretessärende-projektet", background=SECRET_CASE_TEXT
    )
    o["secret_case"] = whole_case
    o["secret_case_document"] = project_svc.document_upload(
        user=officer,
        case=whole_case,
        file=upload("kalkyl.pdf", PDF_BYTES + b"%secret"),
        title=SECRET_DOCUMENT_TITLE,
    )
    o["case_marking"] = project_svc.secrecy_mark(
        user=officer, case=whole_case, provision=provision, note="Affärsförhållanden"
    )
    o["secret_document"] = project_svc.document_upload(
        user=officer,
        case=field_case,
        file=upload("anbud.pdf", PDF_BYTES + b"%anbud"),
        title=SECRET_DOCUMENT_TITLE + " 2",
    )
    o["document_marking"] = project_svc.secrecy_mark(
        user=officer, case=field_case, document=o["secret_document"], provision=provision
    )
    o["document_request"] = project_svc.document_request_register(
        user=officer,
        case=o["doc_case"],
        requester="Anonym",
        received_on=datetime.date(2024, 2, 1),
        subject="Ansökan och beslut",
        documents=[o["public_document"]],
    )
    # a request for a decision waiting for its answer (förvaltningslagen 12 §)
    o["demand_case"] = _new_case(officer, "Säkerhetstest begäran om avgörande")
    o["decision_demand"] = delays.register_demand(
        user=officer,
        case=o["demand_case"],
        party="Sökande AB",
        received_on=delays.may_demand_from(o["demand_case"]),
        file=upload("begaran.pdf", PDF_BYTES + b"%begaran om avgorande"),
    )
    # material communicated to the party, its answer awaited (förvaltningslagen 25 §)
    o["communication"] = communication.communicate(
        user=officer,
        case=o["demand_case"],
        recipient="Sökande AB",
        documents=[o["decision_demand"].request_document],
        reply_by=communication.default_reply_by(),
    )
    _archive(o, officer)


def _archive(o: dict, officer) -> None:
    """A retention proposal waiting for approval and a finished archive package."""
    import io

    from django.core.files.base import ContentFile

    from core.jobs import JobStatus
    from projects.retention.services import prepare_run
    from reporting.archive.models import ArchiveExport
    from reporting.archive.package import build_package

    o["retention_run"] = prepare_run(user=None)
    buffer = io.BytesIO()
    build_package([o["doc_case"].pk], buffer, objid="nc-sip-world", label="Världen")
    job = ArchiveExport(
        requested_by=officer,
        case_ids=[o["doc_case"].pk],
        dnrs=o["doc_case"].dnr,
        package_id="nc-sip-world",
        status=JobStatus.DONE,
    )
    job.file.save("nc-sip-world.zip", ContentFile(buffer.getvalue()), save=False)
    job.save()
    o["archive_export"] = job


def _new_case(officer, title: str) -> Case:
    """A co-financing case of ``officer`` for a project of its own (400 000 kr of 1 MSEK)."""
    return co_financing_case(
        officer=officer,
        title=title,
        applicant=OrganisationFactory(name=f"{title} AB"),
        requested_amount=Decimal("400000"),
        total_budget=Decimal("1000000"),
    )


def _held_meeting(body: Body, secretary, date: datetime.date):
    """A held meeting of ``body`` with its members and one information §."""
    members = {member.name: member for member in body.members.filter(active=True)}
    meeting = held_meeting(secretary, members, date=date, body=body)
    return meeting, information_paragraph(secretary, meeting)
