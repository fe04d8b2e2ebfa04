"""Secrecy under OSL: which material is marked, who may see it, masking and the access log.

A ``SecrecyMarking`` covers a whole case (its texts and every document), one document, or
one field of the case (``MARKABLE_FIELDS``). The Dnr and that a document exists stay
visible everywhere; the content is masked for everyone but the roles in
``settings.SECRECY_ALLOWED_ROLES`` and, with ``SECRECY_ALLOW_CASE_OFFICER``, the case's own
officer. Each view or download of marked material by an allowed user is written to
``SecrecyAccessLog``.

The ärendemening (the case's name) of a wholly marked case is shown on the registry's own
pages (the case page, the lists, the edit form) to every user who may use the registry: it
is the register entry staff work from. It is masked where it is sent to someone or leaves
the app: notifications and their e-mails, Mina uppgifter and the reminders made from it
(``CopyMasker(titles=True)``), and the public e-diarium (``decisions.public.policy``; OSL
5 kap. 1 § second paragraph: a register entry's description is left out where it would
reveal what is secret).

Pages read the markings of the cases they show once (``secrets_for``) and ask it per row;
``Document.confidential`` is kept as the document's "has an active marking" flag so that
lists filter in SQL.

Copies: a marked field's text is often copied before it is marked (into the decision
proposal, the AU assessment, a § of a meeting, the report). ``CopyMasker`` finds the
marked values of a case (and their sentences of ``COPY_MIN_CHARS`` or more) in such
derived texts and replaces them with the same mask the case page shows, for a user not
allowed to see them. Templates use ``{% secret_masked text case %}`` (one masker per
request, the markings of each case read once); notifications and Mina uppgifter mask
through the ``SECRECY_TEXT_MASK`` and ``SECRECY_TASK_MASK`` hooks (core knows no apps).
A signed protocol is never re-rendered: its record is kept as signed.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import batch
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
    # The markings of the project's texts made on another case of the same project (a field,
    # or the whole of that case): the texts are the project's, shown on every case of it.
    from_project: dict[int, list[SecrecyMarking]] = field(default_factory=dict)

    def _allowed_with_officer(self, officer_id: int | None) -> bool:
        if not user_roles(self.user):
            return False
        if allowed_everywhere(self.user):
            return True
        return bool(
            settings.SECRECY_ALLOW_CASE_OFFICER and officer_id == getattr(self.user, "pk", None)
        )

    def _allowed(self, case_id: int) -> bool:
        return self._allowed_with_officer(self.officers.get(case_id))

    def _allowed_marking(self, case_id: int, marking: SecrecyMarking) -> bool:
        """A marking made on another case of the project: its case's officer, not this
        case's, may see it (as the project's edit form requires)."""
        if marking.case_id == case_id:
            return self._allowed(case_id)
        return self._allowed_with_officer(getattr(marking, "marked_officer", None))

    def markings(self, case_id: int) -> list[SecrecyMarking]:
        """The markings made on this case (the page lists them)."""
        return self.by_case.get(case_id, [])

    def project_markings(self, case_id: int) -> list[SecrecyMarking]:
        """The markings of the project's texts made on its other cases."""
        return self.from_project.get(case_id, [])

    def case_marking(self, case_id: int) -> SecrecyMarking | None:
        return next(
            (m for m in self.markings(case_id) if m.document_id is None and not m.field), None
        )

    def field_marking(self, case_id: int, key: str) -> SecrecyMarking | None:
        found = next((m for m in self.markings(case_id) if m.field == key), None)
        found = found or (self.case_marking(case_id) if key in CASE_WIDE_FIELDS else None)
        if found is None and key in MARKABLE_FIELDS:
            found = next(
                (
                    m
                    for m in self.project_markings(case_id)
                    if m.field == key or (not m.field and key in CASE_WIDE_FIELDS)
                ),
                None,
            )
        return found

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
        return None if marking is None or self._allowed_marking(case_id, marking) else marking

    def hides_document(self, document: Document) -> SecrecyMarking | None:
        marking = self.document_marking(document)
        return None if marking is None or self._allowed(document.case_id) else marking

    def shows_marked(self, case_id: int) -> bool:
        """The user sees marked material of this case unmasked (a view to log)."""
        return (bool(self.markings(case_id)) and self._allowed(case_id)) or any(
            self._allowed_marking(case_id, m) for m in self.project_markings(case_id)
        )

    def shows_marked_texts(self, case_id: int) -> bool:
        """The user sees the project's texts marked on this case (a field or the whole
        case) unmasked: a view to log where those texts are shown."""
        return self._allowed(case_id) and any(project_wide(m) for m in self.markings(case_id))

    def field_text(self, case_id: int, key: str, value: str) -> str:
        marking = self.hides_field(case_id, key)
        if marking is None or not value:
            return value
        return f"[{mask_label(marking)}]"


