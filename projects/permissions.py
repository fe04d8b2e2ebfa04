"""Who may do what with cases, projects, organisations and documents.

Each function returns an ``Access`` (truthy, with a reason when refused). Views use the
same functions to guard actions and to decide which buttons to show.
"""

from django.utils.translation import gettext as _

from norrbotten_cases.access import ALLOW, Access, deny
from projects.roles import Role, has_role, is_reader_only, user_roles


def can_view_registry(user) -> Access:
    if user_roles(user):
        return ALLOW
    return deny(_("Du har ingen roll i Norrbotten Cases. Kontakta administratören."))


def can_register_case(user) -> Access:
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan registrera ärenden."))


def can_edit_registry(user) -> Access:
    """Create or change organisations and projects."""
    if has_role(user, Role.OFFICER):
        return ALLOW
    return deny(_("Endast handläggare kan ändra projekt och organisationer."))


def can_edit_case(user, case) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ändra ärenden."))
    if not case.is_open:
        return deny(_("Ärendet är avslutat och kan inte ändras."))
    return ALLOW


def can_view_confidential(user) -> Access:
    if is_reader_only(user):
        return deny(_("Dokumentet omfattas av sekretess."))
    if user_roles(user):
        return ALLOW
    return deny(_("Du har ingen roll i Norrbotten Cases."))


def can_view_document(user, document) -> Access:
    if not user_roles(user):
        return deny(_("Du har ingen roll i Norrbotten Cases."))
    if document.confidential:
        return can_view_confidential(user)
    return ALLOW


def can_upload_document(user, case) -> Access:
    if has_role(user, Role.OFFICER, Role.SECRETARY, Role.CONTROLLER):
        return ALLOW
    return deny(_("Du kan inte ladda upp dokument till ärenden."))
