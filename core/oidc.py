"""Single sign-on through the region's identity provider (OpenID Connect).

mozilla-django-oidc does the protocol (authorization code flow, nonce, state, the ID token's
signature checked against the provider's keys); this module adds what the region needs:

- ``OIDCBackend``: a user is matched by one claim (``OIDC_USERNAME_CLAIM``, the HSA-id's
  ``sub`` by default) or created on first login without a local password; names and e-mail
  follow the provider; the app's roles follow the groups claim through ``OIDC_ROLE_MAP``
  (groups the map does not name give no role; roles the claim no longer gives are removed).
- re-authentication for justering: ``reauthenticate_url`` sends the user to the provider
  with ``prompt=login`` (and ``max_age``: ``OIDC_REAUTH_MAX_AGE``); the callback accepts the answer only for the same
  user and only if the provider's ``auth_time`` is after the request, and keeps that time in
  the session (``reauthenticated_at``) for the signing service to check.
- logout at the provider too (``provider_logout_url``, RP-initiated logout with the ID token).

Without ``OIDC_RP_CLIENT_ID`` (``OIDC_ENABLED`` off) the views answer 404 and the backend
never authenticates.
"""

import datetime
import logging
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.roles import Role

logger = logging.getLogger(__name__)

# Session keys.
AUTH_METHOD = "nc_auth_method"  # "oidc" when the session began at the identity provider
REAUTH_REQUESTED = "nc_oidc_reauth_requested_at"  # epoch seconds
REAUTHENTICATED = "nc_oidc_reauthenticated_at"  # epoch seconds (the provider's auth_time)
SKEW = 5  # seconds of clock difference tolerated between the app and the provider


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def session_uses_oidc(request) -> bool:
    return enabled() and request.session.get(AUTH_METHOD) == "oidc"


def roles_from_groups(groups) -> set[str]:
    """The app's roles for a groups claim, through ``OIDC_ROLE_MAP`` (group -> role)."""
    if isinstance(groups, str):
        groups = [groups]
    mapping = settings.OIDC_ROLE_MAP
    return {mapping[g] for g in groups or [] if isinstance(g, str) and mapping.get(g) in Role}


class OIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the OIDC callback passes a nonce; a password login never reaches the provider.
        if not enabled() or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ValueError) as exc:
            # A code the provider does not accept, a token that does not verify, the
            # provider unreachable: nobody is logged in, the login page says so.
            logger.warning("oidc: login refused: %s", exc)
            return None

    # --- who the claims name ------------------------------------------------------------

    def _username(self, claims) -> str:
        value = claims.get(settings.OIDC_USERNAME_CLAIM)
        return value.strip() if isinstance(value, str) else ""

    def describe_user_by_claims(self, claims):
        return f"{settings.OIDC_USERNAME_CLAIM} {self._username(claims)!r}"

    def verify_claims(self, claims):
        username = self._username(claims)
        return bool(username) and len(username) <= 150 and "\x00" not in username

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self._username(claims))

    def create_user(self, claims):
        user = self.UserModel(username=self._username(claims))
        user.set_unusable_password()
        self._copy_claims(user, claims)
        user.save()
        self._sync_roles(user, claims)
        logger.info("oidc: created user %s", user.username)
        return user

    def update_user(self, user, claims):
        self._copy_claims(user, claims)
        user.save(update_fields=["first_name", "last_name", "email"])
        self._sync_roles(user, claims)
        return user

    def _copy_claims(self, user, claims):
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            if isinstance(claims.get(claim), str):
                setattr(user, field, claims[claim][:150])
        if isinstance(claims.get("email"), str):
            user.email = claims["email"][:254]

    def _sync_roles(self, user, claims):
        wanted = roles_from_groups(claims.get(settings.OIDC_GROUPS_CLAIM))
        current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if wanted != current:
            user.groups.remove(*Group.objects.filter(name__in=current - wanted))
            user.groups.add(*Group.objects.filter(name__in=wanted - current))
            user.__dict__.pop("_nc_roles", None)

    # --- re-authentication ------------------------------------------------------------

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        session = self.request.session
        requested = session.pop(REAUTH_REQUESTED, None)
        if requested is None or user is None:
            return user
        current = getattr(self.request, "user", None)
        if not current or not current.is_authenticated or current.pk != user.pk:
            raise SuspiciousOperation("re-authentication by another user")
        auth_time = payload.get("auth_time")
        if not isinstance(auth_time, int | float) or auth_time + SKEW < requested:
            raise SuspiciousOperation("the provider did not log the user in again")
        session[REAUTHENTICATED] = float(auth_time)
        return user


@method_decorator(login_not_required, name="dispatch")
class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; ``?reauth=1`` asks for a fresh login."""

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        if request.GET.get("reauth") == "1" and request.user.is_authenticated:
            request.session[REAUTH_REQUESTED] = time.time()
            # prompt=login makes the provider ask again; max_age is the same bound the
            # signing service applies (0 loops at providers that count whole seconds).
            params.update({"prompt": "login", "max_age": str(settings.OIDC_REAUTH_MAX_AGE)})
        else:
            request.session.pop(REAUTH_REQUESTED, None)
        return params


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self):
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            # A refused new login (re-authentication): back where the user was, still
            # logged in as before.
            messages.error(
                self.request,
                _("Den nya inloggningen godtogs inte. Logga in på nytt som dig själv."),
            )
            return self.request.session.get("oidc_login_next") or reverse("home")
        return reverse("login") + "?oidc=failed"


def reauthenticate_url(next_url: str) -> str:
    return reverse("oidc_authentication_init") + "?" + urlencode({"reauth": "1", "next": next_url})


def reauthenticated_at(request) -> datetime.datetime | None:
    """When the user last logged in again at the provider for this session (or None)."""
    value = request.session.get(REAUTHENTICATED)
    if not isinstance(value, int | float):
        return None
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def consume_reauthentication(request) -> None:
    """A fresh login proves one signature, not the next."""
    request.session.pop(REAUTHENTICATED, None)


def is_fresh(moment: datetime.datetime | None) -> bool:
    if moment is None:
        return False
    age = (timezone.now() - moment).total_seconds()
    return -SKEW <= age <= settings.OIDC_REAUTH_MAX_AGE


def provider_logout_url(request, id_token: str) -> str:
    """The provider's end-session endpoint, coming back to the login page."""
    params = {"post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
    if id_token:
        params["id_token_hint"] = id_token
    return settings.OIDC_OP_LOGOUT_ENDPOINT + "?" + urlencode(params)
