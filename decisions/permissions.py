"""Who may do what in the decisions app.

Each function returns an ``Access`` (truthy, with a Swedish reason when refused). Services
guard their writes with them; views and the API use the same functions to decide which
buttons and endpoints are open.
"""

from django.utils.translation import gettext as _

from norrbotten_cases.access import ALLOW, Access, deny
from projects.models import CaseKind, CaseState
from projects.roles import Role, has_role, user_roles

# --- Workflow ---------------------------------------------------------------------------

DELEGATION_PERMISSION = "decisions.decide_by_delegation"

# Which role fires which transition (DOMAIN.md: officers prepare and follow up, the
# secretary records what a body decided, the director decides on delegation).
OFFICER_TRANSITIONS = frozenset(
    {
        "start_au_preparation",
        "record_au_assessment",
        "send_to_forum",
        "start_application",
        "send_application",
        "record_funded",
        "record_not_funded",
        "start_preparation",
        "mark_ready_for_run",
        "return_to_preparation",
        "start_project",
        "submit_final_report",
        "close",
        "withdraw",
    }
)
SECRETARY_TRANSITIONS = frozenset(
    {
        "forum_recommend",
        "council_approve",
        "council_reject",
        "council_return",
        "council_refer",
        "management_group_forward",
        "management_group_return",
        "board_approve",
        "board_reject",
        "board_return",
        "return_to_preparation",
        "grant",
        "reject",
    }
)
DELEGATION_TRANSITIONS = frozenset({"delegation_approve", "delegation_reject"})
ALL_TRANSITIONS = OFFICER_TRANSITIONS | SECRETARY_TRANSITIONS | DELEGATION_TRANSITIONS


def may_decide_by_delegation(user) -> bool:
    return has_role(user, Role.DECISION_MAKER) and user.has_perm(DELEGATION_PERMISSION)


def can_fire(user, case, transition: str) -> Access:
    """May ``user`` fire ``transition`` on ``case``? Role and delegation only.

    Whether the case is in a state (and meets the preconditions) for the transition is
    the machine's business, checked by ``decisions.services.workflow``.
    """
    if not user_roles(user):
        return deny(_("Du har ingen roll i Norrbotten Cases."))
    if transition in DELEGATION_TRANSITIONS:
        if may_decide_by_delegation(user):
            return ALLOW
        return deny(
            _(
                "Endast beslutsfattare med utvecklingsdirektörens delegation kan besluta på delegation."
            )
        )
    if transition in OFFICER_TRANSITIONS and has_role(user, Role.OFFICER):
        return ALLOW
    if transition in SECRETARY_TRANSITIONS and has_role(user, Role.SECRETARY):
        return ALLOW
    if transition in OFFICER_TRANSITIONS and transition in SECRETARY_TRANSITIONS:
        return deny(_("Endast handläggare eller nämndsekreterare kan göra detta."))
    if transition in OFFICER_TRANSITIONS:
        return deny(_("Endast handläggare kan göra detta."))
    if transition in SECRETARY_TRANSITIONS:
        return deny(_("Endast nämndsekreterare kan registrera organets beslut."))
    return deny(_("Okänd övergång."))


def can_fire_any(user, case, transitions) -> Access:
    """May ``user`` fire at least one of ``transitions`` (names) on ``case``, by role?"""
    if not user_roles(user):
        return deny(_("Du har ingen roll i Norrbotten Cases."))
    if any(can_fire(user, case, name) for name in transitions):
        return ALLOW
    return deny(_("Endast handläggare eller nämndsekreterare kan göra detta."))


def can_view_workflow(user) -> Access:
    if user_roles(user):
        return ALLOW
    return deny(_("Du har ingen roll i Norrbotten Cases. Kontakta administratören."))


def can_record_anchoring(user, case) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan registrera förankring."))
    if case.kind != CaseKind.PROJECT_IDEA:
        return deny(_("Förankring registreras på projektidéer."))
    if not case.is_open:
        return deny(_("Ärendet är avslutat och kan inte ändras."))
    return ALLOW


def can_edit_decision_proposal(user, case) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan skriva beslutsförslag."))
    if case.kind != CaseKind.CO_FINANCING:
        return deny(_("Beslutsförslag skrivs för medfinansieringsärenden."))
    if case.state not in (CaseState.REGISTERED, CaseState.PREPARATION):
        return deny(
            _(
                "Beslutsförslaget kan bara ändras medan ärendet är under beredning. "
                "Skicka tillbaka ärendet till beredning först."
            )
        )
    return ALLOW


