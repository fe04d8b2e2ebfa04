"""Who may do what with the annual report.

Officers write the report (title page, answers, insatser, done marks) until it is
approved; controllers check the figures; officers, secretaries and controllers order
generation; everyone with a role reads and downloads. The same functions guard the
views, the API and decide which buttons show.
"""

from django.utils.translation import gettext as _

from core.access import ALLOW, Access, deny
from core.roles import Role, has_role, user_roles


def can_view_reports(user) -> Access:
    if user_roles(user):
        return ALLOW
    return deny(_("Du har ingen roll i Norrbotten Cases. Kontakta administratören."))


# The roles that own the report: the officers who write it, the committee secretary
# and the controller who answer for it.
REPORT_OWNERS = (Role.OFFICER, Role.SECRETARY, Role.CONTROLLER)


def can_create_report_year(user) -> Access:
    if has_role(user, *REPORT_OWNERS):
        return ALLOW
    return deny(
        _("Endast handläggare, nämndsekreterare och controller kan skapa en ny återrapportering.")
    )


def _writable(report) -> Access:
    if report.is_approved:
        return deny(
            _("Återrapporteringen för %(year)s är godkänd och kan inte längre ändras.")
            % {"year": report.year}
        )
    return ALLOW


def can_edit_report(user, report) -> Access:
    """Title page facts: the diary numbers and recipients."""
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ändra återrapporteringen."))
    return _writable(report)


def can_edit_questions(user, report) -> Access:
    """This year's wording of headings and questions (earlier years keep theirs)."""
    if not has_role(user, *REPORT_OWNERS):
        return deny(_("Endast handläggare, nämndsekreterare och controller kan ändra frågorna."))
    return _writable(report)


def can_edit_answer(user, answer) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare skriver svaren i återrapporteringen."))
    return _writable(answer.section.report)


def can_assign_answer(user, answer) -> Access:
    """Give a question of the report to an officer to write (the report's owners)."""
    if not has_role(user, *REPORT_OWNERS):
        return deny(_("Endast handläggare, nämndsekreterare och controller fördelar avsnitten."))
    return _writable(answer.section.report)


def can_mark_done(user, answer) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan markera avsnitt som klara."))
    return _writable(answer.section.report)


def can_edit_insatser(user, section) -> Access:
    if not has_role(user, Role.OFFICER):
        return deny(_("Endast handläggare kan ändra insatstabellerna."))
    if not section.has_insatser:
        return deny(_("Avsnittet har ingen insatstabell."))
    return _writable(section.report)


def can_view_figures(user, report=None) -> Access:
    return can_view_reports(user)


def can_check_figures(user, report=None) -> Access:
    if has_role(user, Role.CONTROLLER):
        return ALLOW
    return deny(_("Endast controller kan registrera att nyckeltalen är kontrollerade."))


def can_generate(user, report=None) -> Access:
    if has_role(user, Role.OFFICER, Role.SECRETARY, Role.CONTROLLER):
        return ALLOW
    return deny(
        _("Du kan inte beställa en ny version av rapporten; du kan ladda ner de som finns.")
    )


def can_retry_job(user, job) -> Access:
    return can_generate(user, job.report)


def can_download(user, generated=None) -> Access:
    return can_view_reports(user)


def can_record_approval(user, report) -> Access:
    if has_role(user, Role.OFFICER, Role.SECRETARY):
        return ALLOW
    return deny(_("Endast handläggare och nämndsekreterare kan registrera godkännandet."))


def can_manage_word_template(user) -> Access:
    """Replacing the report's Word template is for administrators."""
    if getattr(user, "is_superuser", False):
        return ALLOW
    return deny(_("Endast administratören kan byta rapportens Word-mall."))