# The name under which a page keeps a case's markings read with its other rows (core.batch).
MARKINGS = "secrecy.markings"


def project_wide(marking: SecrecyMarking) -> bool:
    """Does the marking cover texts of the project (a field, or the whole case), which every
    case of the project shows? A document's marking covers that document only."""
    return marking.document_id is None


def markings_queryset(cases: Iterable[Case]) -> QuerySet[SecrecyMarking]:
    """The active markings of ``cases`` as ``secrets_for`` reads them, with those of the
    project's texts made on the projects' other cases; a page reading one case's rows
    together (``core.batch``) keeps them under ``MARKINGS``."""
    cases = list(cases)
    return (
        active_markings()
        .filter(
            Q(case__in=[c.pk for c in cases])
            | Q(document=None, case__project__in={c.project_id for c in cases})
        )
        .annotate(marked_project=F("case__project_id"), marked_officer=F("case__officer_id"))
        .select_related("provision", "marked_by", "document")
        .order_by("pk")
    )


def secrets_for(user, cases: Iterable[Case], *, request=None) -> Secrets:
    """The active markings of ``cases`` (one query, with their provisions), and those of
    their projects' texts made on the projects' other cases. With ``request``, the
    request's copy masker is given the cases' own (no second read)."""
    cases = list(cases)
    secrets = Secrets(user=user, officers={c.pk: c.officer_id for c in cases})
    if not cases:
        return secrets
    if len(cases) == 1 and batch.is_loaded(cases[0], MARKINGS):  # read with the case page
        markings = batch.loaded(cases[0], MARKINGS, ())
    else:
        markings = markings_queryset(cases)
    by_project: dict[int, list[Case]] = {}
    for case in cases:
        by_project.setdefault(case.project_id, []).append(case)
    for marking in markings:
        marking.field_label = MARKABLE_FIELDS.get(marking.field, "")
        if marking.case_id in secrets.officers:
            secrets.by_case.setdefault(marking.case_id, []).append(marking)
        if not project_wide(marking):
            continue
        for case in by_project.get(marking.marked_project, ()):
            if case.pk != marking.case_id:
                secrets.from_project.setdefault(case.pk, []).append(marking)
    if request is not None:
        copy_masker(request, user).seed(cases, secrets.by_case, secrets.from_project)
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


# Documents the app made from a record kept elsewhere (a signed protocol, registered in each
# case it decides, repeats the marked texts of the other cases too): who may open such a
# copy is that record's rule, given by the layer that made it, by the prefix of the copy's
# ``source_key`` (``register_source_gate`` at start-up: projects knows no higher app).
@dataclass(frozen=True)
class SourceGate:
    """``refusal(user, document)``: the reason ``user`` may not open the copy, or "";
    ``reads(user, document)``: the cases whose marked material the copy shows to ``user``
    (their reading is logged)."""

    refusal: Callable[[object, Document], str]
    reads: Callable[[object, Document], list]


_SOURCE_GATES: dict[str, SourceGate] = {}


def register_source_gate(prefix: str, gate: SourceGate) -> None:
    _SOURCE_GATES[prefix] = gate


def _source_gate(document: Document) -> SourceGate | None:
    key = document.source_key or ""
    return next((g for prefix, g in _SOURCE_GATES.items() if key.startswith(prefix)), None)


def source_refusal(user, document: Document) -> str:
    """Why ``user`` may not open ``document`` by the rule of the record it copies ("")."""
    gate = _source_gate(document)
    return gate.refusal(user, document) if gate is not None else ""


def log_document_read(user, document: Document, *, action: str, path: str, via: str = "") -> None:
    """A marked document opened, or a copy of a record showing marked material of other
    cases: one access log row per case whose marked material it shows."""
    gate = _source_gate(document)
    cases = {case.pk: case for case in (gate.reads(user, document) if gate is not None else ())}
    if document_marked(document):
        cases.setdefault(document.case_id, document.case)
    what = f"{document.registry_label} {document.title}{via}"
    for case in cases.values():
        log_access(user=user, case=case, action=action, what=what, document=document, path=path)


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


