"""Two conflicting transitions on the same case from two database connections.

Both requests read the case in the same state and pass every check (a barrier in the
blockers they pass makes sure of it) before either saves. Exactly one wins; the other
gets a clear Conflict, and state, log and records stay consistent.
"""

import threading
from collections.abc import Sequence

import pytest
from django.db import connection

from core.errors import Conflict
from decisions.workflow import services as wf
from decisions.workflow.models import TransitionLog
from projects.models import Case, CaseState
from tests.decisions.workflow.factories import data_for, walk_cofinancing, walk_idea

S = CaseState


class WaitForTheOther(Sequence):
    """Blockers that hold each request at the barrier while the checks run (after the
    case was read), then block nothing."""

    def __init__(self, barrier):
        self.barrier = barrier

    def __iter__(self):
        self.barrier.wait()  # both have read the case and passed their checks
        return iter(())

    def __len__(self):
        return 0

    def __getitem__(self, index):
        raise IndexError(index)


def _race(case, attempts):
    """Fire ``attempts`` [(user, transition, motivation)] at once; return the outcomes."""
    blockers = WaitForTheOther(threading.Barrier(len(attempts), timeout=20))
    results = [None] * len(attempts)

    def run(index, user, name, motivation):
        try:
            stale = Case.objects.get(pk=case.pk)
            wf.case_transition(
                user=user,
                case=stale,
                transition=name,
                data=data_for(name),
                motivation=motivation,
                blockers=blockers,
                decided_in="Protokoll § 1" if name in wf.DECIDED_IN_PARAGRAPH else "",
            )
            results[index] = "ok"
        except Conflict as exc:
            results[index] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, user, name, motivation))
        for i, (user, name, motivation) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_record_different_council_decisions_at_once(actors):
    case = walk_idea(actors, S.AT_COUNCIL)
    log_before = TransitionLog.objects.filter(case=case).count()
    results = _race(
        case,
        [
            (actors.secretary, "council_approve", ""),
            (actors.secretary, "council_reject", ""),
        ],
    )
    wins = [r for r in results if r == "ok"]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert "Ärendet har ändrats av någon annan" in str(conflicts[0])
    assert "Ladda om sidan" in str(conflicts[0])

    case.refresh_from_db()
    logs = list(TransitionLog.objects.filter(case=case).order_by("pk"))
    assert len(logs) == log_before + 1
    winner = logs[-1]
    assert winner.source == S.AT_COUNCIL
    assert case.state == winner.target
    assert case.state in (S.APPROVED, S.REJECTED)
    assert case.history.filter(state__in=[S.APPROVED, S.REJECTED]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_grant_and_withdraw_at_once_leave_no_orphan_records(actors):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    results = _race(
        case,
        [
            (actors.secretary, "grant", ""),
            (actors.officer, "withdraw", "Sökanden drar tillbaka ansökan."),
        ],
    )
    assert sorted(type(r).__name__ if r != "ok" else "ok" for r in results) == [
        "Conflict",
        "ok",
    ], results
    case.refresh_from_db()
    last = TransitionLog.objects.filter(case=case).order_by("pk").last()
    assert last.target == case.state
    if case.state == S.WITHDRAWN:
        assert case.granted_amount is None and case.decided_on is None
    else:
        assert case.state == S.GRANTED and case.granted_amount is not None
