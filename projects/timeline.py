"""The history of a case as a readable timeline (a selector: reads only).

Collects the django-simple-history records of the case, its project (including the
partners and areas), the project's members, the case's documents and the project's
obligations, and turns them into entries: who, when, what, and for changes each
field with its verbose name and the old and new values shown the way the pages show
them (choice labels, organisation and user names, amounts ``1 245 497 kr``, ISO
dates). Saves by the same user on the same object within a few seconds (one form
save writing fields and then m2m rows) become one entry. Newest first.

Confidential documents are left out for users who may not see them (läsare).

A page of the timeline reads the newest records only (``case_timeline(entries=...)``), and
the m2m rows of those: a project followed for years has hundreds of records, each with
every text of the project, and reading and diffing all of them for the case page's first
fifteen entries grew with its history (400 records: 30 -> 216 ms). A member's, obligation's
or document's record before the window is read for its diff; when the window holds too few
entries that are certain (a merge may reach past it), the whole history is read.
"""

import datetime
import difflib
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import batch
from core.collation import swedish_sorted
from core.money import format_amount
from core.removal import RESTORED
from projects.models import (
    Case,
    Document,
    Obligation,
    Organisation,
    Project,
    ProjectMember,
    RusArea,
    SmartSpecialisationArea,
)
from projects.permissions import can_view_confidential

MERGE_WINDOW = datetime.timedelta(seconds=5)
LONG_TEXT = 90
# Fields never shown as changes (bookkeeping, or shown by the entry's own sentence).
SKIPPED_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "version",  # the edit version (core.concurrency), raised by every save
    "approved_financing",  # the rows; the change shows as "finansiering godkänd <date>"
    "search_vector",
    "file",
    "sha256",
    "size",
    "content_type",
    "original_name",
    "uploaded_by",
    "uploaded_at",
    "registry_number",  # the registry entry's fixed number and source
    "source_key",
    "registered_at",
    "registered_by",
    "year",
    "number",
}
PROJECT_M2M = {
    "partners": Organisation,
    "rus_areas": RusArea,
    "smart_areas": SmartSpecialisationArea,
}


@dataclass
class Change:
    label: str
    old: str
    new: str
    field: str = ""  # the field's name (``change_of`` finds a change by it)

    @property
    def long(self) -> bool:
        return max(len(self.old), len(self.new)) > LONG_TEXT or "\n" in self.old + self.new


@dataclass
class Entry:
    when: datetime.datetime
    user: str
    kind: str  # case | project | member | document | obligation
    action: str  # created | changed | deleted
    subject: str
    changes: list[Change] = field(default_factory=list)
    # internal, for merging
    _object_key: tuple = ()
    _user_id: int | None = None
    _first: object = None
    _last: object = None
    _start: datetime.datetime | None = None  # the first record's time (merged: the oldest)

    @property
    def record(self) -> int:
        """The history id of the entry's newest record: with ``kind``, what names the entry
        (``change_of``)."""
        return self._last.history_id


@dataclass
class _Source:
    kind: str
    model: type[models.Model]
    records: list
    # read only as the previous record of a windowed object's oldest (history ids)
    context: set = field(default_factory=set)


def _user_label(user) -> str:
    if user is None:
        return _("Systemet")
    return user.get_full_name() or user.get_username()


@functools.cache
def _history(model: type[models.Model]) -> type[models.Model]:
    """The django-simple-history model of ``model``.

    Reading ``model.history`` builds a new manager class every time (0.2 ms); the
    historical model behind it never changes.
    """
    return model.history.model


def _records(model: type[models.Model], **lookup) -> models.QuerySet:
    return _history(model)._default_manager.filter(**lookup)


# Records of each kind a timeline page reads, newest first, per entry it shows: most
# entries are one record, a form's save with its m2m rows two.
RECORDS_PER_ENTRY = 3
_NEWEST_FIRST = ("-history_date", "-history_id")
_SOURCE_LOOKUPS = {
    "case": (Case, "id"),
    "project": (Project, "id"),
    "member": (ProjectMember, "project_id"),
    "obligation": (Obligation, "project_id"),
    "document": (Document, "case_id"),
}


