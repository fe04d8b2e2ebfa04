"""Who may do what with cases, projects, organisations, members, obligations and documents.

Each function returns an ``Access`` (truthy, with a Swedish reason when refused). Views,
the API and templates use the same functions to guard actions and to decide which
buttons to show.

The rules (issue #3):

- handläggare (officers) register and edit cases, projects, organisations, project
  members, obligations, closure data, the managed lists, and upload documents;
- nämndsekreterare (secretaries) read everything, record obligations (the special
  conditions of a decision) and upload documents (protocol extracts, decision letters);
- controllers read everything and upload documents (budgets, requisitions);
- beslutsfattare read everything;
- läsare read everything that is not confidential (sekretess).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from core.access import ALLOW, Access, deny
from core.collation import swedish_sorted
from core.roles import Role, has_role, is_reader_only, user_roles

__all__ = ["ALLOW", "Access", "deny"]  # re-exported for callers of this module


def _no_role() -> Access:
    return deny(_("Du har ingen roll i Norrbotten Cases. Kontakta administratören."))


def can_view_registry(user) -> Access:
    if user_roles(user):
        return ALLOW
    return _no_role()


# --- Cases ----------------------------------------------------------------------


# --- Own work (OFFICER_EDIT_SCOPE) ---------------------------------------------------
#
# "all": every officer works on every case; "own": only on the cases they handle; "unit":
# also on the cases of officers of their unit (a Django group named UNIT_GROUP_PREFIX + the
# unit, e.g. "enhet: Näringsliv"). Superusers work on every case.


def user_units(user) -> frozenset[str]:
    cached = getattr(user, "_nc_units", None)
    if cached is None:
        prefix = settings.UNIT_GROUP_PREFIX
        cached = frozenset(
            user.groups.filter(name__startswith=prefix).values_list("name", flat=True)
        )
        user._nc_units = cached
    return cached


def _scope_message() -> str:
    if settings.OFFICER_EDIT_SCOPE == "unit":
        return _("Handläggare arbetar här bara med sina egna och sin enhets ärenden.")
    return _("Handläggare arbetar här bara med sina egna ärenden.")


def in_officer_scope(user, case) -> Access:
    """May this officer work on ``case`` under ``OFFICER_EDIT_SCOPE``? (Role not checked.)"""
    scope = settings.OFFICER_EDIT_SCOPE
    if scope == "all" or getattr(user, "is_superuser", False) or case.officer_id == user.pk:
        return ALLOW
    if scope == "unit" and user_units(user) & user_units(case.officer):
        return ALLOW
    officer = case.officer
    return deny(
        _("Ärende %(dnr)s handläggs av %(name)s.")
        % {
            "dnr": case.dnr,
            "name": officer.get_full_name() or officer.get_username(),
        }
        + " "
        + _scope_message()
    )


def project_in_officer_scope(user, project) -> Access:
    """A project is in scope when it has no case yet or one of its cases is."""
    if project is None or settings.OFFICER_EDIT_SCOPE == "all" or not project.pk:
        return ALLOW
    cases = list(project.cases.select_related("officer"))
    if not cases:
        return ALLOW
    refusal = ALLOW
    for case in cases:
        access = in_officer_scope(user, case)
        if access:
            return ALLOW
        refusal = access
    return refusal


def can_register_case_on(user, project) -> Access:
    """A new case on an existing project: the project's financing plan belongs to the
    officers of its cases, so another officer may not join it by registering a case
    (whatever the scope); "unit" admits the officers of the same unit."""
    access = can_register_case(user)
    if not access or getattr(user, "is_superuser", False):
        return access
    cases = list(project.cases.select_related("officer")) if project.pk else []
    if not cases or any(c.officer_id == user.pk for c in cases):
        return ALLOW
    if settings.OFFICER_EDIT_SCOPE == "unit" and any(
        user_units(user) & user_units(c.officer) for c in cases
    ):
        return ALLOW
    names = swedish_sorted({c.officer.get_full_name() or c.officer.get_username() for c in cases})
    return deny(
        _(
            "Projektet hör till ärenden som handläggs av %(names)s. Be dem registrera ärendet, "
            "eller registrera det på ett nytt projekt."
        )
        % {"names": ", ".join(names)}
    )


def can_register_case(user) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan registrera ärenden."))


def can_edit_case(user, case) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ändra ärenden."))
    if not case.is_open:
        return deny(_("Ärendet är avslutat och kan inte ändras."))
    return in_officer_scope(user, case)


# --- Organisations, projects and managed lists -------------------------------------


def can_edit_registry(user) -> Access:
    """Create organisations and projects."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra projekt och organisationer."))


def can_bulk_assign(user) -> Access:
    """Give several cases to an officer at once (each case is still checked alone)."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan fördela ärenden."))


def can_edit_organisation(user, organisation=None) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra organisationer."))


def can_edit_project(user, project=None) -> Access:
    if has_role(user, Role.OFFICER):
        return project_in_officer_scope(user, project)
    return deny(_("Endast handläggare kan ändra projekt."))


def can_manage_areas(user) -> Access:
    """Edit the managed lists (RUS insatsområden, smart-specialisation fokusområden)."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra listorna över insatsområden och fokusområden."))


# --- After approval: members, obligations, closure -----------------------------------


