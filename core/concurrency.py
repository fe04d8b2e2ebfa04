"""Optimistic locking, one scheme for every editable record: an edit version.

A ``Versioned`` row carries ``version``, raised by one on every save through the ORM.
An edit form or an API client keeps the version it read (forms: a hidden field; the API:
``version``, or ``edit_token`` / ``If-Match`` for cases, projects and organisations,
whose token is the version as text). The service locks the row with ``lock_current`` and
raises ``Conflict`` (409) when the stored version is no longer the one the user started
from, so nobody silently overwrites a colleague's edit.
"""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict


class Versioned(models.Model):
    """A row with an edit version, raised by one on every save of an existing row."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def stale_message() -> str:
    return _(
        "Någon annan har ändrat uppgifterna sedan du öppnade formuläret. "
        "Ladda om sidan och gör om din ändring."
    )


def edit_token(obj: Versioned) -> str:
    """The version as an opaque token (API ``edit_token``, forms' hidden field)."""
    return str(obj.version)


def ensure_current(obj: Versioned, expected) -> None:
    """``Conflict`` unless ``expected`` (a version or its token; empty: not checked) is
    the stored version of ``obj`` (locked by the caller)."""
    if expected in (None, ""):
        return
    try:
        current = int(str(expected).strip().strip('"'))
    except ValueError:
        current = None
    if current != obj.version:
        raise Conflict(stale_message())


def lock(model, pk):
    """The row ``pk`` locked for update; ``Conflict`` if someone deleted it meanwhile."""
    try:
        return model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:
        raise Conflict(_("Posten finns inte längre. Någon annan har tagit bort den.")) from exc


def lock_current(model, pk, expected=None):
    """The row ``pk`` locked for update; ``Conflict`` if it changed since version
    ``expected`` was read (see ``ensure_current``) or is gone."""
    current = lock(model, pk)
    ensure_current(current, expected)
    return current