def _source_records(case: Case, kind: str) -> models.QuerySet:
    """The history records of one kind (``_SOURCE_LOOKUPS``) around ``case``."""
    model, lookup = _SOURCE_LOOKUPS[kind]
    key = case.pk if kind in ("case", "document") else case.project_id
    return _records(model, **{lookup: key})


def _windowed(queryset: models.QuerySet, records: int | None) -> models.QuerySet:
    return queryset if records is None else queryset.order_by(*_NEWEST_FIRST)[:records]


def _window(entries: int | None) -> int | None:
    """Records read of each kind for ``entries`` entries (None: all); SQLite reads all
    (the previous records are read with PostgreSQL's ``DISTINCT ON``)."""
    if entries is None or connection.vendor != "postgresql":
        return None
    return entries * RECORDS_PER_ENTRY


def timeline_querysets(case: Case, entries: int | None = None) -> dict[str, models.QuerySet]:
    """{name: queryset} of the history rows the timeline reads: the five history tables
    (the newest records of each for ``entries`` entries, or all) and the project records'
    three m2m history tables. Run together (``core.batch``), by ``case_timeline`` or by
    the case page with the rest of its rows (the same ``entries``)."""
    from projects import secrecy

    records = _window(entries)
    # the m2m rows of the project records read (the window's, or all)
    project_history = _windowed(_source_records(case, "project"), records)
    return {
        # For a user who may not see secret documents: a marking of the whole case, and
        # the documents marked now (a marking after the upload has no history row).
        "timeline.whole_case": secrecy.active_markings()
        .filter(case=case, document=None, field="")
        .values_list("pk", flat=True)[:1],
        "timeline.confidential": Document.objects.filter(case=case, confidential=True).values_list(
            "pk", flat=True
        ),
        **{
            f"timeline.{kind}": _windowed(_source_records(case, kind), records)
            for kind in _SOURCE_LOOKUPS
        },
        **_m2m_querysets(project_history),
    }


def _m2m_querysets(project_records: models.QuerySet) -> dict[str, models.QuerySet]:
    """{name: (history_id, related id) rows} of ``project_records``' three m2m fields."""
    return {
        f"timeline.m2m.{name}": apps.get_model("projects", f"HistoricalProject_{name}")
        .objects.filter(history_id__in=project_records.values("history_id"))
        .values_list("history_id", f"{related._meta.model_name}_id")
        for name, related in PROJECT_M2M.items()
    }


def timeline_querysets_names() -> list[str]:
    kinds = ("case", "project", "member", "obligation", "document", "whole_case", "confidential")
    return [f"timeline.{kind}" for kind in kinds] + [f"timeline.m2m.{n}" for n in PROJECT_M2M]


