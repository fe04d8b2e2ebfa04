"""The e-diarium's entry written in Python is the text of its template."""

import datetime

import pytest
from django.template.loader import get_template
from django.utils.translation import override

from decisions.public.selectors import DiaryEntry
from decisions.templatetags.public_diary import render_diary_entry
from projects.models import Case, CaseKind, CaseState


def _case(**values):
    """An unsaved case as the e-diarium reads it."""
    return Case(
        **{
            "pk": 7,
            "year": 2020,
            "number": 52,
            "title": 'Fyrkanten <3> & "Arctic"',
            "kind": CaseKind.CO_FINANCING,
            "received_on": datetime.date(2020, 3, 24),
            "registered_on": datetime.date(2020, 3, 25),
            **values,
        }
    )


def _document(**values):
    return {
        "secret": False,
        "number": "00052-2020-3",
        "title": "Ansökan <bilaga>",
        "kind": "Ansökan",
        "direction": "Inkommande",
        "date": datetime.date(2020, 3, 24),
        "party": "Luleå tekniska universitet & co",
        "party_is_person": False,
        **values,
    }


ENTRIES = [
    DiaryEntry(case=_case(), secret=False, parties=["LTU", "", "Boden <AB>"], documents=[]),
    DiaryEntry(case=_case(), secret=True, parties=[], documents=[_document(secret=True)]),
    DiaryEntry(
        case=_case(state=CaseState.CLOSED, kind=CaseKind.PROJECT_IDEA),
        secret=False,
        parties=[],
        documents=[
            _document(),
            _document(party="", party_is_person=True, date=None),
            _document(party="", title=""),
        ],
    ),
]


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(("heading", "link"), [("h3", True), ("h2", False)])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_entry_is_its_template(entry, heading, link, language):
    template = get_template("public/partials/diary_entry.html")
    with override(language):
        context = {"entry": entry, "heading": heading, "link": link}
        assert render_diary_entry(**context) == template.render(context)
