"""Refreshing a case with a protected state field is safe from many threads at once."""

import threading

import pytest
from django.db import connection

from tests.projects.factories import register_case


@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_of_protected_state_never_fail():
    case = register_case()
    errors: list[Exception] = []
    start = threading.Barrier(8)

    def refresh_many():
        from projects.models import Case

        mine = Case.objects.get(pk=case.pk)
        start.wait()
        try:
            for _ in range(150):
                mine.refresh_from_db()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db
def test_refresh_reads_the_new_state_and_keeps_the_field_protected():
    from projects.models import Case, CaseState

    case = register_case()
    Case.objects.filter(pk=case.pk).update(state=CaseState.PREPARATION)
    case.refresh_from_db()
    assert case.state == CaseState.PREPARATION
    with pytest.raises(AttributeError):
        case.state = CaseState.GRANTED
    case.refresh_from_db(fields=["title"])
    assert case.state == CaseState.PREPARATION