def can_manage_members(user, project=None) -> Access:
    if has_role(user, Role.OFFICER):
        return project_in_officer_scope(user, project)
    return deny(_("Endast handläggare kan ändra projektgrupp och styrgrupp."))


def can_record_obligation(user, project=None) -> Access:
    """Create or correct an obligation: officers, and secretaries recording a decision."""
    if has_role(user, Role.OFFICER, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast handläggare och nämndsekreterare kan registrera särskilda villkor."))


def can_fulfil_obligation(user, obligation=None) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan markera särskilda villkor som uppfyllda."))


def can_delete_obligation(user, obligation) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ta bort särskilda villkor."))
    if obligation.status != obligation.Status.OPEN:
        return deny(_("Ett uppfyllt villkor kan inte tas bort."))
    return ALLOW


def can_close_project(user, project=None) -> Access:
    if has_role(user, Role.OFFICER):
        return project_in_officer_scope(user, project)
    return deny(_("Endast handläggare kan registrera projektavslut."))


# --- Documents ---------------------------------------------------------------------


def can_view_confidential(user, case=None) -> Access:
    """Secret material (OSL): the roles of ``SECRECY_ALLOWED_ROLES`` and the case's officer."""
    from projects import secrecy

    if not user_roles(user):
        return _no_role()
    if secrecy.may_see_secret(user, case):
        return ALLOW
    return deny(_("Uppgiften omfattas av sekretess."))


def can_view_document(user, document) -> Access:
    from projects import secrecy

    if not user_roles(user):
        return _no_role()
    if secrecy.document_hidden(user, document):
        return deny(_("Dokumentet omfattas av sekretess."))
    refusal = secrecy.source_refusal(user, document)
    if refusal:
        return deny(refusal)
    return ALLOW


def can_mark_secret(user, case=None) -> Access:
    """Mark or lift secrecy: officers and the allowed roles, for material they may see."""
    from projects import secrecy

    if not (has_role(user, Role.OFFICER) or secrecy.allowed_everywhere(user)):
        return deny(_("Du kan inte sekretessmarkera eller häva sekretess."))
    if case is not None and not secrecy.may_see_secret(user, case):
        return deny(_("Du har inte tillgång till ärendets sekretessmarkerade uppgifter."))
    return ALLOW


def can_edit_marked_texts(user, values, *, case=None, project=None) -> Access:
    """An edit form whose pre-filled texts (``values``) hold marked material of ``case`` or
    ``project`` (``projects.secrecy.copies_hidden``) is refused to a user who may not see it:
    the form would show the secret, and saving would overwrite it with its mask."""
    from projects import secrecy

    if secrecy.copies_hidden(user, values, case=case, project=project):
        return deny(secret_texts_message())
    return ALLOW


def can_edit_project_texts(user, project) -> Access:
    """The project's edit form shows its texts: refused to a user a marked one is hidden
    from."""
    from projects import secrecy

    if secrecy.project_fields_hidden(user, project):
        return deny(secret_texts_message())
    return ALLOW


def secret_texts_message() -> str:
    return _(
        "Texterna innehåller sekretessmarkerade uppgifter (OSL) som du inte har tillgång "
        "till. De kan bara ändras av någon som får ta del av uppgifterna, t.ex. ärendets "
        "handläggare."
    )


def can_view_access_log(user) -> Access:
    from projects import secrecy

    if secrecy.may_read_access_log(user):
        return ALLOW
    return deny(_("Åtkomstloggen visas för revisorer och beslutsfattare."))


def can_upload_document(user, case=None) -> Access:
    """Officers, secretaries (protocol extracts) and controllers (budgets) attach files."""
    if has_role(user, Role.OFFICER, Role.SECRETARY, Role.CONTROLLER):
        return ALLOW
    return deny(_("Du kan inte ladda upp dokument till ärenden."))


def can_edit_document(user, document=None) -> Access:
    """Change a document's kind or its confidentiality flag: not a document marked secret
    for the user (the page would show its title, and the flag is theirs to lift only if
    they may see it)."""
    from projects import secrecy

    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ändra dokumentuppgifter."))
    if document is not None and secrecy.document_hidden(user, document):
        return deny(_("Dokumentet är sekretessmarkerat och du har inte tillgång till det."))
    return ALLOW


# --- Notes (tjänsteanteckningar) ---------------------------------------------------


def can_view_notes(user, case=None) -> Access:
    """Notes are seen by the roles that work with the case's documents: every role but
    läsare (who sees only what is public)."""
    if not user_roles(user):
        return _no_role()
    if is_reader_only(user):
        return deny(_("Tjänsteanteckningar visas inte för rollen läsare."))
    return ALLOW


def can_add_note(user, case=None) -> Access:
    if has_role(user, Role.OFFICER, Role.SECRETARY, Role.CONTROLLER):
        return ALLOW
    return deny(_("Du kan inte skriva tjänsteanteckningar."))


# --- Requests for public documents ------------------------------------------------------


def can_handle_document_request(user, case=None) -> Access:
    """Register and decide requests for public documents: officers and the roles that may
    see secret material (they assess the secrecy again)."""
    from projects import secrecy

    if has_role(user, Role.OFFICER) or secrecy.allowed_everywhere(user):
        return ALLOW
    return deny(
        _("Endast handläggare och beslutsfattare handlägger begäranden om allmän handling.")
    )
