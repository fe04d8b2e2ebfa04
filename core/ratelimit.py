"""A small per-client rate limit for the pages anyone may open without logging in.

``@rate_limited("public")`` counts the requests of one client IP in fixed windows of
``PUBLIC_RATE_WINDOW`` seconds in Django's cache and answers ``429 Too Many Requests``
(with ``Retry-After`` and a Swedish message) beyond ``PUBLIC_RATE_LIMIT`` requests.
A limit of 0 turns it off. The client IP is ``REMOTE_ADDR``: behind a reverse proxy, the
proxy must set it (e.g. gunicorn's ``--forwarded-allow-ips``), never a header a client
can forge.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, ip: str, *, limit: int, window: int, now: float | None = None) -> int:
    """Count one request of ``ip`` in the current window; the seconds to wait when it is
    over ``limit``, else 0."""
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"ratelimit:{scope}:{ip}:{slot}"
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            count = 1
    if count <= limit:
        return 0
    return max(1, int((slot + 1) * window - now))


def rate_limited(scope: str, *, template: str = "public/rate_limited.html"):
    """Limit a view to ``PUBLIC_RATE_LIMIT`` requests per ``PUBLIC_RATE_WINDOW`` seconds
    per client IP."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            limit = settings.PUBLIC_RATE_LIMIT
            if limit > 0:
                wait = hit(
                    scope, client_ip(request), limit=limit, window=settings.PUBLIC_RATE_WINDOW
                )
                if wait:
                    response = render(request, template, {"retry_after": wait}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
