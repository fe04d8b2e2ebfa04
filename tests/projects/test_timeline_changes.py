"""A long text change in the case's timeline, opened word by word (projects.timeline:
``word_diff``, ``change_of``; the view ``case_history_change``)."""

import re

import pytest
from django.urls import reverse

from core.roles import Role
from projects import services
from projects.models import Document, SecrecyAccessLog
from projects.timeline import case_timeline, word_diff
from tests.core.factories import user_with_role
from tests.projects.factories import ProjectFactory, document_for, register_case

pytestmark = pytest.mark.django_db

BEFORE = (
    "Solenergi växer snabbast i världen. Länets små företag saknar kunskap om "
    "solceller och finansiering, och installatörerna är för få."
)
AFTER = (
    "Solenergi växer snabbt i Norrbotten. Länets små och medelstora företag saknar "
    "kunskap om solceller och finansiering, och installatörerna är för få."
)


def test_word_diff_marks_the_removed_and_added_words_in_reading_order():
    assert word_diff(
        "Solenergi växer snabbast i världen.", "Solenergi växer snabbt i Norrbotten."
    ) == [
        ("same", "Solenergi växer "),
        ("removed", "snabbast "),
        ("added", "snabbt "),
        ("same", "i "),
        ("removed", "världen"),
        ("added", "Norrbotten"),
        ("same", "."),
    ]
    assert word_diff("", "Ny text.") == [("added", "Ny text.")]
    assert word_diff("Gammal text.", "") == [("removed", "Gammal text.")]


REPEATED = "Samma mening. " * 5000


@pytest.mark.parametrize(
    "old, new",
    [
        (BEFORE, AFTER),
        ("...!!\n\n  a.b.c", "..?\n a.b.d!"),  # punctuation and lines, leading spaces
        (REPEATED, REPEATED[:30000] + "Ny mening. " + REPEATED[30000:]),  # one sentence
        ("x " * 20000, "x " * 20000 + "y"),  # one long sentence rewritten: shown whole
        ("Ord och ord. " * 3000 + "Slut.", "Ord och ord. " * 3000 + "Slutet."),
    ],
    ids=["texts", "punctuation", "a sentence repeated", "one long sentence", "end changed"],
)
def test_word_diff_keeps_every_character_of_both_texts(old, new):
    """The old text is the same and removed parts, the new the same and added parts, for
    any text (long and repetitive ones too: compared sentence by sentence first)."""
    parts = word_diff(old, new)
    assert "".join(text for kind, text in parts if kind != "added") == old
    assert "".join(text for kind, text in parts if kind != "removed") == new


def _change_url(case, user, field="background"):
    for entry in case_timeline(case, user):
        for change in entry.changes:
            if change.field == field:
                return reverse(
                    "projects:case_history_change",
                    args=[case.pk, entry.kind, entry.record, field],
                )
    raise AssertionError(f"no change of {field}")


def _words(html: str) -> tuple[list[str], list[str]]:
    removed = re.findall(
        r"<del><span class=\"visually-hidden\">Borttaget: </span>(.*?)</del>", html
    )
    added = re.findall(r"<ins><span class=\"visually-hidden\">Tillagt: </span>(.*?)</ins>", html)
    return removed, added


def _new_text(html: str) -> str:
    """The changed text as it reads after the change (the removed words left out)."""
    html = re.sub(r"<del>.*?</del>", "", html.split('<p class="history__legend">')[0])
    return re.sub(r"<[^>]+>", "", html.replace("Tillagt: ", ""))


def test_a_long_change_opens_word_by_word_in_the_timeline_and_on_a_page(case, officer, client_for):
    assert case.project.background == "Solenergi växer snabbast i världen."
    services.project_update(user=officer, project=case.project, data={"background": AFTER})
    client = client_for(officer)
    url = _change_url(case, officer)
    body = client.get(case.get_absolute_url()).content.decode()
    # folded, loaded when opened; the texts themselves are not on the case page
    assert f'<details hx-get="{url}" hx-trigger="toggle once"' in body
    assert "snabbast" not in body
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    removed, added = _words(fragment)
    assert removed == ["snabbast ", "världen"]
    assert added == ["snabbt ", AFTER.removeprefix("Solenergi växer snabbt i ").removesuffix(".")]
    page = client.get(url).content.decode()  # without htmx: the link in the entry
    assert "<html" in page and "<h1>Bakgrund</h1>" in page
    assert _words(page) == _words(fragment)


def test_only_a_change_in_the_users_own_timeline_opens(case, officer, client_for, reader):
    services.project_update(user=officer, project=case.project, data={"background": AFTER})
    url = _change_url(case, officer)
    client = client_for(officer)
    assert client.get(url).status_code == 200
    kind, record = url.split("/")[-4:-2]
    other = register_case(officer=officer, project=ProjectFactory(title="Annat projekt"))
    for wrong in (
        reverse(
            "projects:case_history_change", args=[case.pk, kind, int(record) + 999, "background"]
        ),
        reverse("projects:case_history_change", args=[case.pk, kind, record, "summary"]),
        reverse("projects:case_history_change", args=[case.pk, "document", record, "background"]),
        # the entry of another case's history
        reverse("projects:case_history_change", args=[other.pk, kind, record, "background"]),
    ):
        assert client.get(wrong).status_code == 404, wrong
    # a confidential document's changes are not in a reader's timeline
    document = document_for(case, officer, title="Affärsplan", confidential=True)
    services.document_update(
        user=officer, document=document, kind=Document.Kind.OTHER, confidential=True
    )
    document_url = _change_url(case, officer, field="kind")
    assert client.get(document_url).status_code == 200
    assert client_for(reader).get(document_url).status_code == 404


def test_a_marked_text_and_its_copies_stay_masked_and_a_view_of_it_is_logged(
    case, officer, reader, client_for, settings
):
    settings.SECRECY_ALLOW_CASE_OFFICER = True
    secret = "Länets små och medelstora företag saknar kunskap om solceller."
    services.project_update(user=officer, project=case.project, data={"background": AFTER})
    services.secrecy_mark(user=officer, case=case, field="project.background", note="Affärer")
    case.project.refresh_from_db()
    services.project_update(
        user=user_with_role(Role.OFFICER, username="colleague"),  # an entry of its own
        project=case.project,
        data={"summary": f"Sammanfattning: {case.project.background} Och mer om solceller."},
    )
    background, summary = _change_url(case, officer), _change_url(case, officer, "summary")
    for url in (background, summary):
        masked = client_for(reader).get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "Norrbotten" not in masked and secret[:30] not in masked, url
    assert "Och mer om solceller" in _new_text(masked)  # the summary's own words are shown
    assert not SecrecyAccessLog.objects.filter(user=reader).exists()
    shown = client_for(officer).get(background, HTTP_HX_REQUEST="true").content.decode()
    assert "Norrbotten" in shown
    assert SecrecyAccessLog.objects.filter(user=officer, case=case, path=background).exists()
    # the history page shows the marked values to the officer too: logged as well
    history = reverse("projects:case_history", args=[case.pk])
    assert "Norrbotten" in client_for(officer).get(history).content.decode()
    assert SecrecyAccessLog.objects.filter(user=officer, case=case, path=history).exists()
    client_for(reader).get(history)
    assert not SecrecyAccessLog.objects.filter(user=reader).exists()
