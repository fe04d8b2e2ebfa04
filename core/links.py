"""Links: absolute ones for places outside a request (e-mails), and object URLs that do not
cost a ``reverse`` each."""

from collections.abc import Callable

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_MARKER = 987654321
_routes: dict[tuple, tuple[str, str] | None] = {}


def absolute_url(path: str) -> str:
    """``/workflow/sammantraden/1/`` -> ``https://cases.norrbotten.se/workflow/sammantraden/1/``."""
    return f"{settings.SITE_URL}{path}"


def _route_key(name: str, current_app) -> tuple:
    # What a reversed URL depends on besides its arguments: the URL configuration (a request
    # or a test may change it), the script prefix, the language (i18n_patterns) and the
    # application instance.
    return (
        name,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
        current_app,
    )


def _route(name: str, current_app=None) -> tuple[str, str] | None:
    """The route's text around its one numeric argument, or None when the route does not
    write a number as it is (a converter that pads or formats it): checked with two numbers."""
    key = _route_key(name, current_app)
    if key in _routes:
        return _routes[key]
    try:
        head, found, tail = reverse(name, args=[_MARKER], current_app=current_app).partition(
            str(_MARKER)
        )
        route = (head, tail) if found else None
        if route and reverse(name, args=[7], current_app=current_app) != f"{head}7{tail}":
            route = None
    except NoReverseMatch:  # a route that takes no such number (a year of four digits)
        route = None
    _routes[key] = route
    return route


def object_url(name: str, pk, current_app=None) -> str:
    """``reverse(name, args=[pk])`` for a route with one integer argument (``<int:pk>/``).

    The route is reversed once (per URL configuration, script prefix, language) and the
    number put in its place: a list of fifty cases asked their ``get_absolute_url()`` fifty
    times, each ``reverse`` as costly as the rest of its row.
    """
    route = _route(name, current_app)
    if route is None:
        return reverse(name, args=[pk], current_app=current_app)
    return f"{route[0]}{int(pk)}{route[1]}"


def object_urls(name: str, current_app=None) -> Callable[[int], str]:
    """``object_url`` for many objects of one route: the route looked up once (a table
    of a hundred documents' links)."""
    route = _route(name, current_app)
    if route is None:
        return lambda pk: reverse(name, args=[pk], current_app=current_app)
    head, tail = route
    return lambda pk: f"{head}{int(pk)}{tail}"


_fixed: dict[tuple, str] = {}


def fixed_url(name: str, current_app=None) -> str:
    """``reverse(name)`` for a route without arguments, reversed once (per URL
    configuration, script prefix, language): every page's menu has a dozen."""
    key = _route_key(name, current_app)
    url = _fixed.get(key)
    if url is None:
        url = _fixed[key] = reverse(name, current_app=current_app)
    return url


def cached_reverse(name: str, args=(), kwargs=None, current_app=None) -> str:
    """``reverse`` through ``fixed_url`` or ``object_url`` where they apply (no arguments;
    one integer), else ``reverse`` itself. Raises ``NoReverseMatch`` as ``reverse`` does."""
    if not kwargs:
        if not args:
            return fixed_url(name, current_app)
        if len(args) == 1 and type(args[0]) is int:
            return object_url(name, args[0], current_app)
    return reverse(name, args=args, kwargs=kwargs, current_app=current_app)