def _sources(
    case: Case, user, entries: int | None
) -> tuple[list[_Source], dict[int, dict[str, frozenset]], datetime.datetime | None]:
    """The history records of each kind, the project records' m2m values (one query, or
    none when the case page has read them for ``entries``: ``timeline_querysets``) and the
    time before which records were left unread (None: all read)."""
    if entries is not None and batch.is_loaded(case, "timeline.case"):
        # copies: the records read before the window are added to them
        rows = {name: list(batch.loaded(case, name, ())) for name in timeline_querysets_names()}
    else:
        querysets = timeline_querysets(case, entries)
        batch.fetch_together(*querysets.values(), prepare=True)
        rows = {name: list(queryset) for name, queryset in querysets.items()}
    records = _window(entries)
    cutoff = None
    if records is not None:
        full = [kind for kind in _SOURCE_LOOKUPS if len(rows[f"timeline.{kind}"]) >= records]
        cutoff = _read_previous(case, rows, full)
    sources = [
        _Source(kind, model, rows[f"timeline.{kind}"])
        for kind, model in (
            ("case", Case),
            ("project", Project),
            ("member", ProjectMember),
            ("obligation", Obligation),
        )
    ]
    m2m = _m2m_values(
        sources[1].records, {name: rows[f"timeline.m2m.{name}"] for name in PROJECT_M2M}
    )
    documents = list(rows["timeline.document"])
    if not can_view_confidential(user, case):
        latest: dict[int, object] = {}
        for record in documents:
            current = latest.get(record.id)
            if current is None or record.history_id > current.history_id:
                latest[record.id] = record
        whole_case = bool(rows["timeline.whole_case"])
        # the current flag: a marking made after the upload changes it without a history row
        marked = set(rows["timeline.confidential"])
        hidden = {
            pk for pk, record in latest.items() if record.confidential or whole_case or pk in marked
        }
        documents = [record for record in documents if record.id not in hidden]
    sources.append(_Source("document", Document, documents))
    for source in sources:
        source.context = {r.history_id for r in source.records if getattr(r, "_context", False)}
        source.records.sort(key=lambda r: (r.id, r.history_date, r.history_id))
    return sources, m2m, cutoff


# Kinds of several objects (a project's members, ...): an object's oldest record read may be
# far newer than the oldest read of its kind, and its diff needs the record before it. Of a
# kind of one object (the case, the project) the oldest record read begins no entry shown.
_MANY_OBJECTS = ("member", "obligation", "document")


def _read_previous(case: Case, rows: dict, full: list[str]) -> datetime.datetime | None:
    """For each kind whose window was full (older records left unread), each windowed
    object's record before the window (kinds of several objects), added to ``rows`` marked
    ``_context`` (its diff needs it; it makes no entry). Returns the newest of those kinds'
    oldest read times: older entries may be missing or cut."""
    if not full:
        return None
    querysets = {}
    for kind in (kind for kind in full if kind in _MANY_OBJECTS):
        read = rows[f"timeline.{kind}"]
        oldest = min(read, key=lambda r: (r.history_date, r.history_id))
        querysets[f"timeline.{kind}"] = (
            _source_records(case, kind)
            .filter(id__in={r.id for r in read})
            .filter(
                models.Q(history_date__lt=oldest.history_date)
                | models.Q(history_date=oldest.history_date, history_id__lt=oldest.history_id)
            )
            .order_by("id", *_NEWEST_FIRST)
            .distinct("id")
        )
    if querysets:
        batch.fetch_together(*querysets.values())
    for name, queryset in querysets.items():
        for record in queryset:
            record._context = True
            rows[name].append(record)
    return max(
        min(r.history_date for r in rows[f"timeline.{kind}"] if not getattr(r, "_context", False))
        for kind in full
    )


def _m2m_values(project_records, m2m_rows) -> dict[int, dict[str, frozenset]]:
    """history_id -> {m2m field: frozenset of related ids} for the project's records."""
    history_ids = [record.history_id for record in project_records]
    values: dict[int, dict[str, frozenset]] = defaultdict(dict)
    if not history_ids:
        return values
    for name in PROJECT_M2M:
        rows = defaultdict(set)
        for history_id, related_id in m2m_rows[name]:
            rows[history_id].add(related_id)
        for history_id in history_ids:
            values[history_id][name] = frozenset(rows.get(history_id, ()))
    return values


def _tracked(model) -> list[models.Field]:
    return [f for f in _history(model).tracked_fields if f.name not in SKIPPED_FIELDS]


def _raw(record, f: models.Field):
    return getattr(record, f.attname)


