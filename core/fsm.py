"""django-fsm helpers shared by the apps.

``ThreadSafeRefreshMixin``: django-fsm's ``FSMModelMixin.refresh_from_db`` makes a
protected state field writable by flipping ``field.protected`` on the *class* for the
duration of the refresh. Two threads refreshing at once (a threaded server, parallel
transitions) can flip it back under each other and fail with "Direct state modification
is not allowed" after the work was saved. This mixin drops the instance's cached state
value instead (the descriptor only refuses to overwrite a value it already holds), so
nothing shared is touched.
"""

from typing import Any, ClassVar

from django.db import models
from django.db.models.options import Options
from django_fsm import FSMFieldMixin


class ThreadSafeRefreshMixin:
    _meta: ClassVar["Options[Any]"]  # the model's, which the mixin is combined with

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        held = {
            field.attname: self.__dict__.pop(field.attname)
            for field in self._meta.concrete_fields
            if isinstance(field, FSMFieldMixin)
            and field.protected
            and field.attname in self.__dict__
        }
        try:
            models.Model.refresh_from_db(
                self, using=using, fields=fields, from_queryset=from_queryset
            )
        finally:
            for attname, value in held.items():  # not reloaded (other fields asked for)
                self.__dict__.setdefault(attname, value)
        update_initial_state = getattr(self, "_update_initial_state", None)
        if update_initial_state is not None:  # ConcurrentTransitionMixin's optimistic lock
            update_initial_state()
