"""A case's document and registry rows written in Python are the text of their templates
(``projects/partials/document_rows.html``, ``registry_rows.html``), in both languages, for
every kind of row: versions, marked and confidential documents, descriptions, attachments,
names that need escaping, and the links a user may or may not be offered."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import get_template
from django.utils.translation import override

from projects.models import Case, Document
from projects.selectors import DocumentGroup
from projects.templatetags.projects_tags import render_document_rows, render_registry_rows

AT = datetime.datetime(2020, 3, 24, 23, 30, tzinfo=datetime.UTC)  # 00:30 the next day here


def _user(pk, first="", last="", username="handlaggare"):
    return get_user_model()(pk=pk, first_name=first, last_name=last, username=username)


def _document(pk, number, title, *, version=1, **fields):
    anna = _user(1, "Anna", "Lindberg")
    values = {
        "pk": pk,
        "case_id": 7,
        "registry_number": number,
        "title": title,
        "version": version,
        "original_name": f"{title}.pdf",
        "size": 1_234_567,
        "uploaded_by": anna,
        "uploaded_at": AT,
        "registered_by": anna,
        "registered_at": AT,
        "document_date": datetime.date(2020, 3, 20),
        "party_name": "Luleå tekniska universitet",
        **fields,
    }
    return Document(**values)


CASE = Case(pk=7, year=2020, number=52, title="Vätgasdalen")
BILAGA = _document(10, 1, "Ansökan")
DOCUMENTS = [
    BILAGA,
    _document(11, 2, "Ansökan", version=2, description="Reviderad <budget> & plan"),
    _document(12, 3, 'Budget "2021"', confidential=True, party_name="", direction="utgaende"),
    _document(13, 4, "Bilaga A", parent=BILAGA, uploaded_by=_user(2, username="sekreterare")),
    _document(14, 5, "Protokoll", registered_by=None, kind=Document.Kind.APPENDIX),
]
MASKED = _document(15, 6, "Hemlig")
MASKED.masked = True
MASKED.mask_label = "OSL 31:16 <affärsförhållanden>"


def _groups(documents):
    groups: dict[str, DocumentGroup] = {}
    for document in sorted(documents, key=lambda d: (d.title, -d.version)):
        groups.setdefault(document.title, DocumentGroup(title=document.title))
        groups[document.title].versions.append(document)
    return list(groups.values())


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    "can", [{}, {"upload": True, "edit_document": True}, {"upload": True, "edit_document": False}]
)
def test_the_document_rows_are_their_template(language, can):
    template = get_template("projects/partials/document_rows.html")
    for documents in ([], DOCUMENTS[:1], DOCUMENTS):
        context = {
            "case": CASE,
            "document_groups": _groups(documents),
            "can": can,
            "next_url": "/cases/7/?tab=dokument&x=å",
        }
        with override(language):
            assert render_document_rows(**context) == template.render(context)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_registry_rows_are_their_template(language):
    template = get_template("projects/partials/registry_rows.html")
    for registry in ([], [*DOCUMENTS, MASKED]):
        context = {"case": CASE, "registry": registry}
        with override(language):
            assert render_registry_rows(**context) == template.render(context)