class _Lookups:
    """Names of related objects, fetched in one query per model."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.names: dict[type, dict] = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self):
        User = get_user_model()
        querysets = {
            model: model._default_manager.filter(pk__in=pks) for model, pks in self.wanted.items()
        }
        batch.fetch_together(*querysets.values(), prepare=True)  # every model's names
        for model, objects in querysets.items():
            if model is User:
                self.names[model] = {u.pk: _user_label(u) for u in objects}
            elif model is Case:
                self.names[model] = {c.pk: c.dnr for c in objects}
            else:
                self.names[model] = {o.pk: str(o) for o in objects}

    def name(self, model, pk) -> str:
        if pk is None:
            return "–"
        return self.names.get(model, {}).get(pk) or _("borttagen (#%(pk)s)") % {"pk": pk}


def _display(f: models.Field, value, lookups: _Lookups) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(f, models.ForeignKey):
        return lookups.name(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("Ja") if value else _("Nej")
    if isinstance(f, models.DecimalField):
        return format_amount(value)
    if isinstance(f, models.DateTimeField):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(f, models.DateField):
        return value.isoformat()
    return str(value)


def _m2m_display(model, ids: frozenset, lookups: _Lookups) -> str:
    if not ids:
        return "–"
    return ", ".join(swedish_sorted(lookups.name(model, pk) for pk in ids))


def _label(f) -> str:
    label = str(f.verbose_name)
    return label[:1].upper() + label[1:]


def _sentence(kind: str, action: str, record) -> str:
    """What happened, as a Swedish sentence."""
    if kind == "case":
        dnr = Case(year=record.year, number=record.number).dnr
        return {
            "created": _("Ärendet %(dnr)s registrerades"),
            "changed": _("Ärendet %(dnr)s ändrades"),
            "deleted": _("Ärendet %(dnr)s togs bort"),
        }[action] % {"dnr": dnr}
    if kind == "project":
        return {
            "created": _("Projektet ”%(title)s” skapades"),
            "changed": _("Projektet ”%(title)s” ändrades"),
            "deleted": _("Projektet ”%(title)s” togs bort"),
        }[action] % {"title": record.title}
    if kind == "member":
        group = str(dict(ProjectMember.Group.choices).get(record.group, record.group)).lower()
        if action == "created" and record.history_change_reason == RESTORED:
            # the "Ångra" of a removal (core.removal)
            return _("%(name)s återställdes i %(group)s (borttagningen ångrades)") % {
                "name": record.name,
                "group": group,
            }
        return {
            "created": _("%(name)s lades till i %(group)s"),
            "changed": _("Uppgifterna om %(name)s i %(group)s ändrades"),
            "deleted": _("%(name)s togs bort från %(group)s"),
        }[action] % {"name": record.name, "group": group}
    if kind == "document":
        params = {"title": record.title, "version": record.version}
        if action == "created" and record.confidential:
            return _("Dokumentet ”%(title)s” version %(version)s laddades upp (sekretess)") % params
        return {
            "created": _("Dokumentet ”%(title)s” version %(version)s laddades upp"),
            "changed": _("Dokumentet ”%(title)s” version %(version)s ändrades"),
            "deleted": _("Dokumentet ”%(title)s” version %(version)s togs bort"),
        }[action] % params
    text = record.text if len(record.text) <= 70 else record.text[:67].rstrip() + "…"
    return {
        "created": _("Villkoret ”%(text)s” registrerades"),
        "changed": _("Villkoret ”%(text)s” ändrades"),
        "deleted": _("Villkoret ”%(text)s” togs bort"),
    }[action] % {"text": text}


def _masked_labels(case: Case, user, secrets=None) -> dict[str, str]:
    """{label of a project field: mask} for the fields secret to this user."""
    from projects import secrecy

    secrets = secrets or secrecy.secrets_for(user, [case])
    out = {}
    for key in secrecy.MARKABLE_FIELDS:
        marking = secrets.hides_field(case.pk, key)
        if marking is None:
            continue
        names = ["contact_name", "contact_email"] if key == "project.contact" else [key[8:]]
        for name in names:
            out[str(_label(Project._meta.get_field(name)))] = f"[{secrecy.mask_label(marking)}]"
    return out


def case_timeline(case: Case, user, secrets=None, *, entries: int | None = None) -> list[Entry]:
    """The recorded changes around the case, newest first (see the module docstring):
    every one, or the newest ``entries`` (all if there are fewer)."""
    sources, m2m, cutoff = _sources(case, user, entries)
    if cutoff is None:
        return _entries(case, user, secrets, sources, m2m, wanted=entries)
    # Certain: begun past the merge window after the unread records (so no merge reaches
    # back into them, nor is an entry of them left out between).
    certain = _entries(
        case, user, secrets, sources, m2m, wanted=entries, after=cutoff + MERGE_WINDOW
    )
    if len(certain) >= entries:  # type: ignore[operator]
        return certain
    return case_timeline(case, user, secrets)  # the whole (not the page's preloaded rows)


def _entries(
    case: Case,
    user,
    secrets,
    sources,
    m2m,
    *,
    wanted: int | None = None,
    after: datetime.datetime | None = None,
) -> list[Entry]:
    """The entries newest first: the first ``wanted`` (or all) begun after ``after`` (or
    all); the changes of an entry are compared only up to there."""
    lookups = _Lookups()
    User = get_user_model()

    raw_entries: list[Entry] = []
    for source in sources:
        fields = _tracked(source.model)
        previous_by_object: dict[int, object] = {}
        for record in source.records:
            previous = previous_by_object.get(record.id)
            previous_by_object[record.id] = record
            if record.history_id in source.context:
                continue
            user_id = record.history_user_id
            lookups.want(User, user_id)
            if record.history_type == "+" or (previous is None and record.history_type != "-"):
                action = "created"
            elif record.history_type == "-":
                action = "deleted"
            else:
                action = "changed"
            entry = Entry(
                when=record.history_date,
                user="",
                kind=source.kind,
                action=action,
                subject=_sentence(source.kind, action, record),
                _object_key=(source.kind, record.id),
                _user_id=user_id,
                _first=previous if action == "changed" else None,
                _last=record,
                _start=record.history_date,
            )
            for f in fields:
                if isinstance(f, models.ForeignKey):
                    lookups.want(f.related_model, _raw(record, f))
            if source.kind == "project":
                for name, model in PROJECT_M2M.items():
                    for pk in m2m.get(record.history_id, {}).get(name, ()):
                        lookups.want(model, pk)
            raw_entries.append(entry)
    lookups.load()

    # Merge quick successive saves of one object by one user.
    raw_entries.sort(key=lambda e: (e._object_key, e.when))
    merged: list[Entry] = []
    for entry in raw_entries:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last._object_key == entry._object_key
            and last._user_id == entry._user_id
            and entry.action == "changed"
            and entry.when - last._last.history_date <= MERGE_WINDOW
        ):
            if last.action == "changed":
                last._last = entry._last
                last.when = entry.when
                continue
            if last.action == "created" and not _diff(entry._first, entry._last):
                # the m2m rows written right after creating (partners, areas)
                last._last = entry._last
                continue
        merged.append(entry)

    masked = _masked_labels(case, user, secrets)
    merged.sort(key=lambda e: e.when, reverse=True)  # stable: ties keep their order
    out: list[Entry] = []
    for entry in merged:
        if after is not None and entry._start <= after:  # type: ignore[operator]
            continue
        entry.user = lookups.name(User, entry._user_id) if entry._user_id else _("Systemet")
        if entry.action == "changed":
            entry.changes = _changes(entry, lookups, m2m)
            if not entry.changes:
                continue
            if entry.kind == "project" and masked:
                for change in entry.changes:
                    if str(change.label) in masked:
                        change.old = change.new = masked[str(change.label)]
        out.append(entry)
        if wanted is not None and len(out) >= wanted:
            break
    return out


def _diff(old, new) -> dict[str, object]:
    """The tracked fields (not the m2m ones) in which two records of one object differ:
    simple-history's ``diff_against``, as {field name: ModelChange} (raw values: the
    pk for a foreign key). No queries."""
    names = [f.name for f in _tracked(type(new).instance_type)]
    return {change.field: change for change in new.diff_against(old, included_fields=names).changes}


def _changes(entry: Entry, lookups: _Lookups, m2m) -> list[Change]:
    old, new = entry._first, entry._last
    model = {
        "case": Case,
        "project": Project,
        "member": ProjectMember,
        "document": Document,
        "obligation": Obligation,
    }[entry.kind]
    diff = _diff(old, new)
    changes = []
    for f in _tracked(model):  # in the model's order (diff_against sorts by name)
        change = diff.get(f.name)
        if change is None or (change.old in (None, "") and change.new in (None, "")):
            continue
        changes.append(
            Change(
                label=_label(f),
                old=_display(f, change.old, lookups),
                new=_display(f, change.new, lookups),
                field=f.name,
            )
        )
    # The m2m fields: diff_against would query each pair of records; the rows of all the
    # project's records were read at once (_m2m_values).
    if entry.kind == "project":
        for name, related in PROJECT_M2M.items():
            before = m2m.get(old.history_id, {}).get(name, frozenset())
            after = m2m.get(new.history_id, {}).get(name, frozenset())
            if before != after:
                changes.append(
                    Change(
                        label=_label(Project._meta.get_field(name)),
                        old=_m2m_display(related, before, lookups),
                        new=_m2m_display(related, after, lookups),
                        field=name,
                    )
                )
    return changes


def change_of(case: Case, user, kind: str, record: int, name: str, secrets=None) -> Change | None:
    """The change of field ``name`` in the timeline entry ``kind``/``record`` (its newest
    history record, ``Entry.record``) of the case, as ``user`` sees the timeline (what it
    leaves out or masks, this does too); None when the user's timeline has no such change.
    Reads the whole history: asked for one change, when its text is opened."""
    for entry in case_timeline(case, user, secrets):
        if entry.kind == kind and entry.record == record:
            return next((change for change in entry.changes if change.field == name), None)
    return None


# A word or one other character, each with the spaces after it: what a word-level
# comparison compares (a space of its own would match everywhere).
_TOKENS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
# A sentence or a line with what ends it: the first, coarse comparison.
_SENTENCES = re.compile(r"[^.!?\n]*(?:[.!?]+\s*|\n+)|[^.!?\n]+")
# Compared word by word where the changed sentences hold at most so many word pairs; a
# larger change (a text rewritten whole) is shown as removed and added, not compared
# further: the comparison's time grows with the product (35 000 characters: two minutes).
WORD_PAIRS = 250_000


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``new`` compared with ``old``: (kind, text) in reading order, kind ``same``,
    ``removed`` (in ``old`` only) or ``added`` (in ``new`` only); a replaced passage is its
    removed words, then the added ones. Sentence by sentence first, then word by word
    within the changed sentences (``WORD_PAIRS``)."""
    parts: list[tuple[str, str]] = []

    def add(kind: str, pieces: list[str]) -> None:
        text = "".join(pieces)
        if not text:
            return
        if parts and parts[-1][0] == kind:
            parts[-1] = (kind, parts[-1][1] + text)
        else:
            parts.append((kind, text))

    def compare(a: list[str], b: list[str], finer=None) -> None:
        # sentences: a sentence repeated through a long text is not matched on (autojunk),
        # or a text of one sentence repeated takes seconds
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=finer is not None)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                add("same", a[a1:a2])
            elif finer is not None and op == "replace":
                finer("".join(a[a1:a2]), "".join(b[b1:b2]))
            else:
                add("removed", a[a1:a2])
                add("added", b[b1:b2])

    def by_words(old_text: str, new_text: str) -> None:
        a, b = _TOKENS.findall(old_text), _TOKENS.findall(new_text)
        if len(a) * len(b) <= WORD_PAIRS:
            compare(a, b)
        else:
            add("removed", a)
            add("added", b)

    compare(_SENTENCES.findall(old), _SENTENCES.findall(new), by_words)
    return parts
