"""Two conflicting transitions on the same case from two database connections.

Both requests read the case in the same state and set off at the same moment (a barrier);
the case's row lock queues them: exactly one wins, the other finds the case moved and gets
a clear Conflict, and state, log and records stay consistent.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import Conflict
from decisions.workflow import services as wf
from decisions.workflow.models import TransitionLog
from projects.models import Case, CaseState
from tests.decisions.workflow.factories import data_for, walk_cofinancing, walk_idea

S = CaseState


def _race(case, attempts):
    """Fire ``attempts`` [(user, transition, motivation)] at once; return the outcomes."""
    barrier = threading.Barrier(len(attempts), timeout=20)
    results = [None] * len(attempts)

    def run(index, user, name, motivation):
        try:
            stale = Case.objects.get(pk=case.pk)
            barrier.wait()  # both have read the case as it was
            wf.case_transition(
                user=user,
                case=stale,
                transition=name,
                data=data_for(name),
                motivation=motivation,
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


@pytest.mark.django_db(transaction=True)
def test_a_refusal_made_while_the_party_is_sent_material_waits_and_is_refused(actors):
    """Kommunicering (förvaltningslagen 25 §) registered at the same instant as the
    delegate's refusal: the refusal waits for the case's lock, then sees the time to
    answer and is not made."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from decisions.workflow import communication
    from projects import services
    from tests.decisions.workflow.factories import fire, prepare_for
    from tests.projects.factories import upload

    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    statement = services.document_upload(
        user=actors.officer,
        case=case,
        file=upload("yttrande.pdf", b"%PDF-1.4 yttrande"),
        title="Yttrande från kommunen",
    )
    prepare_for(case, "delegation_reject_application", actors)
    sent, release = threading.Event(), threading.Event()
    outcome = {}

    def communicate():
        try:
            with transaction.atomic():
                communication.communicate(
                    user=actors.officer,
                    case=Case.objects.get(pk=case.pk),
                    recipient="Sökanden",
                    documents=[statement],
                    reply_by=communication.default_reply_by(),
                )
                sent.set()
                release.wait(10)  # the letter registered, not yet committed
        finally:
            connection.close()

    def refuse():
        try:
            sent.wait(10)
            fire(
                Case.objects.get(pk=case.pk),
                "delegation_reject_application",
                actors.director,
                decided_on=timezone.localdate(),
            )
            outcome["refusal"] = "made"
        except ValidationError as exc:
            outcome["refusal"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=communicate), threading.Thread(target=refuse)]
    for thread in threads:
        thread.start()
    assert sent.wait(10)
    threads[1].join(timeout=1)  # the refusal is waiting for the lock
    assert threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert isinstance(outcome["refusal"], ValidationError), outcome
    assert "25 § förvaltningslagen" in str(outcome["refusal"])
    case.refresh_from_db()
    assert case.state == S.READY_FOR_RUN
