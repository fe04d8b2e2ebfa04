"""Secrecy under OSL: which material is marked, who may see it, masking and the access log.

A ``SecrecyMarking`` covers a whole case (its texts and every document), one document, or
one field of the case (``MARKABLE_FIELDS``). The Dnr, the ärendemening and that a document
exists stay visible (as in a public diary); the content is masked for everyone but the
roles in ``settings.SECRECY_ALLOWED_ROLES`` and, with ``SECRECY_ALLOW_CASE_OFFICER``, the
case's own officer. Each view or download of marked material by an allowed user is
written to ``SecrecyAccessLog``.

Pages read the markings of the cases they show once (``secrets_for``) and ask it per row;
``Document.confidential`` is kept as the document's "has an active marking" flag so that
lists filter in SQL.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import has_role, user_roles
from projects.models import Case, Document, SecrecyAccessLog, SecrecyMarking

# Fields of a case that can be marked on their own: key -> label.
MARKABLE_FIELDS: dict[str, object] = {
    "project.summary": gettext_lazy("Sammanfattning"),
    "project.background": gettext_lazy("Bakgrund"),
    "project.purpose": gettext_lazy("Syfte"),
    "project.implementation": gettext_lazy("Genomförande"),
    "project.expected_results": gettext_lazy("Förväntade resultat"),
    "project.social_sustainability": gettext_lazy("Social hållbarhet"),
    "project.economic_sustainability": gettext_lazy("Ekonomisk hållbarhet"),
    "project.environmental_sustainability": gettext_lazy("Miljömässig hållbarhet"),
    "project.contact": gettext_lazy("Kontaktperson (namn och e-post)"),
}
# The fields a marking of the whole case covers.
CASE_WIDE_FIELDS = tuple(MARKABLE_FIELDS)


def allowed_everywhere(user) -> bool:
    """A role that sees every marked case (``SECRECY_ALLOWED_ROLES``)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return has_role(user, *settings.SECRECY_ALLOWED_ROLES)


def may_see_secret(user, case: Case | None) -> bool:
    if not user_roles(user):
        return False
    if allowed_everywhere(user):
        return True
    return bool(
        case is not None
        and settings.SECRECY_ALLOW_CASE_OFFICER
        and case.officer_id == getattr(user, "pk", None)
    )


def may_read_access_log(user) -> bool:
    return has_role(user, *settings.SECRECY_AUDIT_ROLES) or bool(
        getattr(user, "is_superuser", False)
    )


def active_markings() -> QuerySet[SecrecyMarking]:
    return SecrecyMarking.objects.filter(lifted_at__isnull=True)


def mask_label(marking: SecrecyMarking | None) -> str:
    if marking is None or marking.provision is None:
        return _("Sekretessmarkerad uppgift")
    return _("Sekretess enligt %(provision)s") % {"provision": marking.provision.name}


@dataclass
class Secrets:
    """The active markings of some cases as one user sees them."""

    user: object
    by_case: dict[int, list[SecrecyMarking]] = field(default_factory=dict)
    officers: dict[int, int | None] = field(default_factory=dict)

    def _allowed(self, case_id: int) -> bool:
        if not user_roles(self.user):
            return False
        if allowed_everywhere(self.user):
            return True
        return bool(
            settings.SECRECY_ALLOW_CASE_OFFICER
            and self.officers.get(case_id) == getattr(self.user, "pk", None)
        )

    def markings(self, case_id: int) -> list[SecrecyMarking]:
        return self.by_case.get(case_id, [])

    def case_marking(self, case_id: int) -> SecrecyMarking | None:
        return next(
            (m for m in self.markings(case_id) if m.document_id is None and not m.field), None
        )

    def field_marking(self, case_id: int, key: str) -> SecrecyMarking | None:
        found = next((m for m in self.markings(case_id) if m.field == key), None)
        return found or (self.case_marking(case_id) if key in CASE_WIDE_FIELDS else None)

    def document_marking(self, document: Document) -> SecrecyMarking | None:
        found = next(
            (m for m in self.markings(document.case_id) if m.document_id == document.pk), None
        )
        if found is None and document.confidential:  # marked since this page read them
            found = SecrecyMarking(case_id=document.case_id, document=document)
        return found or self.case_marking(document.case_id)

    def hides_field(self, case_id: int, key: str) -> SecrecyMarking | None:
        """The marking that masks the field for this user, or ``None``."""
        marking = self.field_marking(case_id, key)
        return None if marking is None or self._allowed(case_id) else marking

    def hides_document(self, document: Document) -> SecrecyMarking | None:
        marking = self.document_marking(document)
        return None if marking is None or self._allowed(document.case_id) else marking

    def shows_marked(self, case_id: int) -> bool:
        """The user sees marked material of this case unmasked (a view to log)."""
        return bool(self.markings(case_id)) and self._allowed(case_id)

    def field_text(self, case_id: int, key: str, value: str) -> str:
        marking = self.hides_field(case_id, key)
        if marking is None or not value:
            return value
        return f"[{mask_label(marking)}]"


def secrets_for(user, cases: Iterable[Case]) -> Secrets:
    """The active markings of ``cases`` (one query, with their provisions)."""
    cases = list(cases)
    secrets = Secrets(user=user, officers={c.pk: c.officer_id for c in cases})
    if not cases:
        return secrets
    for marking in (
        active_markings()
        .filter(case__in=[c.pk for c in cases])
        .select_related("provision", "marked_by", "document")
    ):
        marking.field_label = MARKABLE_FIELDS.get(marking.field, "")
        secrets.by_case.setdefault(marking.case_id, []).append(marking)
    return secrets


def hidden_documents_q(user) -> Q | None:
    """The documents this user may not open, as a filter (``None``: none are hidden)."""
    if allowed_everywhere(user):
        return None
    case_marked = Exists(
        active_markings().filter(case=OuterRef("case"), document__isnull=True, field="")
    )
    hidden = Q(confidential=True) | Q(case_marked)
    if settings.SECRECY_ALLOW_CASE_OFFICER and getattr(user, "pk", None):
        hidden &= ~Q(case__officer=user)
    return hidden


def document_hidden(user, document: Document) -> bool:
    if may_see_secret(user, document.case):
        return False
    if document.confidential:
        return True
    return active_markings().filter(case_id=document.case_id, document=None, field="").exists()


def document_marked(document: Document) -> bool:
    return document.confidential or (
        active_markings().filter(case_id=document.case_id, document=None, field="").exists()
    )


def log_access(*, user, case: Case, action: str, what: str, document=None, path="") -> None:
    SecrecyAccessLog.objects.create(
        user=user,
        case=case,
        document=document,
        action=action,
        what=what[:300],
        path=(path or "")[:300],
    )


def marked_project_fields(project) -> set[str]:
    """The project's field names under an active marking on any of its cases (for what the
    region sends out, e.g. the annual report, whoever prepares it)."""
    marked = set()
    for key, document_id in (
        active_markings().filter(case__project=project).values_list("field", "document")
    ):
        if document_id:
            continue
        keys = [key] if key else list(CASE_WIDE_FIELDS)
        for one in keys:
            if one == "project.contact":
                marked |= {"contact_name", "contact_email", "contact_phone"}
            else:
                marked.add(one.removeprefix("project."))
    return marked
