"""Pages of one's own work: Mina uppgifter, the notifications and their settings."""

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import notifications
from core.models import NotificationKind
from core.worklist import task_count, tasks_for


def my_tasks(request):
    tasks = tasks_for(request.user)
    return render(request, "home/my_tasks.html", {"tasks": tasks, "today": timezone.localdate()})


def header_counts(request):
    """The counts beside "Mina uppgifter" and "Aviseringar" in the header, loaded by htmx
    after the page, so no page's own queries grow with the apps' task sources."""
    return render(
        request,
        "home/task_count.html",
        {
            "count": task_count(request.user),
            "unread": notifications.unread_count(request.user),
        },
    )


def notification_list(request):
    rows = list(notifications.notifications_of(request.user)[:100])
    unread = any(row.read_at is None for row in rows)
    return render(request, "home/notifications.html", {"notifications": rows, "unread": unread})


@require_POST
def notification_read(request, pk: int):
    """Mark one as read and follow its link (``?go=1``), or back to the list."""
    notifications.notification_mark_read(user=request.user, notification_id=pk)
    notice = notifications.notifications_of(request.user).filter(pk=pk).first()
    url = notice.url if notice is not None else ""
    if request.POST.get("go") and url.startswith("/") and not url.startswith("//"):
        return redirect(url)
    return redirect("notification_list")


@require_POST
def notification_read_all(request):
    notifications.notification_mark_read(user=request.user)
    return redirect("notification_list")


class NotificationSettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Språk i e-post och aviseringar"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, preferences: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            in_app, email = preferences[kind]
            self.fields[f"{kind}__in_app"] = forms.BooleanField(
                label=label, required=False, initial=in_app
            )
            self.fields[f"{kind}__email"] = forms.BooleanField(
                label=label, required=False, initial=email
            )

    def rows(self):
        return [
            (label, self[f"{kind}__in_app"], self[f"{kind}__email"])
            for kind, label in NotificationKind.choices
        ]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            kind: (data[f"{kind}__in_app"], data[f"{kind}__email"])
            for kind in NotificationKind.values
        }


def notification_settings(request):
    preferences = notifications.preferences_of(request.user)
    initial = {"language": notifications.user_language(request.user)}
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST, preferences=preferences, initial=initial)
        if form.is_valid():
            notifications.notification_settings_save(
                user=request.user,
                language=form.cleaned_data["language"],
                choices=form.choices(),
            )
            return redirect("notification_settings")
        return render(request, "home/notification_settings.html", {"form": form}, status=400)
    form = NotificationSettingsForm(preferences=preferences, initial=initial)
    return render(request, "home/notification_settings.html", {"form": form})
