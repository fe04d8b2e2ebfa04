"""Optimistic locking for edit forms: a fingerprint of the stored row.

An edit form carries ``edit_token(obj)`` of the row it was rendered from. The service
locks the row, recomputes the token and raises ``Conflict`` (409) when someone else
changed the row in between, so nobody silently overwrites a colleague's edit.
"""

import hashlib
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from core.errors import Conflict

_SKIPPED = {"search_vector"}


def _stored(field, obj) -> str:
    value = field.value_from_object(obj)
    if isinstance(field, models.DecimalField) and value is not None:
        return f"{Decimal(value):.{field.decimal_places}f}"  # 1222867 == 1222867.00
    return field.value_to_string(obj)


def edit_token(obj) -> str:
    """A short fingerprint of the concrete field values of ``obj`` as stored."""
    parts = [
        f"{field.attname}={_stored(field, obj)}"
        for field in obj._meta.concrete_fields
        if field.name not in _SKIPPED
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def lock_fresh(model, pk, expected_token: str | None = None):
    """The row ``pk`` locked for update; ``Conflict`` if it changed since ``expected_token``."""
    try:
        current = model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:
        raise Conflict(_("Posten finns inte längre. Någon annan har tagit bort den.")) from exc
    if expected_token and edit_token(current) != expected_token:
        raise Conflict(
            _(
                "Någon annan har ändrat uppgifterna sedan du öppnade formuläret. "
                "Ladda om sidan och gör om din ändring."
            )
        )
    return current
