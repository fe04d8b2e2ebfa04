"""Handling times (förvaltningslagen 9 §): targets per case kind and step as data, each
case's age and late flag, who acts next and since when."""

import datetime

import pytest
from django.utils import timezone

from decisions.workflow import deadlines
from decisions.workflow.models import HandlingTarget, TransitionLog
from projects.models import Case
from projects.models import CaseState as S
from tests.decisions.workflow.factories import walk_idea
from tests.projects.factories import co_financing_case

pytestmark = pytest.mark.django_db


def test_norrbottens_default_targets_come_with_the_migration():
    known = deadlines.targets()
    assert known[("medfinansiering", "")] == deadlines.Target(84, working_days=False)
    assert known[("medfinansiering", "preparation")].days == 56


def test_a_case_past_its_targets_is_late_and_a_changed_target_counts_at_once(officer):
    case = co_financing_case(officer=officer)  # received 2020-01-15
    today = datetime.date(2020, 2, 1)
    Case.objects.filter(pk=case.pk).update(
        state_since=datetime.datetime(2020, 1, 15, 8, tzinfo=datetime.UTC)
    )
    case.refresh_from_db()
    timing = deadlines.case_timing(case, today=today)
    assert timing.age_days == 17 and timing.total_days == 84 and not timing.total_late
    assert timing.step_due == datetime.date(2020, 1, 29) and timing.step_late and timing.late
    HandlingTarget.objects.filter(case_kind="medfinansiering", state="registered").update(days=30)
    assert not deadlines.case_timing(case, today=today).late
    later = deadlines.case_timing(case, today=datetime.date(2020, 5, 1))
    assert later.total_late


def test_state_since_moves_with_every_transition_and_the_page_says_who_acts(actors, client_for):
    case = walk_idea(actors, S.AT_FORUM)
    last = TransitionLog.objects.filter(case=case).order_by("-timestamp").first()
    assert case.state == S.AT_FORUM and case.state_since == last.timestamp
    assert case.state_since > case.created_at
    assert deadlines.who_acts_next(case) == "nämndsekreteraren"
    page = client_for(actors.officer).get(case.get_absolute_url()).content.decode()
    assert "Nästa steg:" in page and "nämndsekreteraren" in page
    assert f"i denna status sedan {timezone.localdate(case.state_since):%Y-%m-%d}" in page


def test_a_case_waiting_for_a_body_names_the_body(actors):
    case = walk_idea(actors, S.AT_COUNCIL)
    assert "Utvecklingsrådet" in deadlines.who_acts_next(case)
    registered = co_financing_case(officer=actors.officer)
    assert deadlines.who_acts_next(registered) == "handläggaren Anna Lindberg"


def test_a_region_may_count_its_targets_in_working_days(officer):
    """Received the day before julafton and read on 2021-01-08: 16 calendar days, but
    julafton, juldagen, annandag jul, nyårsafton, nyårsdagen, trettondedag jul and the
    weekends are not working days: 7. Five working days from 2020-12-23 end 2021-01-05."""
    case = co_financing_case(officer=officer, registered_on=datetime.date(2020, 12, 23))
    Case.objects.filter(pk=case.pk).update(
        received_on=datetime.date(2020, 12, 23),
        state_since=datetime.datetime(2020, 12, 23, 8, tzinfo=datetime.UTC),
    )
    case.refresh_from_db()
    HandlingTarget.objects.filter(case_kind="medfinansiering", state="registered").update(days=5)
    today = datetime.date(2021, 1, 8)
    calendar = deadlines.case_timing(case, today=today)
    assert calendar.age_days == 16 and calendar.step_due == datetime.date(2020, 12, 28)
    assert not calendar.working_days
    # the step's target in working days, the whole case's still in calendar days
    HandlingTarget.objects.filter(case_kind="medfinansiering", state="registered").update(
        working_days=True
    )
    working = deadlines.case_timing(case, today=today)
    assert working.age_days == 16 and not working.working_days
    assert working.step_due == datetime.date(2021, 1, 5) and working.step_working_days
    HandlingTarget.objects.filter(case_kind="medfinansiering", state="").update(working_days=True)
    working = deadlines.case_timing(case, today=today)
    assert working.age_days == 7 and working.step_due == datetime.date(2021, 1, 5)
    assert working.working_days and working.step_late
    on_time = deadlines.case_timing(case, today=datetime.date(2021, 1, 5))
    assert not on_time.step_late


def test_the_case_page_says_working_days_where_they_are_counted(officer, client_for):
    case = co_financing_case(officer=officer)
    client = client_for(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "dagar sedan inkomst" in page and "mål: beslut inom 84 dagar" in page
    assert "arbetsdagar" not in page
    HandlingTarget.objects.filter(case_kind="medfinansiering", state="").update(working_days=True)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "arbetsdagar sedan inkomst" in page and "mål: beslut inom 84 arbetsdagar" in page
    assert "(14 dagar)" in page  # the step's own target is still in calendar days
