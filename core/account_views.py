"""Login, logout and the user's own account page (profile, password, API tokens,
"log out everywhere")."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import accounts, mail, oidc
from core.http import apply_service_errors, form_status


class LoginView(auth_views.LoginView):
    """The login page: the identity provider's button when OIDC is on, the password form
    when local login is on (``LOCAL_LOGIN``, off by default when OIDC is on)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_LOGIN_ENABLED:
            raise PermissionDenied(_("Inloggning med lösenord är avstängd. Logga in via regionen."))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_url = context.get("next") or ""
        context.update(
            {
                "oidc_enabled": oidc.enabled(),
                "local_login": settings.LOCAL_LOGIN_ENABLED,
                "oidc_url": reverse("oidc_authentication_init")
                + (f"?next={next_url}" if next_url else ""),
                "oidc_failed": self.request.GET.get("oidc") == "failed",
                "provider_name": settings.OIDC_PROVIDER_NAME,
            }
        )
        return context


@require_POST
def logout_view(request):
    """Log out here, and at the identity provider when the session began there."""
    target = reverse(settings.LOGOUT_REDIRECT_URL)
    if oidc.session_uses_oidc(request) and settings.OIDC_OP_LOGOUT_ENDPOINT:
        target = oidc.provider_logout_url(request, request.session.get("oidc_id_token", ""))
    logout(request)
    return HttpResponseRedirect(target)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Namn"),
        max_length=100,
        help_text=gettext_lazy("Vad nyckeln används till, t.ex. ”Ekonomisystemets import”."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Giltig i antal dagar"),
        min_value=1,
        max_value=3650,
        initial=90,
    )


def _profile_context(request, **extra):
    user = request.user
    return {
        "tokens": list(accounts.api_tokens_of(user)),
        "failed_emails": list(mail.failed_emails_of(user)),
        "sessions": list(accounts.sessions_of(user)),
        "uses_oidc": oidc.session_uses_oidc(request),
        "has_password": user.has_usable_password(),
        "token_form": TokenForm(initial={"days": settings.API_TOKEN_DEFAULT_DAYS}),
        "max_days": settings.API_TOKEN_MAX_DAYS,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        "lifetime_hours": settings.SESSION_ABSOLUTE_LIFETIME // 3600,
        **extra,
    }


@never_cache
def profile(request):
    return render(request, "account/profile.html", _profile_context(request))


@never_cache
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, plain = accounts.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            # The plain token is shown on this one answer only (never stored, never cached).
            return render(
                request,
                "account/profile.html",
                _profile_context(request, new_token=plain, new_token_row=token),
            )
    return render(
        request,
        "account/profile.html",
        _profile_context(request, token_form=form),
        status=form_status(request),
    )


@require_POST
def token_revoke(request, digest):
    accounts.api_token_revoke(user=request.user, token_id=digest)
    messages.success(request, _("API-nyckeln är återkallad."))
    return redirect("account_profile")


@require_POST
def logout_everywhere(request):
    count = accounts.sessions_end_all(user=request.user)
    logout(request)
    messages.success(
        request,
        _("Du är utloggad överallt (%(count)s inloggningar avslutade).") % {"count": count},
    )
    return redirect("login")


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (users who log in at the identity provider have none)."""

    form_class = PasswordChangeForm
    template_name = "account/password_change.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_usable_password():
            raise PermissionDenied(
                _("Ditt konto loggar in via regionens inloggning och har inget eget lösenord.")
            )
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.save()
        # This session stays; every other session of the user ends (Django's session hash).
        update_session_auth_hash(self.request, form.user)
        messages.success(
            self.request, _("Ditt lösenord är ändrat. Dina andra inloggningar är avslutade.")
        )
        return redirect("account_profile")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = form_status(self.request)
        return response
