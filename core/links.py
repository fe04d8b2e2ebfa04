"""Links: absolute ones for places outside a request (e-mails), and object URLs that do not
cost a ``reverse`` each."""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 987654321
_routes: dict[tuple, tuple[str, str]] = {}


def absolute_url(path: str) -> str:
    """``/workflow/sammantraden/1/`` -> ``https://cases.norrbotten.se/workflow/sammantraden/1/``."""
    return f"{settings.SITE_URL}{path}"


def object_url(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for a route with one integer argument (``<int:pk>/``).

    The route is reversed once per name (and URL configuration and script prefix, which a
    request may change) and the number put in its place: a list of fifty cases asked their
    ``get_absolute_url()`` fifty times, each ``reverse`` as costly as the rest of its row.
    """
    key = (name, get_urlconf(), get_script_prefix())
    route = _routes.get(key)
    if route is None:
        head, _, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
        route = _routes[key] = (head, tail)
    return f"{route[0]}{int(pk)}{route[1]}"
