"""Removals that are confirmed first and can be undone (issue 16, point 7).

A removal runs inside ``removal_record``: every historical record django-simple-history
writes meanwhile (the removed row's ``-`` record, its cascaded children's, and the ``~``
records of rows the removal changed, e.g. the § counter) is kept on a ``Removal`` row.
``removal_restore`` undoes it from those records: each removed row comes back with its
primary key, fields and many-to-many relations (from the record written before the
removal), each changed row gets back the values it had, and every restored row writes a
new historical record with the reason ``återställd``. It refuses (``Conflict``, nothing
changed) when a changed row was changed again after the removal, or when a row would break
a constraint (e.g. its number is taken) or point at something that is gone.

Who may undo what is the app's business: its undo service checks the same permission
function as the removal, then calls ``removal_restore``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.signals import post_create_historical_record

from core.errors import Conflict
from core.models import Removal

RESTORED = "återställd"
"""``history_change_reason`` of the records written when a removal is undone."""

# Fields a restore never sets back: the edit counter (``core.concurrency``) rises instead.
_NOT_RESTORED = {"version"}

_captured: ContextVar[list | None] = ContextVar("core_removal_captured", default=None)


def _collect(sender, history_instance, **kwargs) -> None:
    captured = _captured.get()
    if captured is not None:
        captured.append(history_instance)


post_create_historical_record.connect(_collect, dispatch_uid="core.removal.collect")


@transaction.atomic
def removal_record(
    *,
    user,
    remove: Callable[[], object],
    kind: str,
    description: str,
    scope: str,
    back_url: str = "",
) -> Removal:
    """Run ``remove`` (the app's removal service, which checks permissions) and keep the
    historical records it wrote, so that ``removal_restore`` can undo it."""
    token = _captured.set([])
    try:
        remove()
        records = _captured.get() or []
    finally:
        _captured.reset(token)
    return Removal.objects.create(
        kind=kind,
        description=description[:300],
        scope=scope,
        records=[
            [record._meta.label_lower, record.history_id]
            for record in records
            if record.history_type in ("-", "~")
        ],
        back_url=back_url[:500],
        removed_by=user,
    )


def removal_records(removal: Removal) -> list:
    """The historical records ``removal`` kept, in the order they were written."""
    out = []
    for label, history_id in removal.records:
        model = apps.get_model(label)
        out.append(model.objects.get(history_id=history_id))
    return out


def _previous(record):
    """The object's record written just before ``record`` (None: there is none)."""
    return (
        type(record)
        .objects.filter(id=record.id, history_id__lt=record.history_id)
        .order_by("-history_id")
        .first()
    )


def _m2m_values(record) -> dict[str, list]:
    """{m2m field name: related pks} as ``record`` stored them."""
    values = {}
    for field in getattr(record, "_history_m2m_fields", ()):
        target = field.m2m_reverse_field_name()
        rows = getattr(record, field.name).all()
        values[field.name] = [getattr(row, f"{target}_id") for row in rows]
    return values


def _restorable(instance) -> list[models.Field]:
    return [
        f
        for f in instance._meta.concrete_fields
        if not f.primary_key
        and f.name not in _NOT_RESTORED
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


def _refused(reason: str) -> Conflict:
    return Conflict(_("Det borttagna kan inte återställas: %(reason)s") % {"reason": reason})


def _bring_back(record, user) -> None:
    """Insert the row ``record`` (a ``-`` record) describes, with its m2m relations."""
    instance = record.history_object
    model = type(instance)
    if model._default_manager.filter(pk=instance.pk).exists():
        raise _refused(_("%(what)s finns redan.") % {"what": model._meta.verbose_name})
    try:
        instance.validate_constraints()
    except ValidationError as exc:
        raise _refused(" ".join(exc.messages)) from exc
    before = _previous(record)
    m2m = _m2m_values(before) if before is not None else {}
    instance._history_user = user
    instance._change_reason = RESTORED
    instance.save(force_insert=True)
    for name, pks in m2m.items():
        getattr(instance, name).set(pks)


def _set_back(first, last, user) -> None:
    """Give the row of ``first``..``last`` (``~`` records written by the removal) the values
    it had before ``first``; refused if it changed after ``last``."""
    model = first.instance_type
    current = model._default_manager.select_for_update().filter(pk=first.id).first()
    if current is None:
        raise _refused(_("%(what)s finns inte längre.") % {"what": model._meta.verbose_name})
    before = _previous(first)
    if before is None:
        return
    tracked = {f.attname for f in first.tracked_fields}
    fields = [f for f in _restorable(current) if f.attname in tracked]
    if any(getattr(current, f.attname) != getattr(last, f.attname) for f in fields):
        raise _refused(
            _("%(what)s har ändrats efter borttagningen.") % {"what": model._meta.verbose_name}
        )
    changed = [f for f in fields if getattr(before, f.attname) != getattr(last, f.attname)]
    if not changed:
        return
    for f in changed:
        setattr(current, f.attname, getattr(before, f.attname))
    current._history_user = user
    current._change_reason = RESTORED
    current.save(update_fields=[f.name for f in changed])


def removal_restore(*, user, removal: Removal) -> None:
    """Undo ``removal`` (the caller has checked that ``user`` may, in a transaction that
    holds the scope's lock). Raises ``Conflict`` and changes nothing when it cannot."""
    locked = Removal.objects.select_for_update().get(pk=removal.pk)
    if locked.restored_at is not None:
        raise Conflict(_("Det borttagna är redan återställt."))
    records = removal_records(locked)
    removed = [r for r in records if r.history_type == "-"]
    changed: dict[tuple, list] = {}
    for record in records:
        if record.history_type == "~":
            changed.setdefault((record._meta.label_lower, record.id), []).append(record)
    try:
        with transaction.atomic():
            # Parents were removed after their children: bring them back first.
            for record in reversed(removed):
                _bring_back(record, user)
            for group in changed.values():
                _set_back(group[0], group[-1], user)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Foreign keys are checked at commit: check them here, while the
                    # refusal can still be a clear message.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    except IntegrityError as exc:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        raise _refused(_("något det hörde ihop med är ändrat eller borttaget.")) from exc
    locked.restored_by = user
    locked.restored_at = timezone.now()
    locked.save(update_fields=["restored_by", "restored_at"])
    removal.restored_at = locked.restored_at
    removal.restored_by = user


def removals_of(scope: str):
    """The removals within ``scope``, newest first, with who removed and restored."""
    return Removal.objects.filter(scope=scope).select_related("removed_by", "restored_by")
