"""Who may fire which transition of a case, record anchoring, edit the decision proposal.

Each function returns an ``Access`` (truthy, with a Swedish reason when refused). Services
guard their writes with them; views and the API use the same functions to decide which
buttons and endpoints are open.
"""

from django.utils.translation import gettext as _

from core.access import ALLOW, Access, deny
from core.roles import Role, has_role, user_roles
from projects.models import CaseKind, CaseState
from projects.permissions import in_officer_scope

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
DELEGATION_TRANSITIONS = frozenset(
    {
        "delegation_approve",
        "delegation_reject",
        "delegation_grant",
        "delegation_reject_application",
        "refer_to_body",
    }
)
ALL_TRANSITIONS = OFFICER_TRANSITIONS | SECRETARY_TRANSITIONS | DELEGATION_TRANSITIONS


def may_decide_by_delegation(user) -> bool:
    return has_role(user, Role.DECISION_MAKER) and user.has_perm(DELEGATION_PERMISSION)


def can_fire(user, case, transition: str) -> Access:
    """May ``user`` fire ``transition`` on ``case``? Role and delegation only.

    Whether the case is in a state (and meets the preconditions) for the transition is
    the machine's business, checked by ``decisions.workflow.services``.
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
    if transition in SECRETARY_TRANSITIONS and has_role(user, Role.SECRETARY):
        return ALLOW
    if transition in OFFICER_TRANSITIONS and has_role(user, Role.OFFICER):
        return in_officer_scope(user, case)
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
    return in_officer_scope(user, case)


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
    return in_officer_scope(user, case)


def can_report_delegation_decisions(user) -> Access:
    if has_role(user, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast nämndsekreterare kan anmäla delegationsbeslut."))