def can_report_delegation_decisions(user) -> Access:
    if has_role(user, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast nämndsekreterare kan anmäla delegationsbeslut."))


# --- Meetings ---------------------------------------------------------------------------
# Secretaries plan meetings, build the agenda, record what happened and produce the
# documents; the chair and the elected adjuster (members linked to user accounts) sign;
# everyone with a role reads. A meeting out for signing or signed is locked: the
# services refuse writes with a Conflict (409) rather than a PermissionDenied.


def can_view_meetings(user) -> Access:
    if user_roles(user):
        return ALLOW
    return deny(_("Du har ingen roll i Norrbotten Cases. Kontakta administratören."))


def can_manage_bodies(user, body=None) -> Access:
    if has_role(user, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast nämndsekreterare kan ändra organ, ledamöter och ersättare."))


def can_plan_meeting(user, body=None) -> Access:
    if has_role(user, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast nämndsekreterare kan planera sammanträden."))


def can_edit_meeting(user, meeting) -> Access:
    """Agenda, attendance, paragraphs, motions, votes: the secretary, until signing."""
    if not has_role(user, Role.SECRETARY):
        return deny(_("Endast nämndsekreterare kan ändra sammanträdet och protokollet."))
    if meeting.status == "signed":
        return deny(_("Protokollet är justerat och kan inte ändras."))
    if meeting.status == "signing":
        return deny(_("Protokollet är ute för justering och kan inte ändras just nu."))
    return ALLOW


def can_submit_for_signing(user, meeting) -> Access:
    if not has_role(user, Role.SECRETARY):
        return deny(_("Endast nämndsekreterare kan skicka protokollet för justering."))
    if meeting.status != "held":
        return deny(
            _(
                "Bara ett genomfört sammanträde vars protokoll inte är justerat kan skickas för justering."
            )
        )
    return ALLOW


def can_withdraw_from_signing(user, meeting) -> Access:
    if not has_role(user, Role.SECRETARY):
        return deny(_("Endast nämndsekreterare kan dra tillbaka protokollet från justering."))
    if meeting.status != "signing":
        return deny(_("Protokollet är inte ute för justering."))
    return ALLOW


def signing_role_of(user, meeting) -> str | None:
    """``chair`` or ``adjuster`` if ``user`` is linked to that member of the meeting."""
    if not getattr(user, "is_authenticated", False):
        return None
    chair = meeting.chair if meeting.chair_id else None
    if chair is None:
        chair = meeting.body.members.filter(role="chair", active=True).first()
    if chair is not None and chair.user_id == user.pk:
        return "chair"
    if meeting.adjuster_id and meeting.adjuster.user_id == user.pk:
        return "adjuster"
    return None


def can_sign_protocol(user, meeting) -> Access:
    if not has_role(user, Role.DECISION_MAKER):
        return deny(_("Endast beslutsfattare (ordförande och justerare) kan justera protokoll."))
    if meeting.status != "signing":
        return deny(_("Protokollet är inte ute för justering."))
    role = signing_role_of(user, meeting)
    if role is None:
        return deny(_("Bara sammanträdets ordförande och valda justerare kan justera protokollet."))
    if meeting.signatures.filter(round=meeting.signing_round, role=role).exists():
        return deny(_("Du har redan svarat i den här justeringsomgången."))
    return ALLOW


def can_publish_notice(user, meeting) -> Access:
    if not has_role(user, Role.SECRETARY):
        return deny(_("Endast nämndsekreterare kan sätta upp anslag."))
    if meeting.status != "signed":
        return deny(_("Protokollet måste vara justerat innan justeringen anslås."))
    if meeting.notice_posted_on:
        return deny(_("Justeringen är redan anslagen."))
    return ALLOW


def can_generate_documents(user, meeting=None) -> Access:
    if has_role(user, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast nämndsekreterare kan skapa kallelser, protokoll och utdrag."))


def can_generate_extract(user, paragraph) -> Access:
    access = can_generate_documents(user)
    if not access:
        return access
    if paragraph.meeting.status != "signed":
        return deny(_("Protokollsutdrag kan bara skapas när protokollet är justerat."))
    return ALLOW


def can_send_extract(user, paragraph) -> Access:
    access = can_generate_extract(user, paragraph)
    if not access:
        return access
    if not paragraph.recipients.exists():
        return deny(_("Paragrafen har inga mottagare av protokollsutdrag."))
    return ALLOW
