"""Who may plan meetings, sign protocols, publish notices and order documents.

Each function returns an ``Access`` (truthy, with a Swedish reason when refused). Services
guard their writes with them; views and the API use the same functions.
"""

from django.utils.translation import gettext as _

from core.access import ALLOW, Access, deny
from core.roles import Role, has_role, user_roles

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


def can_send_kallelse(user, meeting) -> Access:
    """The secretary sends the kallelse (again) while the meeting is still planned."""
    if not has_role(user, Role.SECRETARY):
        return deny(_("Endast nämndsekreterare kan skicka kallelsen."))
    if meeting.status != "planned":
        return deny(_("Sammanträdet är redan genomfört; kallelsen kan inte skickas."))
    return ALLOW


def can_view_members_page(user, meeting) -> Access:
    """The members' page: the body's members and substitutes (beslutsfattare), the
    secretaries and every other role that may see meetings."""
    return can_view_meetings(user)


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
    if meeting.signatures.filter(
        round=meeting.signing_round, role=role, paragraph__isnull=True
    ).exists():
        return deny(_("Du har redan svarat i den här justeringsomgången."))
    return ALLOW


def can_sign_paragraph(user, paragraph) -> Access:
    """Omedelbar justering: the chair and the adjuster sign one § at the meeting."""
    if not has_role(user, Role.DECISION_MAKER):
        return deny(_("Endast beslutsfattare (ordförande och justerare) kan justera."))
    meeting = paragraph.meeting
    if meeting.status != "held":
        return deny(
            _(
                "En paragraf justeras omedelbart när sammanträdet är genomfört och innan protokollet går ut för justering."
            )
        )
    if paragraph.adjusted_at:
        return deny(_("Paragrafen är redan justerad."))
    if paragraph.case_id and not paragraph.decision_recorded_at:
        return deny(_("Registrera beslutet i paragrafen först."))
    if not paragraph.case_id and not paragraph.has_decision:
        return deny(_("Skriv beslutet i paragrafen först."))
    role = signing_role_of(user, meeting)
    if role is None:
        return deny(_("Bara sammanträdets ordförande och valda justerare kan justera."))
    if paragraph.signatures.filter(role=role, decision="signed").exists():
        return deny(_("Du har redan justerat paragrafen."))
    return ALLOW


def can_publish_paragraph_notice(user, paragraph) -> Access:
    if not has_role(user, Role.SECRETARY):
        return deny(_("Endast nämndsekreterare kan sätta upp anslag."))
    if not paragraph.adjusted_at:
        return deny(_("Paragrafen är inte omedelbart justerad."))
    if paragraph.notice_posted_on:
        return deny(_("Justeringen av paragrafen är redan anslagen."))
    return ALLOW


def can_record_appeal(user, paragraph) -> Access:
    if not has_role(user, Role.SECRETARY):
        return deny(_("Endast nämndsekreterare kan registrera överklaganden."))
    if paragraph.meeting.status != "signed" and not paragraph.adjusted_at:
        return deny(_("Ett beslut kan överklagas först när paragrafen är justerad."))
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
    if paragraph.meeting.status != "signed" and not paragraph.adjusted_at:
        return deny(_("Protokollsutdrag kan bara skapas när protokollet är justerat."))
    return ALLOW


def can_send_extract(user, paragraph) -> Access:
    access = can_generate_extract(user, paragraph)
    if not access:
        return access
    if not paragraph.recipients.exists():
        return deny(_("Paragrafen har inga mottagare av protokollsutdrag."))
    return ALLOW
