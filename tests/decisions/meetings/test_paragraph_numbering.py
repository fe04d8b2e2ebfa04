"""§ numbers are unique and gap-free per body and year, also with parallel writers."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from decisions.meetings import services as svc
from decisions.meetings.models import Paragraph, ParagraphCounter
from decisions.workflow.constants import BodyCode


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_get_consecutive_unique_numbers(secretary):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    body = svc.body_get(BodyCode.RUN)
    svc.paragraph_counter_set_start(user=secretary, body=body, year=2021, first_number=22)
    writers = 8
    items = []
    for day in range(writers):
        meeting = svc.meeting_create(
            user=secretary,
            body=body,
            date=datetime.date(2021, 3, 1) + datetime.timedelta(days=day),
            start_time=datetime.time(9),
            with_formal_items=False,
        )
        items.append(
            svc.agenda_item_add(
                user=secretary, meeting=meeting, kind="other", title=f"Ärende {day}"
            )
        )
    barrier = threading.Barrier(writers)
    numbers, errors = [], []

    def write(item):
        try:
            barrier.wait(timeout=30)
            paragraph = svc.paragraph_add(user=secretary, item=item)
            numbers.append(paragraph.number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(numbers) == list(range(22, 22 + writers))
    assert ParagraphCounter.objects.get(body=body, year=2021).last_number == 22 + writers - 1
    assert Paragraph.objects.filter(body=body, year=2021).count() == writers


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_gap(secretary):
    body = svc.body_get(BodyCode.RUN)
    meeting = svc.meeting_create(
        user=secretary,
        body=body,
        date=datetime.date(2022, 3, 1),
        start_time=datetime.time(9),
        with_formal_items=False,
    )
    first = svc.agenda_item_add(user=secretary, meeting=meeting, kind="other", title="Första")
    second = svc.agenda_item_add(user=secretary, meeting=meeting, kind="other", title="Andra")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        svc.paragraph_add(user=secretary, item=first)
        raise Boom
    assert svc.paragraph_add(user=secretary, item=first).number == 1
    assert svc.paragraph_add(user=secretary, item=second).number == 2


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_number(secretary):
    body = svc.body_get(BodyCode.RUN)
    meeting = svc.meeting_create(
        user=secretary, body=body, date=datetime.date(2022, 4, 1), start_time=datetime.time(9)
    )
    paragraph = svc.meeting_number_items(user=secretary, meeting=meeting)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Paragraph.objects.create(
            body=body,
            year=paragraph.year,
            number=paragraph.number,
            meeting=meeting,
            kind="other",
            title="Dubblett",
        )
