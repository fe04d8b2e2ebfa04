"""Notifications (core.notifications): in the app and by e-mail with an absolute link, in
the recipient's language, as the recipient chose per kind; reminders of due dates
(core.reminders) once per item and day."""

import datetime

import pytest
from django.core import mail

from core import notifications
from core.models import Notification, ReminderSent, UserSettings
from core.reminders import reminders_send
from core.roles import Role
from projects import services as project_services
from tests.core.factories import user_with_role
from tests.projects.factories import ObligationFactory, co_financing_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return user_with_role(
        Role.OFFICER,
        username="kollega",
        first_name="Kim",
        last_name="Kollega",
        email="kim@example.se",
    )


def _assign(case, to, by, callbacks):
    with callbacks(execute=True):
        return project_services.case_update(user=by, case=case, data={"officer": to})


def test_assigning_a_case_tells_the_new_officer_once_in_the_app_and_by_mail(
    officer, colleague, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cases.example.se"
    case = co_financing_case(officer=officer)
    mail.outbox.clear()
    _assign(case, colleague, officer, django_capture_on_commit_callbacks)
    (notice,) = Notification.objects.filter(recipient=colleague)
    assert notice.kind == "case_assigned" and case.dnr in notice.text
    assert notice.url == case.get_absolute_url()
    (message,) = mail.outbox
    assert message.to == ["kim@example.se"]
    assert f"https://cases.example.se{case.get_absolute_url()}" in message.body
    assert "Anna Lindberg" in message.subject
    # saving the case again without a new officer tells nobody
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        project_services.case_update(user=officer, case=case, data={"title": "Ny mening"})
    assert Notification.objects.filter(recipient=colleague).count() == 1 and len(mail.outbox) == 1


def test_the_mail_is_in_the_recipients_language(
    officer, colleague, django_capture_on_commit_callbacks
):
    UserSettings.objects.create(user=colleague, language="en")
    case = co_financing_case(officer=officer)
    mail.outbox.clear()
    _assign(case, colleague, officer, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "has been assigned to you" in message.subject
    assert "Open:" in message.body


def test_preferences_per_kind_turn_mail_or_the_notice_off(
    officer, colleague, django_capture_on_commit_callbacks
):
    choices = {kind: (True, True) for kind in notifications.preferences_of(colleague)}
    choices["case_assigned"] = (True, False)
    notifications.notification_settings_save(user=colleague, language="sv", choices=choices)
    case = co_financing_case(officer=officer)
    mail.outbox.clear()
    _assign(case, colleague, officer, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=colleague).count() == 1
    choices["case_assigned"] = (False, False)
    notifications.notification_settings_save(user=colleague, language="sv", choices=choices)
    _assign(case, officer, colleague, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    _assign(case, colleague, officer, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=colleague).count() == 1


def test_the_list_marks_read_and_follows_the_link(officer, colleague, client_for):
    case = co_financing_case(officer=officer)
    project_services.case_update(user=officer, case=case, data={"officer": colleague})
    notice = Notification.objects.get(recipient=colleague)
    client = client_for(colleague)
    page = client.get("/aviseringar/").content.decode()
    assert case.dnr in page and "Markera som läst" in page
    counts = client.get("/mina-uppgifter/antal/").content.decode()
    assert 'id="unread-count"' in counts and ">1</span>" in counts.replace("\n", "")
    answer = client.post(f"/aviseringar/{notice.pk}/las/", {"go": "1"})
    assert answer.status_code == 302 and answer["Location"] == case.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None
    # someone else's notification cannot be read or followed
    other = client_for(officer).post(f"/aviseringar/{notice.pk}/las/", {"go": "1"})
    assert other["Location"] == "/aviseringar/"


def test_the_settings_page_saves_language_and_choices(colleague, client_for):
    client = client_for(colleague)
    assert client.get("/aviseringar/installningar/").status_code == 200
    answer = client.post(
        "/aviseringar/installningar/",
        {"language": "en", "case_assigned__in_app": "on", "reminder__email": "on"},
    )
    assert answer.status_code == 302
    prefs = notifications.preferences_of(colleague)
    assert prefs["case_assigned"] == (True, False) and prefs["reminder"] == (False, True)
    assert notifications.user_language(colleague) == "en"
    bad = client.post("/aviseringar/installningar/", {"language": "xx"})
    assert bad.status_code == 400


def test_reminders_go_out_before_and_on_the_due_day_once_each_day(
    officer, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_DAYS_BEFORE = 7
    settings.REMINDER_OVERDUE_EVERY_DAYS = 0  # the case's own step is long overdue then
    officer.email = "anna@example.se"
    officer.save()
    case = co_financing_case(officer=officer)
    due = datetime.date(2031, 4, 30)
    ObligationFactory(project=case.project, case=case, text="Slutrapport", due_date=due)
    mail.outbox.clear()

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(today=day)

    # a case step's due date (the registered step, 14 days) must not interfere: the
    # obligation is the only item due on these days
    assert run(due - datetime.timedelta(days=8)) == 0
    assert run(due - datetime.timedelta(days=7)) == 1
    assert run(due - datetime.timedelta(days=7)) == 0  # the hourly beat again: not twice
    assert run(due - datetime.timedelta(days=6)) == 0
    assert run(due) == 1
    assert run(due) == 0
    subjects = [m.subject for m in mail.outbox if "Slutrapport" in m.subject]
    assert subjects == [  # with the case's Dnr: two cases may have the same title
        f"Förfaller om 7 dagar (2031-04-30): {case.dnr} Slutrapport",
        f"Förfaller i dag (2031-04-30): {case.dnr} Slutrapport",
    ]
    assert all(case.get_absolute_url() in m.body for m in mail.outbox)
    assert ReminderSent.objects.filter(recipient=officer).count() == 2


def test_an_overdue_task_is_reminded_weekly_and_a_late_one_on_its_first_day(
    officer, django_capture_on_commit_callbacks, settings
):
    """A task past its due date was never reminded again; one that came with fewer days
    left than the first reminder's got only the reminder on the day."""
    settings.REMINDER_DAYS_BEFORE = 7
    settings.REMINDER_OVERDUE_EVERY_DAYS = 7
    officer.email = "anna@example.se"
    officer.save()
    case = co_financing_case(officer=officer)
    due = datetime.date(2031, 4, 30)
    mail.outbox.clear()

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send(today=day)
        return [m.subject for m in mail.outbox if "Lägesrapport" in m.subject]

    # the condition is entered three days before it is due: reminded that day, then on it
    ObligationFactory(project=case.project, case=case, text="Lägesrapport", due_date=due)
    assert run(due - datetime.timedelta(days=3)) == [
        f"Förfaller om 3 dagar (2031-04-30): {case.dnr} Lägesrapport"
    ]
    assert len(run(due - datetime.timedelta(days=2))) == 1  # not again before the day
    assert len(run(due)) == 2
    assert len(run(due + datetime.timedelta(days=3))) == 2
    assert run(due + datetime.timedelta(days=7))[-1] == (
        f"Försenad sedan 2031-04-30 (7 dagar): {case.dnr} Lägesrapport"
    )
    assert len(run(due + datetime.timedelta(days=14))) == 4
    settings.REMINDER_OVERDUE_EVERY_DAYS = 0
    assert len(run(due + datetime.timedelta(days=21))) == 4


def test_the_beat_task_sends_todays_reminders(officer, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from core.tasks import send_reminders

    officer.email = "anna@example.se"
    officer.save()
    case = co_financing_case(officer=officer)
    ObligationFactory(
        project=case.project, case=case, text="Lägesrapport", due_date=timezone.localdate()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders.apply().get() >= 1
    assert any("Lägesrapport" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders.apply().get() == 0
