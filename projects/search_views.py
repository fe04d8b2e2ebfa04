"""The site search (header box), saved filters and bulk actions of the case list."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import batch
from core.http import confirm_removal
from core.text import is_number
from projects import permissions, search, secrecy, selectors, services
from projects.models import Organisation, OrganisationAlias, SavedCaseFilter, SecrecyAccessLog
from projects.views import _case_csv, _guard, _next_url

RESULTS_PER_PAGE = 20
MAX_QUERY_CHARS = 200
MAX_BULK_CASES = 500


@require_GET
def site_search(request):
    """Cases ranked by how well they match, each with where it matched; organisations."""
    _guard(permissions.can_view_registry(request.user))
    text = (request.GET.get("q") or "").strip()[:MAX_QUERY_CHARS]
    page = None
    results = []
    organisations = []
    if text:
        cases = selectors.case_search(selectors.site_search_queryset(), text, request.user)
        found_organisations = selectors.organisation_search(text, limit=10)
        # The page's cases chosen by key (ranked and counted in one pass over the matches),
        # then joined for those only; the organisations in the same round trip. (Joined
        # first, every match was joined to its project before the page was cut out: a
        # common word at 200 000 cases, 130 ms.)
        page = batch.paginate(
            Paginator(cases, RESULTS_PER_PAGE),
            request.GET.get("page"),
            found_organisations,
            count_with_rows=True,
        )
        results = [{"case": case, "snippets": _snippets(request, case, text)} for case in page]
        organisations = list(found_organisations)
    return render(
        request,
        "projects/search.html",
        {
            "q": text,
            "header_search_q": text,
            "search_query": urlencode({"q": text}),
            "page": page,
            "results": results,
            "organisations": organisations,
            # the embedded default (SQLite) matches without ranking
            "ranked": settings.USING_POSTGRES,
        },
    )


def _snippets(request, case, text: str) -> list:
    """Where ``case`` matched ``text``. For a user allowed to see the case's marked
    material, from its whole document (``secret_search_text``); when that shows more than
    the public text does, marked material is shown, and the view is written to the
    access log as the case page's is (OSL)."""
    snippets = _matched(case, "search_text", case.search_head, text)
    if not case.search_secret:
        return snippets
    whole = _matched(case, "secret_search_text", case.secret_search_head, text)
    if whole != snippets:
        secrecy.log_access(
            user=request.user,
            case=case,
            action=SecrecyAccessLog.Action.VIEW,
            what=_("Sökträffar med sekretessmarkerade uppgifter för ”%(text)s”") % {"text": text},
            path=request.path,
        )
    return whole


def _matched(case, column: str, head: str, text: str) -> list:
    """The snippets from the start of the stored text (``selectors.SNIPPET_HEAD``), or from
    all of it (read now) when the start is cut and holds none."""
    snippets = search.match_snippets(head, text)
    if not snippets and len(head) >= selectors.SNIPPET_HEAD:
        snippets = search.match_snippets(getattr(case, column), text)
    return snippets


# --- Saved filters --------------------------------------------------------------------


@require_POST
def saved_filter_create(request):
    _guard(permissions.can_view_registry(request.user))
    back = reverse("projects:case_list")
    query = request.POST.get("query", "")
    try:
        saved = services.saved_filter_save(
            user=request.user, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{back}?{query}" if query else back)
    messages.success(request, _("Filtret %(name)s sparades.") % {"name": saved.name})
    return redirect(f"{back}?{saved.query}")


@require_http_methods(["GET", "POST"])
def saved_filter_delete(request, pk):
    saved = get_object_or_404(SavedCaseFilter, pk=pk)
    if saved.user_id != request.user.pk:
        raise PermissionDenied(_("Filtret tillhör en annan användare."))
    return confirm_removal(
        request,
        title=_("Ta bort sparat filter"),
        question=_("Ta bort filtret %(name)s?") % {"name": saved.name},
        remove=lambda: services.saved_filter_delete(user=request.user, saved=saved),
        back_url=reverse("projects:case_list"),
        done_message=_("Filtret %(name)s togs bort.") % {"name": saved.name},
    )


# --- Bulk actions -----------------------------------------------------------------------


def _selected_cases(request):
    ids = []
    for value in request.POST.getlist("cases")[:MAX_BULK_CASES]:
        if is_number(value):
            ids.append(int(value))
    return ids


@require_POST
def case_bulk(request):
    """Assign the selected cases to an officer, or export them (CSV)."""
    _guard(permissions.can_view_registry(request.user))
    back = _next_url(request, reverse("projects:case_list"))
    ids = _selected_cases(request)
    if not ids:
        messages.error(request, _("Markera minst ett ärende."))
        return redirect(back)
    action = request.POST.get("action")
    if action == "export":
        return _case_csv(selectors.case_table_queryset().filter(pk__in=ids))
    if action != "assign":
        messages.error(request, _("Välj vad som ska göras med de markerade ärendena."))
        return redirect(back)
    _guard(permissions.can_bulk_assign(request.user))
    officer = selectors.officers().filter(pk=request.POST.get("officer") or 0).first()
    if officer is None:
        messages.error(request, _("Välj en handläggare att fördela ärendena till."))
        return redirect(back)
    cases = list(selectors.case_list_queryset().filter(pk__in=ids))
    changed, refused = services.cases_bulk_assign(user=request.user, cases=cases, officer=officer)
    if changed:
        messages.success(
            request,
            _("%(count)s ärenden fördelades till %(name)s.")
            % {"count": len(changed), "name": officer.get_full_name() or officer.username},
        )
    for case, reason in refused:
        messages.error(request, f"{case.dnr}: {reason}")
    return redirect(back)


# --- Other names of organisations ----------------------------------------------------------


@require_POST
def organisation_alias_add(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    _guard(permissions.can_edit_organisation(request.user, organisation))
    try:
        alias = services.organisation_alias_add(
            user=request.user, organisation=organisation, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s lades till.") % {"name": alias.name})
    return redirect(organisation.get_absolute_url())


@require_http_methods(["GET", "POST"])
def organisation_alias_delete(request, pk):
    alias = get_object_or_404(OrganisationAlias.objects.select_related("organisation"), pk=pk)
    organisation = alias.organisation
    _guard(permissions.can_edit_organisation(request.user, organisation))
    return confirm_removal(
        request,
        title=_("Ta bort namn"),
        question=_("Ta bort namnet %(alias)s från %(organisation)s?")
        % {"alias": alias.name, "organisation": organisation.name},
        note=_("Organisationen hittas inte längre i sökningen på det namnet."),
        remove=lambda: services.organisation_alias_remove(user=request.user, alias=alias),
        back_url=organisation.get_absolute_url(),
        done_message=_("%(name)s togs bort.") % {"name": alias.name},
    )
