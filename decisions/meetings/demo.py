"""Demo data of the meetings part: Regionala utvecklingsnämnden (RUN) 2020-03-24, § 22-42
(seed 001), signed by the chair and the adjuster, with its protocol and extracts.

Runs after ``decisions.workflow.demo`` (which makes the seed co-financing cases of § 34-41
ready for RUN). Recording § 34-41 fires RUN's decisions (reject / grant) through the
workflow; ``record`` is the function that records them (the financing app passes its own,
which commits the granted amounts). If a case is not ready for
RUN (e.g. the financing demo did not run and the plans are not approved), its paragraph
is recorded as a historical protocol without moving the case, and this is said on stdout.

RUN's members: the names that appear in seed 001 are real (Nils-Olov Lindfors (C),
ordförande; Lage Hortlund (SD); Helena Öhlund (S); Lennart Thörnlund (S); Jan Anders
Perdal (V)). THE OTHER MEMBERS AND ALL SUBSTITUTES BELOW ARE INVENTED to complete a
plausible committee of 13 members; roles of the real names other than the chair are
assumptions. Texts of § 22-33 and § 42 are abridged from the seed.

Idempotent: a second run finds the meeting and only makes sure its documents exist.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict
from decisions.meetings import services as svc
from decisions.meetings.models import AgendaItem, GeneratedDocument, Meeting
from decisions.workflow.constants import BodyCode
from decisions.workflow.models import DelegationDecision
from projects.demo import DEMO_PASSWORD
from projects.dnr import format_dnr
from projects.models import Case, CaseState
from projects.seed_cases import RUN_MEETING, SEED_CASES

DATE = datetime.date.fromisoformat(RUN_MEETING["date"])
DIRECTOR_EMAIL = "regional.utvecklingsdirektor@example.se"

# name, party, role, demo username (None: no account). Only the first five are from seed 001.
MEMBERS = [
    ("Nils-Olov Lindfors", "C", "chair", "ordforande"),
    ("Helena Öhlund", "S", "vice_chair", None),
    ("Lage Hortlund", "SD", "member", "justerare"),
    ("Lennart Thörnlund", "S", "member", None),
    ("Jan Anders Perdal", "V", "member", None),
    # invented
    ("Maria Nordström", "S", "member", None),
    ("Per-Erik Lundqvist", "S", "member", None),
    ("Anneli Wikberg", "M", "member", None),
    ("Kjell Bergström", "M", "member", None),
    ("Sara Isaksson", "C", "member", None),
    ("Tomas Lindgren", "KD", "member", None),
    ("Eva Sundqvist", "L", "member", None),
    ("Mikael Öberg", "SJVP", "member", None),
    ("Ulla Johansson", "S", "substitute", None),
    ("Göran Forsberg", "S", "substitute", None),
    ("Karin Lundström", "M", "substitute", None),
    ("Anders Holmgren", "C", "substitute", None),
    ("Linnea Björk", "V", "substitute", None),
    ("Hans Nilsson", "SD", "substitute", None),
]
# absent member -> serving substitute (invented)
SUBSTITUTIONS = {"Per-Erik Lundqvist": "Ulla Johansson", "Kjell Bergström": "Karin Lundström"}
OTHERS = [
    ("Lars Wikström", "regional utvecklingsdirektör", ""),
    ("Anna Lindberg", "regionala utvecklingsavdelningen", "24"),
    ("Kristina Nilsson", "regionala utvecklingsavdelningen", "24"),
    ("Monica Lejon", "regionala utvecklingsavdelningen, sekreterare", ""),
]

RUN = "Regionala utvecklingsnämnden"

# Formal and other items of seed 001 (abridged). kind, title, dnr, decision, extra.
ITEMS_BEFORE = [
    ("opening", "Sammanträdets öppnande", "", {}),
    ("adjuster", "Val av protokolljusterare", "", {}),
    ("agenda", "Fastställande av slutlig föredragningslista", "", {}),
    (
        "information",
        "Information: Effekter av Corona/Covid-19 på näringsliv, kultur och samhällsplanering",
        "",
        {
            "note": "Anna Lindberg, Kristina Nilsson och Monica Lejon från regionala "
            "utvecklingsavdelningen informerar nämnden om virusets påverkan på bl.a. "
            "besöksnäring, kultursektor, kollektivtrafik och basindustri i länet."
        },
    ),
    ("delegation", "", "00042-2020", {}),
    (
        "other",
        "Regionala utvecklingsdirektörens rapport 2020-03-24",
        "00041-2020",
        {
            "decision_text": f"{RUN} beslutar att lägga informationen till handlingarna.",
            "matter": "Regionala utvecklingsdirektörens rapport enligt bilaga.",
            "appendices": "Regionala utvecklingsdirektörens rapport 2020-03-24",
        },
    ),
    (
        "other",
        "Kompletterande uppföljning av regionala utvecklingsnämndens plan",
        "00023-2020",
        {
            "decision_text": f"{RUN} beslutar att godkänna Årsrapport 2019 Regionala "
            "utvecklingsnämnden och översända den till regionfullmäktige.",
            "matter": "När årsrapporten behandlades vid regionala utvecklingsnämndens "
            "sammanträde den 25 februari 2020 fanns ännu inte all data tillgänglig. Sedan dess "
            "har ärendet kompletterats.",
            "decision_basis": "Årsrapport 2019 Regionala utvecklingsnämnden\n"
            "RUN beslut 200225 § 19 Årsrapport regionala utvecklingsnämnden 2019",
            "recipients": ["Regional utvecklingsdirektör", "Regionfullmäktige"],
        },
    ),
    (
        "other",
        "Yttrande över remiss Skattereduktion för boende i vissa glest befolkade områden",
        "00017-2020",
        {
            "decision_text": f"{RUN} beslutar att Region Norrbotten lämnar yttrande enligt "
            "förslaget.",
            "statement": "Region Norrbotten tillstyrker förslaget att en regional "
            "skattereduktion ska införas men vill betona att förslaget inte är tillräckligt för "
            "att säkerställa levande landsbygder.",
            "summary": "Förslaget innebär att fysiska personer som är folkbokförda i vissa "
            "uppräknade kommuner har rätt till en skattereduktion om 1 675 kronor per år.",
            "decision_basis": "Yttrande över Skattereduktion för boende i vissa glest "
            "befolkade områden.",
            "motions_28": True,
        },
    ),
    (
        "other",
        "Revisionsrapport Regionala utvecklingsansvaret",
        "00750-2019",
        {
            "decision_text": f"{RUN} beslutar att ta med sig revisorernas rekommendationer i "
            "nämndens fortsatta utvecklingsarbete.",
            "summary": "Revisionens samlade bedömning är att regionstyrelsen och regionala "
            "utvecklingsnämnden i allt väsentligt bedriver arbetet på ett ändamålsenligt sätt.",
            "decision_basis": "Revisionsrapport Regionalt utvecklingsansvar",
            "recipients": ["Regionens revisorer"],
        },
    ),
    (
        "other",
        "Regionala utvecklingsnämndens svar på uppdragsberedningens rapport 2019",
        "00103-2020",
        {
            "decision_intro": f"{RUN} föreslår regionstyrelsen att föreslå regionfullmäktige "
            "fatta följande beslut:",
            "decision_points": [
                "Regionfullmäktige godkänner regionstyrelsens hantering av "
                "uppdragsberedningens verksamhetsrapport för år 2019.",
                "Regionala utvecklingsnämnden får i uppdrag att säkerställa att uppdragen "
                "genomförs och återrapporteras till fullmäktiges beredningar i samband med "
                "återföringsdagen 2021.",
            ],
            "appendices": "Uppdragsberedningens verksamhetsrapport 2019",
            "recipients": ["Regional utvecklingsdirektör", "Verksamhetsdirektör"],
        },
    ),
    (
        "other",
        "Ansökan om förstudie - Kultursamlande verksamhet för tornedalingar, kväner och "
        "lantalaiset",
        "00031-2020",
        {
            "decision_points": [
                "Genomföra en förstudie som tar fram förslag på hur kultursamlande verksamhet "
                "för tornedalingar, kväner och lantalaiset kan utformas.",
                "Finansiering tas med 50 procent från Region Norrbottens kulturram och 50 "
                "procent söks från Statens Kulturråds regionala utvecklingsmedel.",
                "Återkoppling till nämnden ska ske efter halva utredningstiden.",
            ],
            "financing": [
                ("Region Norrbotten (ur Kulturenhetens befintliga ram)", "528875"),
                ("Kulturrådet utvecklingsmedel (ansöks om i mars 2020)", "528875"),
            ],
            "addition_31": True,
        },
    ),
    (
        "other",
        "Fördelning av statliga medel enligt kultursamverkansmodellen 2020",
        "00030-2020",
        {"decision_text": f"{RUN} beslutar att bifalla fördelningsförslaget."},
    ),
    (
        "other",
        "Överenskommelse mellan folkbildningen och Region Norrbotten",
        "00065-2020",
        {
            "decision_text": f"{RUN} beslutar att anta Överenskommelse mellan folkbildningen "
            "och Region Norrbotten",
            "decision_basis": "Bilaga: Förslag Överenskommelse mellan folkbildningen och Region "
            "Norrbotten.",
        },
    ),
]
ITEM_AFTER = (
    "other",
    "Motion 21 - 2019 om haverikommission för godstransporter",
    "00548-2019",
    {
        "decision_text": f"{RUN} rekommenderar regionstyrelsen föreslå fullmäktige att avslå "
        "motionen.",
        "summary": "Vänsterpartiet föreslår i motionen att regionfullmäktige ska ta initiativ "
        "till att inrätta en haverikommission för godstransporter i hela Norrbotten.",
        "decision_basis": "Motion 21 – 2019 om haverikommission för godstransporter "
        "(Vänsterpartiets fullmäktigeledamöter)",
        "motions_42": True,
    },
)


def load(stdout, *, record=svc.paragraph_record_decision) -> None:
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["sekreterare", "ordforande", "justerare"])
    }
    if len(users) != 3:
        stdout.write("  meetings: demo users missing (run the projects demo first); skipped")
        return
    secretary = users["sekreterare"]
    body = svc.body_get(BodyCode.RUN)
    existing = Meeting.objects.filter(body=body, date=DATE).first()
    if existing is not None and existing.status == Meeting.Status.SIGNED:
        _documents(existing, secretary, stdout)
        return
    if existing is not None:
        stdout.write("  meetings: RUN 2020-03-24 exists but is not signed; left as it is")
        return
    with transaction.atomic():
        members = _committee(body, users, secretary)
        meeting = _meeting(body, members, secretary)
        fallback = _paragraphs(meeting, members, secretary, stdout, record)
        svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
        svc.protocol_sign(user=users["ordforande"], meeting=meeting, password=DEMO_PASSWORD)
        svc.protocol_sign(user=users["justerare"], meeting=meeting, password=DEMO_PASSWORD)
        meeting.refresh_from_db()
        svc.notice_publish(
            user=secretary, meeting=meeting, posted_on=timezone.localdate(meeting.signed_at)
        )
    stdout.write(
        "  meetings: RUN 2020-03-24 § 22-42 recorded and signed; {fired} case decisions fired "
        "through the workflow{fallback}".format(
            fired=8 - len(fallback),
            fallback=(
                "; recorded WITHOUT moving the case (not ready for RUN): " + ", ".join(fallback)
                if fallback
                else ""
            ),
        )
    )
    _documents(meeting, secretary, stdout)


def _committee(body, users, secretary) -> dict:
    if body.secretary_id is None:
        svc.body_update(user=secretary, body=body, data={"secretary": secretary})
    members = {m.name: m for m in body.members.all()}
    for position, (name, party, role, username) in enumerate(MEMBERS, start=1):
        if name in members:
            continue
        members[name] = svc.body_member_add(
            user=secretary,
            body=body,
            name=name,
            party=party,
            role=role,
            account=users.get(username) if username else None,
            position=position,
        )
    return members


def _meeting(body, members, secretary) -> Meeting:
    svc.paragraph_counter_set_start(
        user=secretary, body=body, year=DATE.year, first_number=RUN_MEETING["first_paragraph"]
    )
    meeting = svc.meeting_create(
        user=secretary,
        body=body,
        date=DATE,
        start_time=datetime.time.fromisoformat(RUN_MEETING["time"]),
        end_time=datetime.time(15, 30),
        place=RUN_MEETING["place"],
        with_formal_items=False,
    )
    entries = []
    serving = {sub: member for member, sub in SUBSTITUTIONS.items()}
    for name, member in members.items():
        if member.is_substitute:
            entries.append(
                {
                    "member": member,
                    "present": name in serving,
                    "serving_for": members[serving[name]] if name in serving else None,
                }
            )
        else:
            entries.append(
                {"member": member, "present": name not in SUBSTITUTIONS, "serving_for": None}
            )
    svc.attendance_set(user=secretary, meeting=meeting, entries=entries)
    for name, function, paragraphs in OTHERS:
        svc.other_attendee_add(
            user=secretary, meeting=meeting, name=name, function=function, paragraphs=paragraphs
        )
    svc.meeting_set_adjuster(
        user=secretary, meeting=meeting, adjuster=members[RUN_MEETING["adjuster"]]
    )
    return meeting


def _add_item(meeting, secretary, kind, title, dnr, extra):
    delegation = []
    if kind == AgendaItem.Kind.DELEGATION:
        delegation = list(
            DelegationDecision.objects.filter(reported_on__isnull=True, decided_on__lte=DATE)
        )
    return svc.agenda_item_add(
        user=secretary,
        meeting=meeting,
        kind=kind,
        title=title,
        dnr=dnr,
        note=extra.get("note", ""),
        delegation_decisions=delegation,
    )


def _paragraphs(meeting, members, secretary, stdout, record) -> list[str]:
    """Build the agenda, hold the meeting, number and record § 22-42."""
    planned = []
    for kind, title, dnr, extra in ITEMS_BEFORE:
        planned.append((_add_item(meeting, secretary, kind, title, dnr, extra), extra, None))
    for seed in SEED_CASES:
        case = Case.objects.filter(year=seed["year"], number=seed["number"]).first()
        if case is None:
            stdout.write(
                f"  meetings: seed case {format_dnr(seed['number'], seed['year'])} missing"
            )
            continue
        item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
        planned.append((item, {}, seed))
    kind, title, dnr, extra = ITEM_AFTER
    planned.append((_add_item(meeting, secretary, kind, title, dnr, extra), extra, None))

    svc.meeting_mark_held(user=secretary, meeting=meeting)
    fallback = []
    for item, extra, seed in planned:
        if not item.is_numbered:
            continue
        paragraph = svc.paragraph_add(user=secretary, item=item)
        if seed is not None:
            if not _case_paragraph(paragraph, seed, secretary, record):
                fallback.append(f"§ {paragraph.number}")
            continue
        _formal_paragraph(paragraph, item, extra, members, secretary)
    return fallback


def _rows(pairs) -> list[dict]:
    return [{"financier": name, "amount": amount} for name, amount in pairs]


def _formal_paragraph(paragraph, item, extra, members, secretary):
    data = {}
    for key in (
        "decision_text",
        "statement",
        "summary",
        "decision_basis",
        "appendices",
        "decision_intro",
    ):
        if key in extra:
            data[key] = extra[key]
    if "decision_points" in extra:
        data["decision_points"] = extra["decision_points"]
    if "matter" in extra:
        data["matter"] = [{"heading": "", "text": extra["matter"]}]
    if "financing" in extra:
        data["financing_rows"] = _rows(extra["financing"])
        data["financing_heading"] = "Belopp (kronor)"
    if item.kind == AgendaItem.Kind.DELEGATION and not paragraph.matter:
        data["matter"] = [
            {
                "heading": "",
                "text": "Följande delegationsbeslut redovisas:\nAvdelningen för regional "
                "utveckling\nDelegationsbeslut regionala projektstöd, februari 2020",
            }
        ]
    if data:
        svc.paragraph_update(user=secretary, paragraph=paragraph, data=data)
    for name in extra.get("recipients", []):
        svc.recipient_add(
            user=secretary,
            paragraph=paragraph,
            name=name,
            email=DIRECTOR_EMAIL if "direktör" in name else "registrator@example.se",
        )
    if extra.get("motions_28"):
        helena, lennart = members["Helena Öhlund"], members["Lennart Thörnlund"]
        own = svc.motion_add(
            user=secretary,
            paragraph=paragraph,
            movers=[helena, lennart],
            kind="amendment",
            text="att sista meningen i yttrandet stryks efter \u201dvälfärd och ekonomi\u201d och "
            "att ett stycke om statens och de statliga bolagens regionalpolitiska ansvar läggs "
            "till.",
        )
        svc.motion_add(
            user=secretary,
            paragraph=paragraph,
            movers=[members["Nils-Olov Lindfors"], members["Lage Hortlund"]],
            kind="approval",
        )
        svc.paragraph_set_proposition(user=secretary, paragraph=paragraph, put=True)
        svc.reservation_add(
            user=secretary, paragraph=paragraph, members=[helena, lennart], in_favour_of=own
        )
        svc.recipient_add(
            user=secretary,
            paragraph=paragraph,
            name="Regional utvecklingsdirektör",
            email=DIRECTOR_EMAIL,
        )
    if extra.get("addition_31"):
        addition = svc.motion_add(
            user=secretary,
            paragraph=paragraph,
            movers=[members["Helena Öhlund"]],
            kind="addition",
            text="att återkoppling till nämnden ska ske efter halva utredningstiden.",
        )
        svc.paragraph_set_proposition(
            user=secretary, paragraph=paragraph, put=False, accepted_additions=[addition]
        )
        svc.recipient_add(
            user=secretary,
            paragraph=paragraph,
            name="Regional utvecklingsdirektör",
            email=DIRECTOR_EMAIL,
        )
    if extra.get("motions_42"):
        perdal = members["Jan Anders Perdal"]
        own = svc.motion_add(
            user=secretary,
            paragraph=paragraph,
            movers=[perdal],
            kind="approval",
            text="att regionala utvecklingsnämnden bifaller motionen.",
        )
        svc.paragraph_set_proposition(user=secretary, paragraph=paragraph, put=True)
        svc.reservation_add(user=secretary, paragraph=paragraph, members=[perdal], in_favour_of=own)
        svc.recipient_add(
            user=secretary,
            paragraph=paragraph,
            name="Regional utvecklingsdirektör",
            email=DIRECTOR_EMAIL,
        )
    if paragraph.kind != AgendaItem.Kind.INFORMATION:
        svc.paragraph_record_decision(user=secretary, paragraph=paragraph)


def _case_paragraph(paragraph, seed, secretary, record) -> bool:
    """Record RUN's decision in § 34-41. True if the case's transition fired."""
    svc.paragraph_update(
        user=secretary,
        paragraph=paragraph,
        data={
            "title": f"Medfinansiering av projektet {seed['project_title']}",
            "financing_rows": [
                {
                    "financier": row["financier"]
                    + (" (1:1)" if row["funding_type"] == "region_1_1" else ""),
                    "amount": str(row["amount"]),
                }
                for row in seed["financing"]
            ],
        },
    )
    if seed["outcome"] == "rejected":  # seed § 34: the decision is one sentence
        svc.paragraph_update(
            user=secretary,
            paragraph=paragraph,
            data={"decision_text": seed["decision_points"][0], "decision_points": []},
        )
    for name in seed["recipients"]:
        svc.recipient_add(user=secretary, paragraph=paragraph, name=name, email=DIRECTOR_EMAIL)
    if seed["motions"]:
        members = {m.name: m for m in paragraph.body.members.all()}
        for spec in seed["motions"]:
            mover = members[spec["member"]]
            motion = svc.motion_add(
                user=secretary,
                paragraph=paragraph,
                movers=[mover],
                kind=spec["kind"],
                text=spec["text"],
            )
            svc.paragraph_set_proposition(user=secretary, paragraph=paragraph, put=True)
            if spec.get("reserves"):
                svc.reservation_add(
                    user=secretary, paragraph=paragraph, members=[mover], in_favour_of=motion
                )
    transition = "reject" if seed["outcome"] == "rejected" else "grant"
    amount = seed["granted"] if transition == "grant" else None
    case = paragraph.case
    case.refresh_from_db()
    if case.state == CaseState.READY_FOR_RUN:
        try:
            with transaction.atomic():
                record(
                    user=secretary,
                    paragraph=paragraph,
                    transition=transition,
                    amount=Decimal(amount) if amount else None,
                    reason=seed.get("rejection_reason", ""),
                    notify=False,
                )
            return True
        except (ValidationError, Conflict, PermissionDenied):
            pass
    svc.paragraph_record_decision(
        user=secretary,
        paragraph=paragraph,
        transition=transition,
        amount=Decimal(amount) if amount else None,
        reason=seed.get("rejection_reason", ""),
        import_only=True,
    )
    return False


def _documents(meeting, secretary, stdout):
    """The kallelse, the signed protocol and one extract per paragraph (not e-mailed)."""
    made = 0
    for kind in (GeneratedDocument.Kind.KALLELSE, GeneratedDocument.Kind.PROTOCOL):
        if not meeting.documents.filter(kind=kind).exists():
            svc.document_store(kind=kind, meeting=meeting, paragraph=None, user=secretary)
            made += 1
    for paragraph in meeting.paragraphs.order_by("number"):
        if not paragraph.documents.filter(kind=GeneratedDocument.Kind.EXTRACT).exists():
            svc.document_store(
                kind=GeneratedDocument.Kind.EXTRACT,
                meeting=meeting,
                paragraph=paragraph,
                user=secretary,
            )
            made += 1
    stdout.write(
        f"  meetings: {made} documents generated (kallelse, protocol, extracts; "
        "extracts are not e-mailed in the demo)"
    )
