"""Rendered pages kept per user and per version of the data (``@cached_page``).

A page is stored under a key made of the database's current snapshot
(``pg_current_snapshot()``), the user, the language, the address and the date. The
snapshot names exactly which transactions are visible: every commit that changes
anything in the database (through this app, a Celery worker, the admin or psql)
changes it, and two equal snapshots see the same data. So a stored page is never
older than the data a new request would read, and nothing has to be invalidated:
the first request after any change gets a new key and renders afresh.

Why this is safe:
- The snapshot is read before the view reads any data, so a stored page holds data at
  least as new as its key. The user row, loaded before (by the login check), is part
  of the key itself.
- Only outside a transaction (``in_atomic_block`` false): inside one, the request could
  see its own uncommitted writes under a snapshot other requests share.
- The snapshot is paired with the server's start time: after a restart, a fail-over or
  a restore to an earlier point, transaction ids can be handed out again.
- Pages with pending messages, larger than ``MAX_PAGE_BYTES``, or other than 200
  text/html are not stored.
- CSRF tokens are taken out when a page is stored and the request's own token is put
  back when it is served, so a stored page never carries another session's token.
- Only views decorated with ``@cached_page`` use it: pages whose content depends on
  nothing but the database, the user, the language, the address and the date.

The store is per process (local memory, ``CACHES["pages"]``), bounded in entries and
time, and emptied when a setting changes (tests); on SQLite (the demo default), with
``DEBUG`` (edited templates show at once) and with ``PAGE_CACHE=false`` nothing is cached.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache, wraps

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import connections
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

CACHE_ALIAS = "pages"
MAX_PAGE_BYTES = 1_000_000
_TOKEN = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}(?![A-Za-z0-9])")
_NOT_STORED_HEADERS = {"set-cookie", "content-length"}


def data_version(using: str = "default") -> str | None:
    """The database's current snapshot, or None where pages must not be cached."""
    connection = connections[using]
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or not connection.get_autocommit()
    ):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_postmaster_start_time()::text")
        snapshot, started = cursor.fetchone()
        return f"{connection.settings_dict['NAME']}:{started}:{snapshot}"


@cache
def _placeholder() -> str:
    # Unguessable, so no text a user types can turn into a token when a page is served.
    return "nc-csrf-" + salted_hmac("norrbotten_cases.pagecache", "csrf").hexdigest()


def _user_fingerprint(user) -> tuple:
    return tuple(getattr(user, field.attname) for field in user._meta.concrete_fields)


def page_key(request, version: str) -> str:
    parts = (
        version,
        repr(_user_fingerprint(request.user)),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.path,
        request.META.get("QUERY_STRING", ""),  # raw: two spellings may parse alike or not
        repr(sorted((k, v) for k, v in request.headers.items() if k.lower().startswith("hx-"))),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def _pending_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _freeze(request, response) -> dict | None:
    if getattr(response, "is_rendered", True) is False:
        response.render()
    if (
        response.status_code != 200
        or response.streaming
        or not response.get("Content-Type", "").startswith("text/html")
        or len(response.content) > MAX_PAGE_BYTES
    ):
        return None
    charset = response.charset or "utf-8"
    content = response.content.decode(charset)
    secret = request.META.get("CSRF_COOKIE")
    placeholder = _placeholder()

    def strip(match):
        token = match.group(0)
        return placeholder if secret and _unmask_cipher_token(token) == secret else token

    content = _TOKEN.sub(strip, content)
    headers = {k: v for k, v in response.items() if k.lower() not in _NOT_STORED_HEADERS}
    return {"content": content, "charset": charset, "headers": headers}


def _replay(request, stored: dict) -> HttpResponse:
    content = stored["content"]
    placeholder = _placeholder()
    if placeholder in content:
        content = content.replace(placeholder, get_token(request))
    response = HttpResponse(content.encode(stored["charset"]))
    for name, value in stored["headers"].items():
        response[name] = value
    return response


def cached_page(view):
    """Serve the view's page from the store while the data it was made from is current."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        eligible = (
            settings.PAGE_CACHE
            and not settings.DEBUG
            and request.method == "GET"
            and request.user.is_authenticated
            and not _pending_messages(request)
        )
        version = data_version() if eligible else None
        if version is None:
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = page_key(request, version)
        stored = cache.get(key)
        if stored is not None:
            return _replay(request, stored)
        response = view(request, *args, **kwargs)
        if not _pending_messages(request):
            frozen = _freeze(request, response)
            if frozen is not None:
                cache.set(key, frozen)
        return response

    return wrapper


@receiver(setting_changed)
def _empty_on_setting_change(**kwargs):
    """Pages depend on settings too (tests change them between requests)."""
    caches[CACHE_ALIAS].clear()
