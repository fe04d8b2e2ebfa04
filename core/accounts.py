"""The user's own account: API tokens, sessions and their limits (services and selectors).

- API tokens (django-rest-knox, ``core.models.ApiToken``): hashed, named, expiring,
  several per user; the plain token is shown once, when it is made.
- Sessions: ``SESSION_IDLE_TIMEOUT`` (default 30 minutes without a request) and
  ``SESSION_ABSOLUTE_LIFETIME`` (default 10 hours after the login) end a session
  (``core.middleware.SessionPolicyMiddleware``); each login is recorded
  (``UserSession``) so that "log out everywhere" ends every session of the user.
"""

import datetime
import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import ApiToken, UserSession
from core.text import contains_nul

LOGIN_AT = "nc_login_at"  # session key: epoch seconds of the login
LAST_SEEN = "nc_last_seen"  # session key: epoch seconds of the last request (kept per minute)
SEEN_RESOLUTION = 60  # seconds: the last-seen time is written at most this often


# --- API tokens ----------------------------------------------------------------------


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created")


@transaction.atomic
def api_token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid ``days`` days (the default and the most are
    settings). Returns the token row and the plain token, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Ge nyckeln ett namn, t.ex. vad den används till.")})
    if len(name) > 100 or contains_nul(name):
        raise ValidationError({"name": _("Namnet får vara högst 100 tecken.")})
    if days is None:
        days = settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("En nyckel gäller mellan 1 och %(max)s dagar.")
                % {"max": settings.API_TOKEN_MAX_DAYS}
            }
        )
    if api_tokens_of(user).filter(name=name).exists():
        raise ValidationError({"name": _("Du har redan en nyckel med det namnet.")})
    token, plain = ApiToken.objects.create(
        user=user, expiry=datetime.timedelta(days=days), name=name
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, user, token_id: int | str) -> None:
    """Revoke one of the user's own tokens (another user's token is unknown here: 404)."""
    token = ApiToken.objects.filter(user=user, digest=str(token_id)).first()
    if token is None:
        raise Http404
    token.delete()


def api_token_touch(token: ApiToken) -> None:
    """Note that the token was used (written at most once a minute)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= SEEN_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Sessions ------------------------------------------------------------------------


def session_started(*, request, user, method: str = "password") -> None:
    """Called at every login: remember when, and which session, for the limits and for
    "log out everywhere"."""
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    key = request.session.session_key
    if key:
        UserSession.objects.update_or_create(
            session_key=key, defaults={"user": user, "method": method}
        )


def session_expired(session) -> str:
    """Why the session has ended ("idle", "lifetime"), or "" while it is valid."""
    now = time.time()
    login_at = session.get(LOGIN_AT)
    last_seen = session.get(LAST_SEEN)
    if not isinstance(login_at, int | float) or not isinstance(last_seen, int | float):
        return ""
    if now - login_at > settings.SESSION_ABSOLUTE_LIFETIME:
        return "lifetime"
    if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return ""


def session_seen(session) -> None:
    now = time.time()
    if LOGIN_AT not in session:
        session[LOGIN_AT] = now
        session[LAST_SEEN] = now
        return
    last_seen = session.get(LAST_SEEN)
    if not isinstance(last_seen, int | float) or now - last_seen >= SEEN_RESOLUTION:
        session[LAST_SEEN] = now


def sessions_of(user) -> QuerySet[UserSession]:
    return UserSession.objects.filter(
        user=user,
        session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values(
            "session_key"
        ),
    ).order_by("-created_at")


@transaction.atomic
def sessions_end_all(*, user) -> int:
    """Log the user out everywhere: every session they logged in with ends now."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)
