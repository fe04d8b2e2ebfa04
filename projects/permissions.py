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

from django.utils.translation import gettext as _

from core.access import ALLOW, Access, deny
from core.roles import Role, has_role, is_reader_only, user_roles

__all__ = ["ALLOW", "Access", "deny"]  # re-exported for callers of this module


def _no_role() -> Access:
    return deny(_("Du har ingen roll i Norrbotten Cases. Kontakta administratören."))


def can_view_registry(user) -> Access:
    if user_roles(user):
        return ALLOW
    return _no_role()


# --- Cases ----------------------------------------------------------------------


def can_register_case(user) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan registrera ärenden."))


def can_edit_case(user, case) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ändra ärenden."))
    if not case.is_open:
        return deny(_("Ärendet är avslutat och kan inte ändras."))
    return ALLOW


# --- Organisations, projects and managed lists -------------------------------------


def can_edit_registry(user) -> Access:
    """Create organisations and projects."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra projekt och organisationer."))


def can_edit_organisation(user, organisation=None) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra organisationer."))


def can_edit_project(user, project=None) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra projekt."))


def can_manage_areas(user) -> Access:
    """Edit the managed lists (RUS insatsområden, smart-specialisation fokusområden)."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra listorna över insatsområden och fokusområden."))


# --- After approval: members, obligations, closure -----------------------------------


def can_manage_members(user, project=None) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra projektgrupp och styrgrupp."))


def can_record_obligation(user, project=None) -> Access:
    """Create or correct an obligation: officers, and secretaries recording a decision."""
    if has_role(user, Role.OFFICER, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast handläggare och nämndsekreterare kan registrera åtaganden."))


def can_fulfil_obligation(user, obligation=None) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan markera åtaganden som uppfyllda."))


def can_delete_obligation(user, obligation) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ta bort åtaganden."))
    if obligation.status != obligation.Status.OPEN:
        return deny(_("Ett uppfyllt åtagande kan inte tas bort."))
    return ALLOW


def can_close_project(user, project=None) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan registrera projektavslut."))


# --- Documents ---------------------------------------------------------------------


def can_view_confidential(user) -> Access:
    if is_reader_only(user):
        return deny(_("Dokumentet omfattas av sekretess."))
    if user_roles(user):
        return ALLOW
    return _no_role()


def can_view_document(user, document) -> Access:
    if not user_roles(user):
        return _no_role()
    if document.confidential:
        return can_view_confidential(user)
    return ALLOW


def can_upload_document(user, case=None) -> Access:
    """Officers, secretaries (protocol extracts) and controllers (budgets) attach files."""
    if has_role(user, Role.OFFICER, Role.SECRETARY, Role.CONTROLLER):
        return ALLOW
    return deny(_("Du kan inte ladda upp dokument till ärenden."))


def can_edit_document(user, document=None) -> Access:
    """Change a document's kind or its confidentiality flag."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra dokumentuppgifter."))
