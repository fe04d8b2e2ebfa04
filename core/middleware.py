from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.translation import gettext as _


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page requires login, except views marked ``@login_not_required``.

    The JSON API answers for itself: DRF returns 401 with a ``WWW-Authenticate``
    header to anonymous clients instead of a redirect to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if is_download(response):
            # A downloaded document (protocols, extracts, exports, uploads) is never kept
            # in a browser's or a proxy's cache.
            response.headers["Cache-Control"] = "no-store"
        return response


def content_security_policy() -> str:
    """The CSP; with single sign-on, the logout form may lead on to the provider's
    end-session endpoint (form-action governs the redirects after a form, too)."""
    policy = settings.CONTENT_SECURITY_POLICY
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    if getattr(settings, "OIDC_ENABLED", False) and endpoint:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        policy = policy.replace("form-action 'self'", f"form-action 'self' {origin}")
    return policy


def is_download(response) -> bool:
    return (
        isinstance(response, FileResponse | StreamingHttpResponse)
        or "Content-Disposition" in response.headers
    )


class NulInputMiddleware:
    """A query parameter or form field containing a NUL character is refused with 400.

    No text the app keeps may contain NUL (PostgreSQL cannot store it in text, and no
    browser sends it from a form); answering here keeps such input from reaching a query
    or a service as a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest(
                _("Adressen eller formuläret innehåller ett otillåtet tecken (NUL)."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class SessionPolicyMiddleware:
    """Ends a session after ``SESSION_IDLE_TIMEOUT`` seconds without a request or
    ``SESSION_ABSOLUTE_LIFETIME`` seconds after the login; the next page asks for a new
    login and says why. Runs after the authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib import messages
        from django.contrib.auth import logout

        from core import accounts

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            reason = accounts.session_expired(request.session)
            if reason:
                logout(request)
                messages.info(
                    request,
                    _("Du har loggats ut efter en tid utan aktivitet. Logga in igen.")
                    if reason == "idle"
                    else _("Din inloggning har gått ut. Logga in igen."),
                )
            else:
                accounts.session_seen(request.session)
        return self.get_response(request)
