"""Who may do what with the money.

Controllers edit the anslag and its allocation plan, review financing plans, record
commitments, payments and releases. Case officers edit and submit the financing plans
of their own cases while the plan is a draft (or returned). Every role reads.

Each function returns an ``Access`` (truthy, with a Swedish reason when refused). The
same function guards the view/API and decides which buttons show. Services tell a
refusal by role (403) from a refusal by state (409) with the ``*_role_access`` helpers.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import ALLOW, Access, deny
from core.roles import Role, has_role, user_roles
from financing.models import EDITABLE_PLAN_STATUSES, FinancingPlan, PlanStatus
from projects.models import CaseKind, CaseState
from projects.permissions import in_officer_scope


def can_view_financing(user) -> Access:
    if user_roles(user):
        return ALLOW
    return deny(_("Du har ingen roll i Norrbotten Cases. Kontakta administratören."))


# --- Anslag and allocation plan ------------------------------------------------------


def can_edit_grant(user) -> Access:
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller kan ändra anslaget och fördelningsplanen."))


def can_manage_rules(user) -> Access:
    """The region's rules (funding types, policy, delegationsordning): controllers."""
    if getattr(user, "is_superuser", False) or has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller kan ändra regionens regler."))


def can_import_business_support(user) -> Access:
    """Business support decided in NYPS 2020: imported and corrected by controllers."""
    if getattr(user, "is_superuser", False) or has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller kan importera och ändra företagsstöd från NYPS."))


# --- Financing plans -------------------------------------------------------------------


def _is_case_officer_of(user, project) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    cached = getattr(project, "_officer_ids", None)
    if cached is None:
        if "cases" in getattr(project, "_prefetched_objects_cache", {}):
            cached = {case.officer_id for case in project.cases.all()}  # the case page's
        else:
            cached = set(project.cases.values_list("officer_id", flat=True))
        project._officer_ids = cached
    return user.pk in cached


def plan_role_access(user) -> Access:
    """Role only: officers edit financing plans (of their own cases, see below)."""
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ändra finansieringsplaner."))
    return ALLOW


def plan_owner_access(user, project) -> Access:
    """Role and ownership only: the case officer of one of the project's cases."""
    access = plan_role_access(user)
    if not access:
        return access
    if not _is_case_officer_of(user, project):
        return deny(_("Endast handläggaren för projektets ärende kan ändra finansieringsplanen."))
    return ALLOW


def plan_state_access(plan: FinancingPlan) -> Access:
    """The plan's state allows changes (draft or returned)."""
    if plan.status in EDITABLE_PLAN_STATUSES:
        return ALLOW
    if plan.status == PlanStatus.APPROVED:
        return deny(
            _(
                "Finansieringsplanen är godkänd och kan inte ändras. "
                "En controller kan öppna den igen för ändringar."
            )
        )
    return deny(_("Finansieringsplanen granskas av en controller och kan inte ändras just nu."))


def can_create_plan(user, project) -> Access:
    access = plan_owner_access(user, project)
    if not access:
        return access
    if FinancingPlan.objects.filter(project=project).exists():
        return deny(_("Projektet har redan en finansieringsplan."))
    return ALLOW


def can_edit_plan(user, plan: FinancingPlan) -> Access:
    access = plan_owner_access(user, plan.project)
    if not access:
        return access
    return plan_state_access(plan)


def can_submit_plan(user, plan: FinancingPlan) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare skickar in finansieringsplaner för granskning."))
    if not _is_case_officer_of(user, plan.project):
        return deny(_("Endast handläggaren för projektets ärende kan skicka in planen."))
    if plan.status not in EDITABLE_PLAN_STATUSES:
        return plan_state_access(plan)
    return ALLOW


def review_role_access(user, plan: FinancingPlan) -> Access:
    if not has_role(user, Role.CONTROLLER):
        return deny(_("Endast controller granskar finansieringsplaner."))
    if (
        plan.submitted_by_id
        and plan.submitted_by_id == user.pk
        and not getattr(user, "is_superuser", False)
    ):
        return deny(_("Du kan inte granska en finansieringsplan som du själv har skickat in."))
    return ALLOW


def can_review_plan(user, plan: FinancingPlan) -> Access:
    access = review_role_access(user, plan)
    if not access:
        return access
    if plan.status != PlanStatus.SUBMITTED:
        return deny(_("Endast inskickade finansieringsplaner kan granskas."))
    return ALLOW


