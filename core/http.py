"""How pages answer a service's refusal, the same way in every app.

Services raise ``ValidationError`` (bad input: shown in the form, nothing saved),
``PermissionDenied`` (403, Django's handler) or ``Conflict`` (409: someone else changed
the record first, or it is frozen). The API maps them in ``core.api.exception_handler``;
the pages use the helpers below:

- ``apply_service_errors(form, error)``: a service's ``ValidationError`` on the form,
  per field where the form has the field, else on top;
- ``form_status(request, conflict=...)``: 400 for a refused plain POST, 409 when it was
  refused because of a conflict, 200 for htmx (which swaps only 2xx answers);
- ``conflict_response(request, message)``: a page (409) or, for htmx, a dialog (200) with
  the conflict's reason and a way back;
- ``conflicts_as_409``: a view decorator turning a ``Conflict`` into that answer.
"""

import functools

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from core.errors import Conflict


def apply_service_errors(form, error: ValidationError, *, aliases: dict | None = None) -> None:
    """Put ``error`` on ``form``: each message on the field it names (``aliases`` maps a
    service's field name to the form's), else on the form as a whole."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = aliases.get(name, name)
            target = name if name in form.fields else None
            for item in errors:
                for message in item.messages:
                    form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def form_status(request, *, conflict: bool = False) -> int:
    """The status of a form page answered again with errors."""
    if is_htmx(request) or request.method != "POST":
        return 200
    return 409 if conflict else 400


def conflict_response(
    request, message: str, *, back_url: str = "", back_label: str = "", title: str = ""
) -> HttpResponse:
    """The reason a change could not be made: a 409 page, or a dialog for htmx (200,
    since htmx swaps only 2xx answers)."""
    context = {"message": message, "back_url": back_url, "back_label": back_label, "title": title}
    if is_htmx(request):
        return render(request, "partials/conflict_modal.html", context, status=200)
    return render(request, "conflict.html", context, status=409)


def conflicts_as_409(view):
    """A ``Conflict`` raised by a service becomes ``conflict_response``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Conflict as exc:
            return conflict_response(request, str(exc))

    return wrapper