def log_project_texts_read(user, cases: Iterable[Case], secrets: Secrets, *, what, path) -> None:
    """A project's texts shown unmasked where a case of the project marks them (the project
    page, the API's project): one access log row per such case."""
    for case in cases:
        if secrets.shows_marked_texts(case.pk):
            log_access(
                user=user,
                case=case,
                action=SecrecyAccessLog.Action.VIEW,
                what=str(what),
                path=path,
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


# --- Copies of marked texts in other texts -------------------------------------------

# A copied fragment shorter than this is not looked for (it would mask ordinary words).
COPY_MIN_CHARS = 20
# Short values that identify on their own (a contact's name or e-mail, a title).
COPY_MIN_CHARS_EXACT = 6
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n\s*")
_CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def _copy_pattern(fragment: str) -> str:
    """The fragment with any run of white space matching any other (a copy may be
    re-wrapped)."""
    return r"\s+".join(re.escape(word) for word in fragment.split())


def _fragments(value: str) -> list[str]:
    """The value and its sentences long enough to look for."""
    value = (value or "").strip()
    if len(value) < COPY_MIN_CHARS:
        return []
    parts = [value, *(part.strip() for part in _SENTENCE_END.split(value))]
    return [part for part in parts if len(part) >= COPY_MIN_CHARS]


def _marking_values(marking: SecrecyMarking, project, *, titles: bool) -> tuple[list, list]:
    """(texts whose sentences are looked for, exact values) a marking covers."""
    texts: list[str] = []
    exact: list[str] = []
    if marking.document_id:
        if titles and marking.document is not None:
            exact.append(marking.document.title)
        return texts, exact
    keys = [marking.field] if marking.field else list(CASE_WIDE_FIELDS)
    for key in keys:
        name = key.removeprefix("project.")
        if name == "contact":
            exact += [getattr(project, one, "") or "" for one in _CONTACT_FIELDS]
        else:
            texts.append(getattr(project, name, "") or "")
    if titles and not marking.field:  # the whole case: its name too, where it is told
        exact += [marking.case.title, project.title]
    return texts, exact


@dataclass
class CaseCopies:
    """The marked values of one case (or of a project's cases) as one pattern; a match's
    group names its mask. ``officer_ids``: the officers of the marked cases."""

    officer_ids: frozenset
    pattern: re.Pattern | None
    masks: dict[str, str]

    def apply(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        masked = self.pattern.sub(lambda m: self.masks[m.lastgroup or ""], text)
        for mask in set(self.masks.values()):  # one mask for sentences masked in a row
            masked = re.sub(rf"{re.escape(mask)}(?:[ \t]*{re.escape(mask)})+", mask, masked)
        return masked


_UNREAD = object()


def _marked_officer(marking: SecrecyMarking):
    """The officer of the marked case (annotated by ``markings_queryset``, else read)."""
    officer = getattr(marking, "marked_officer", _UNREAD)
    return marking.case.officer_id if officer is _UNREAD else officer


def _case_copies(markings: list[SecrecyMarking], *, titles: bool, project=None) -> CaseCopies:
    """``markings`` with their case and its project loaded (or all of ``project``)."""
    found: dict[str, str] = {}  # fragment -> mask
    for marking in markings:
        mask = f"[{mask_label(marking)}]"
        texts, exact = _marking_values(marking, project or marking.case.project, titles=titles)
        for text in texts:
            for fragment in _fragments(text):
                found.setdefault(fragment, mask)
        for value in exact:
            value = (value or "").strip()
            if len(value) >= COPY_MIN_CHARS_EXACT:
                found.setdefault(value, mask)
    officers = frozenset(_marked_officer(m) for m in markings)
    if not found:
        return CaseCopies(officer_ids=officers, pattern=None, masks={})
    ordered = sorted(found, key=len, reverse=True)  # the whole value before its sentences
    masks = {f"c{i}": found[fragment] for i, fragment in enumerate(ordered)}
    pattern = re.compile(
        "|".join(f"(?P<c{i}>{_copy_pattern(fragment)})" for i, fragment in enumerate(ordered))
    )
    return CaseCopies(officer_ids=officers, pattern=pattern, masks=masks)


def _markings(which: Q, also: QuerySet | None = None) -> list[SecrecyMarking]:
    """The active markings ``which`` asks for, with what masking reads of them. Kept
    prepared on the connection (``core.batch``): asked on every page that shows or sends
    copies (Mina uppgifter, notifications, the case page), with a plan that does not depend
    on the ids (one statement per number of ids: PostgreSQL planned it in 0.6 ms of the
    0.7 it took)."""
    markings = (
        active_markings()
        .filter(which)
        .select_related("provision", "document", "case__project")
        .order_by("pk")
    )
    batch.fetch_together(markings, *([also] if also is not None else []), prepare=True)
    return list(markings)


class CopyMasker:
    """Masks copies of marked values in texts about cases, for one user.

    ``titles=True`` also masks the name of a wholly marked case and the titles of marked
    documents: for what is sent to a user or leaves the app (notifications, e-mails, Mina
    uppgifter and its reminders; see the module's docstring). Reads the markings of each case once (``preload`` many at once); a
    text about a project (a financing plan) is masked by the markings of its cases."""

    def __init__(self, user, *, titles: bool = False):
        self.user = user
        self.titles = titles
        self.everywhere = allowed_everywhere(user) if user is not None else False
        self._cases: dict[int, CaseCopies | None] = {}
        self._projects: dict[int, CaseCopies | None] = {}

    def seed(
        self,
        cases: list[Case],
        by_case: dict[int, list[SecrecyMarking]],
        from_project: dict[int, list[SecrecyMarking]] | None = None,
    ) -> None:
        """Take the markings a page has read already (``secrets_for``) for ``cases``: their
        own and those of their projects' texts made on the projects' other cases."""
        if self.everywhere or self.titles:
            return
        for case in cases:
            if case.pk in self._cases:
                continue
            own = by_case.get(case.pk) or []
            for marking in own:
                marking.case = case
            markings = [*own, *(from_project or {}).get(case.pk, ())]
            self._cases[case.pk] = (
                _case_copies(markings, titles=False, project=case.project) if markings else None
            )

    def preload(self, case_ids: Iterable[int | None]) -> None:
        self.preload_cases_and_projects(case_ids, ())

    def preload_projects(self, project_ids: Iterable[int | None]) -> None:
        self.preload_cases_and_projects((), project_ids)

    def preload_cases_and_projects(
        self, case_ids: Iterable[int | None], project_ids: Iterable[int | None]
    ) -> None:
        """The markings of the cases ``case_ids`` (with those of their projects' texts made
        on the projects' other cases) and of every case of ``project_ids``, in one round
        trip (the cases' projects read with them)."""
        cases = {pk for pk in case_ids if pk and pk not in self._cases}
        projects = {pk for pk in project_ids if pk and pk not in self._projects}
        if self.everywhere or not (cases or projects):
            return
        which = Q(case__project_id__in=projects) if projects else Q(pk__in=[])
        project_of_case = None
        if cases:
            siblings = Case.objects.filter(pk__in=cases).values("project")
            which |= Q(case_id__in=cases) | Q(document=None, case__project__in=siblings)
            project_of_case = Case.objects.filter(pk__in=cases).values_list("pk", "project_id")
        markings = _markings(which, also=project_of_case)
        project_of = dict(project_of_case) if project_of_case is not None else {}
        for pk in cases:
            hits = [
                m
                for m in markings
                if m.case_id == pk or (project_wide(m) and m.case.project_id == project_of.get(pk))
            ]
            self._cases[pk] = _case_copies(hits, titles=self.titles) if hits else None
        for pk in projects:
            hits = [m for m in markings if m.case.project_id == pk]
            self._projects[pk] = _case_copies(hits, titles=self.titles) if hits else None

    def _allowed(self, copies: CaseCopies) -> bool:
        """The officer of every case whose markings the copies hold (a project's cases
        may have different officers)."""
        if self.user is None or not user_roles(self.user):
            return False
        return bool(
            settings.SECRECY_ALLOW_CASE_OFFICER
            and copies.officer_ids == {getattr(self.user, "pk", None)}
        )

    def _apply(self, text, copies: CaseCopies | None) -> str:
        if copies is None or self._allowed(copies):
            return text
        return copies.apply(str(text))

    def mask(self, text, case) -> str:
        """``text`` with the marked values of ``case`` (a case or its id) masked."""
        case_id = case if isinstance(case, int) else getattr(case, "pk", None)
        if not text or not case_id or self.everywhere:
            return text
        if case_id not in self._cases:
            self.preload([case_id])
        return self._apply(text, self._cases.get(case_id))

    def mask_project(self, text, project) -> str:
        """``text`` with the marked values of any case of ``project`` masked."""
        project_id = project if isinstance(project, int) else getattr(project, "pk", None)
        if not text or not project_id or self.everywhere:
            return text
        if project_id not in self._projects:
            self.preload_projects([project_id])
        return self._apply(text, self._projects.get(project_id))


def copy_masker(request=None, user=None, *, titles: bool = False) -> CopyMasker:
    """The request's masker (made once per request and user), or a new one."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if request is None or titles:
        return CopyMasker(user, titles=titles)
    masker = getattr(request, "_nc_copy_masker", None)
    if masker is None or masker.user is not user:
        masker = CopyMasker(user)
        request._nc_copy_masker = masker
    return masker


def mask_copies(text: str, case, user, *, request=None) -> str:
    """``text`` (a decision proposal, a §, a snippet …) with copies of the case's marked
    values masked for ``user``."""
    return copy_masker(request, user).mask(text, case)


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for one in value.values():
            yield from _strings(one)
    elif isinstance(value, list | tuple):
        for one in value:
            yield from _strings(one)


def copies_hidden(user, values, *, case=None, project=None) -> bool:
    """Does any text of ``values`` (an edit form's pre-filled texts: strings, or lists and
    dicts of them) hold marked material of ``case`` (or of a case of ``project``) that
    ``user`` may not see? Such a form is not shown to them: it would show the secret,
    and saving it back would overwrite the secret with its mask."""
    masker = CopyMasker(user)
    if masker.everywhere:
        return False
    for text in _strings(values):
        if case is not None and masker.mask(text, case) != text:
            return True
        if project is not None and masker.mask_project(text, project) != text:
            return True
    return False


def project_fields_hidden(user, project) -> bool:
    """Is a field of ``project`` marked (on any of its cases) and hidden from ``user``?"""
    if allowed_everywhere(user):
        return False
    secrets = secrets_for(user, list(project.cases.all()))
    return any(
        secrets.hides_field(case_id, key) for case_id in secrets.by_case for key in MARKABLE_FIELDS
    )


def mask_for_recipient(text: str, *, user, case=None, document=None, project=None, cases=()) -> str:
    """A notification's text for its recipient (``settings.SECRECY_TEXT_MASK``): the
    marked values, the name of a wholly marked case and the title of a marked document
    masked unless the recipient may see them. ``cases``: several cases (or ids) the text
    may be about (a meeting's)."""
    masker = CopyMasker(user, titles=True)
    if case is None and document is not None:
        case = document.case_id
    if case is not None:
        text = masker.mask(text, case)
    masker.preload(one if isinstance(one, int) else one.pk for one in cases)
    for one in cases:
        text = masker.mask(text, one)
    if project is not None:
        text = masker.mask_project(text, project)
    return text


def mask_task_titles(user, tasks: list) -> list:
    """Mina uppgifter (and the reminders made from it) for ``user``
    (``settings.SECRECY_TASK_MASK``): titles of tasks about marked cases (or projects with
    a marked case) masked."""
    masker = CopyMasker(user, titles=True)
    if masker.everywhere:
        return tasks
    masker.preload_cases_and_projects(
        [task.case_id for task in tasks], [task.project_id for task in tasks]
    )
    out = []
    for task in tasks:
        title = task.title
        if task.case_id:
            title = masker.mask(title, task.case_id)
        if task.project_id:
            title = masker.mask_project(title, task.project_id)
        out.append(replace(task, title=title) if title != task.title else task)
    return out


def index_copies(case) -> tuple[CaseCopies | None, list[SecrecyMarking]]:
    """The marked values to leave out of the case's public search document, and the active
    markings that cover it: the case's own, and the markings of fields (or of the whole)
    of the project's other cases (the project's texts are the same on each)."""
    markings = list(
        active_markings()
        .filter(Q(case=case) | Q(case__project_id=case.project_id, document__isnull=True))
        .select_related("provision", "document", "case__project")
        .order_by("pk")
    )
    for marking in markings:
        if marking.case_id == case.pk:
            marking.case = case
    return (_case_copies(markings, titles=False) if markings else None), markings


def secret_search_q(user) -> Q | None:
    """Which cases ``user`` may search in their marked material too (their
    ``secret_search_vector``), as a filter; ``None``: none. The case's officer only where
    every marked case of the project is theirs (the project's texts are shared)."""
    if not user_roles(user):
        return None
    if allowed_everywhere(user):
        return Q()
    if not settings.SECRECY_ALLOW_CASE_OFFICER or not getattr(user, "pk", None):
        return None
    others = (
        active_markings().filter(case__project=OuterRef("project_id")).exclude(case__officer=user)
    )
    return Q(officer=user) & ~Exists(others)
