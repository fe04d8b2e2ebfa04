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
- ``conflicts_as_409``: a view decorator turning a ``Conflict`` into that answer;
- ``confirm_removal(request, ...)``: every removal's page. GET shows what will be removed
  (``templates/core/confirm_remove.html``, works without JavaScript), POST removes and goes
  back with a message, and with an "Ångra" button when the removal can be undone
  (``core.removal``); ``offer_undo`` / the ``undo_offer`` tag show that button once;
- ``safe_next(request, default)``: the ``next`` URL of the request if it is on this site;
- ``save_from_form`` / ``form_page``: a form page whose valid POST runs a service call, with
  the service's refusals answered as above.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

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


def query_without(request, *keys: str) -> str:
    """The request's query string without ``keys`` (a list's links to its other pages keep
    its filters: ``query_without(request, "page")``)."""
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


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


def safe_next(request, default: str) -> str:
    """The ``next`` of the request (POST, else GET) when it points into this site."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _go(request, url: str) -> HttpResponse:
    """Back to ``url``; for htmx a client-side redirect, and a reload when ``url`` is the
    page the user is on with a fragment (htmx would only scroll)."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        target = urlsplit(url)
        current = urlsplit(getattr(request.htmx, "current_url", None) or "")
        if target.fragment and (target.path, target.query) == (current.path, current.query):
            response["HX-Refresh"] = "true"
        return response
    return redirect(url)


UNDO_SESSION_KEY = "core_undo_offer"


def offer_undo(request, *, url: str, what: str) -> None:
    """Show an "Ångra" button (a POST form to ``url``) on the next page, once."""
    request.session[UNDO_SESSION_KEY] = {"url": url, "what": what}


def take_undo_offer(request) -> dict | None:
    session = getattr(request, "session", None)
    if session is None or UNDO_SESSION_KEY not in session:
        return None
    return session.pop(UNDO_SESSION_KEY)


@dataclass
class Undo:
    """How a removal can be undone: ``core.removal.removal_record`` keeps its records
    under ``kind`` and ``scope``; the "Ångra" button posts to ``url_name`` with the
    ``Removal``'s pk. ``what`` names what is removed in the history ("Yrkandet i § 36
    ...", default: the question)."""

    kind: str
    scope: str
    url_name: str
    what: str = ""


def confirm_removal(
    request,
    *,
    title: str,
    question: str,
    remove: Callable[[], object],
    back_url: str,
    done_message: str,
    details: Sequence[str] = (),
    note: str = "",
    undo: Undo | None = None,
) -> HttpResponse:
    """A removal: GET asks (what will be removed, "Ta bort" and "Avbryt" back to where
    the user came from), POST calls ``remove`` (the app's service, which checks the
    permission again) and goes back to the ``next`` URL (else ``back_url``) with
    ``done_message``; with ``undo``, the message has an "Ångra" button.

    The view checks that the user may remove before calling this, so that a GET of the
    page is refused to the same users as the POST. ``ValidationError`` becomes an error
    message, ``Conflict`` a 409 page.
    """
    back = safe_next(request, back_url)
    if request.method == "GET":
        return render(
            request,
            "core/confirm_remove.html",
            {
                "title": title,
                "question": question,
                "details": details,
                "note": note,
                "cancel_url": back,
                "next_url": safe_next(request, ""),
                "can_undo": undo is not None,
            },
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    from core import removal as removals  # the model registry is ready by now

    try:
        if undo is None:
            remove()
            record = None
        else:
            record = removals.removal_record(
                user=request.user,
                remove=remove,
                kind=undo.kind,
                description=undo.what or question,
                scope=undo.scope,
                back_url=back,
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _go(request, back)
    except Conflict as exc:
        return conflict_response(request, str(exc), back_url=back)
    if record is not None and undo is not None:
        offer_undo(request, url=reverse(undo.url_name, args=[record.pk]), what=done_message)
    else:
        messages.success(request, done_message)
    return _go(request, back)


def save_from_form(request, form, action, *, success_message: str):
    """Run ``action()`` (a service call) for a valid ``form``: (its result or True, None)
    with ``success_message`` shown, or (None, None) with the service's ``ValidationError``
    on the form, or (None, the reason) for a ``Conflict``, also on the form."""
    try:
        result = action()
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None, None
    except Conflict as exc:
        form.add_error(None, str(exc))
        return None, str(exc)
    messages.success(request, success_message)
    return result or True, None


def form_page(request, form, save, *, done, success_message, context, template, reload=None):
    """A form page. GET shows ``form``; a valid POST runs ``save()``, the service call,
    and goes to ``done`` (a URL, or a function of what ``save`` returned). A service's
    ValidationError becomes the form's errors (400), a Conflict keeps what was typed with
    the reason (409); htmx gets 200 either way, since it swaps only 2xx answers.
    ``reload`` (the edited instance) is read again before the page is shown, since a
    bound ModelForm has written the typed values onto it."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        result, conflict = save_from_form(request, form, save, success_message=success_message)
        if result:
            return redirect(done(result) if callable(done) else done)
    if reload is not None:
        reload.refresh_from_db()
    return render(
        request,
        template,
        {**context, "form": form, "conflict": conflict},
        status=form_status(request, conflict=bool(conflict)),
    )