def case_before_run(plan: FinancingPlan) -> bool:
    """A co-financing case of the project is on its way to, or on, RUN's agenda."""
    return plan.project.cases.filter(
        kind=CaseKind.CO_FINANCING, state=CaseState.READY_FOR_RUN
    ).exists()


def reopen_role_access(user) -> Access:
    """Role only: controllers reopen approved plans."""
    if not has_role(user, Role.CONTROLLER):
        return deny(_("Endast controller kan öppna en godkänd finansieringsplan igen."))
    return ALLOW


def can_reopen_plan(user, plan: FinancingPlan) -> Access:
    access = reopen_role_access(user)
    if not access:
        return access
    if plan.status != PlanStatus.APPROVED:
        return deny(_("Endast godkända finansieringsplaner kan öppnas igen."))
    if case_before_run(plan):
        return deny(
            _(
                "Ärendet är anmält till regionala utvecklingsnämnden. Planen kan öppnas först "
                "när ärendet har tagits tillbaka till beredning."
            )
        )
    return ALLOW


def can_record_granted_amounts(user, plan: FinancingPlan) -> Access:
    """Granted amounts (beviljat) come in after approval; they do not change the budget."""
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    access = plan_owner_access(user, plan.project)
    if not access:
        return deny(
            _("Endast controller eller ärendets handläggare kan registrera beviljade belopp.")
        )
    return ALLOW


# --- Commitments, payments, releases -------------------------------------------------


def can_record_commitment(user) -> Access:
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller kan registrera åtaganden mot anslaget."))


# A case's grant is paid on the case's payments page, where every payment rule is checked
# (the payment year's means, the requisition, the advance cap, the final report).
CASE_PAYMENT_ELSEWHERE = gettext_lazy(
    "Stödet i ett ärende betalas ut på ärendets sida Utbetalningar, som förskott eller mot "
    "en rekvisition, där utbetalningsreglerna prövas."
)


def can_record_payment(user, commitment=None) -> Access:
    if not has_role(user, Role.CONTROLLER):
        return deny(_("Endast controller kan registrera utbetalningar."))
    if getattr(commitment, "case_id", None) is not None:
        return deny(CASE_PAYMENT_ELSEWHERE)
    remaining = getattr(commitment, "remaining", None)
    if remaining is not None and remaining <= 0:
        return deny(_("Åtagandet har inget återstående belopp."))
    return ALLOW


def can_record_release(user, commitment=None) -> Access:
    if not has_role(user, Role.CONTROLLER):
        return deny(_("Endast controller kan registrera återföringar."))
    remaining = getattr(commitment, "remaining", None)
    if remaining is not None and remaining <= 0:
        return deny(_("Åtagandet har inget återstående belopp."))
    return ALLOW


def can_export(user) -> Access:
    return can_view_financing(user)


# --- Paying out a grant (financing.services.payments) ----------------------------------


def can_register_payment(user, case=None) -> Access:
    """Payments, their corrections and a grant stated as a share of the costs."""
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller kan registrera utbetalningar."))


def _officer_of_case(user, case, refusal: str) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(refusal)
    return in_officer_scope(user, case)


def can_manage_conditions(user, case) -> Access:
    """Suspensive conditions: added and recorded as met by a controller or the case's
    officer."""
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return _officer_of_case(
        user, case, _("Endast controller eller ärendets handläggare hanterar villkoren.")
    )


def can_record_requisition(user, case) -> Access:
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return _officer_of_case(
        user, case, _("Endast controller eller ärendets handläggare registrerar rekvisitioner.")
    )


def can_approve_final_report(user, case) -> Access:
    return _officer_of_case(user, case, _("Endast ärendets handläggare godkänner slutrapporten."))


def final_report_state_access(case) -> Access:
    if case.state in (CaseState.FINAL_REPORT, CaseState.CLOSED):
        return ALLOW
    return deny(_("Slutrapporten är inte registrerad som inlämnad i ärendet."))


def can_record_recovery(user) -> Access:
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller kan registrera återkrav."))


def can_adjust_grant(user) -> Access:
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller registrerar ändrade beslut om stöd."))


def can_record_allocation_decision(user) -> Access:
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller registrerar fördelningsbeslut."))


def case_money_role_access(user) -> Access:
    """Role only (before the case is known): controllers and officers act on a case's
    conditions and requisitions."""
    if has_role(user, Role.CONTROLLER) or has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast controller eller ärendets handläggare kan göra detta."))


def final_report_role_access(user) -> Access:
    """Role only (before the case is known): officers approve final reports."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast ärendets handläggare godkänner slutrapporten."))
