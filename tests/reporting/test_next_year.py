"""Next year's report: the section tree copied, questions editable per year, last year's
answers carried forward as drafts to revise, figures never carried."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document

from core.errors import Conflict
from reporting import services
from reporting.documents import build_content, render_docx
from reporting.models import Answer, ReportYear
from tests.financing.factories import GrantFactory

pytestmark = pytest.mark.django_db

CARRIED = "Från föregående år — att revidera"


@pytest.fixture
def answered(report, officer, answer_of):
    services.answer_save(
        user=officer, answer=answer_of("1.1.1"), text="Pandemin präglade 2022.", version=1
    )
    services.answer_save(
        user=officer, answer=answer_of("2.3"), text="- Bidrog till RUS", yes_no=True, version=1
    )
    services.answer_set_done(user=officer, answer=answer_of("1.1.1"), done=True)
    insats = services.insats_add(user=officer, section=report.sections.get(number="1.2.1.4"))
    services.insats_update(
        user=officer, insats=insats, data={"name": "Insats 2022"}, version=insats.version
    )
    return report


def _answer(year, number) -> Answer:
    return Answer.objects.select_related("section").get(
        section__report__year=year, section__number=number
    )


def test_next_year_copies_the_tree_and_carries_answers_as_drafts(answered, secretary):
    created = services.report_next_year_create(user=secretary, report=answered)
    assert created.year == 2023
    assert created.template_source == "Mallen från återrapporteringen 2022"
    old_tree = list(answered.sections.order_by("position").values_list("key", "number", "depth"))
    new_tree = list(created.sections.order_by("position").values_list("key", "number", "depth"))
    assert new_tree == old_tree
    assert "budgetåret 2023" in created.sections.get(number="4").intro

    carried = _answer(2023, "1.1.1")
    assert carried.text == "Pandemin präglade 2022."
    assert carried.carried_from_year == 2022 and carried.needs_revision
    assert not carried.done and carried.done_by is None  # done is this year's judgement
    yes_no = _answer(2023, "2.3")
    assert (yes_no.text, yes_no.yes_no, yes_no.carried_from_year) == (
        "- Bidrog till RUS",
        True,
        2022,
    )
    empty = _answer(2023, "1.1.2")
    assert empty.is_empty and empty.carried_from_year is None
    # Insatser rows belong to the year's projects: not carried.
    assert not created.sections.get(number="1.2.1.4").insatser.exists()
    # Last year's report is untouched.
    assert _answer(2022, "1.1.1").carried_from_year is None
    assert _answer(2022, "1.1.1").done


def test_the_mark_stays_until_the_answer_is_saved(answered, officer):
    services.report_year_create(user=officer, year=2023)
    answer = _answer(2023, "1.1.1")
    saved = services.answer_save(
        user=officer, answer=answer, text="Pandemin präglade 2022.", version=answer.version
    )
    assert saved.carried_from_year is None  # saved as it stands: confirmed for 2023
    other = _answer(2023, "2.3")
    revised = services.answer_save(
        user=officer, answer=other, text="- Bidrog till RUS 2023", yes_no=True, version=1
    )
    assert revised.carried_from_year is None
    assert revised.history.first().carried_from_year is None
    assert revised.history.last().carried_from_year == 2022


def test_the_draft_files_show_which_answers_are_last_years(answered, officer):
    report = services.report_year_create(user=officer, year=2023)
    content = build_content(report)
    document = Document(io.BytesIO(render_docx(content)))
    marks = [p.text for p in document.paragraphs if p.style.name == "Att revidera"]
    assert marks == [f"{CARRIED} (svaret från 2022).", f"{CARRIED} (svaret från 2022)."]
    services.answer_save(user=officer, answer=_answer(2023, "1.1.1"), text="Nytt", version=1)
    document = Document(io.BytesIO(render_docx(build_content(report))))
    assert len([p for p in document.paragraphs if p.style.name == "Att revidera"]) == 1


def test_figures_are_never_carried(answered, officer):
    GrantFactory(year=2022, amount="171100000")
    report = services.report_year_create(user=officer, year=2023)
    assert report.sections.get(number="2.1").figures == answered.sections.get(number="2.1").figures
    assert build_content(answered).figures.grant_amount == 171100000
    assert build_content(report).figures.grant_amount is None  # no 2023 grant registered


def test_editing_a_question_changes_only_that_year(answered, controller, officer):
    report = services.report_year_create(user=officer, year=2023)
    section = report.sections.get(number="1.1.1")
    before_2022 = answered.sections.get(number="1.1.1").question
    updated = services.section_update(
        user=controller,
        section=section,
        data={"question": "Beskriv kort hur arbetet med RUS gick 2023."},
        fingerprint=services.section_fingerprint(section),
    )
    assert updated.question == "Beskriv kort hur arbetet med RUS gick 2023."
    assert answered.sections.get(number="1.1.1").question == before_2022
    # A stale form is refused, an empty question too.
    with pytest.raises(Conflict):
        services.section_update(
            user=controller, section=section, data={"question": "x"}, fingerprint="stale"
        )
    with pytest.raises(ValidationError):
        services.section_update(
            user=controller,
            section=section,
            data={"question": " "},
            fingerprint=services.section_fingerprint(updated),
        )
    # 2024 starts from 2023's wording; texts nobody edited follow the year.
    report_2024 = services.report_year_create(user=officer, year=2024)
    assert report_2024.sections.get(number="1.1.1").question == updated.question
    assert "budgetåret 2024" in report_2024.sections.get(number="4").intro
    assert _answer(2024, "1.1.1").carried_from_year == 2023


def test_readers_and_approved_reports_cannot_change_questions(report, reader, secretary):
    section = report.sections.get(number="1.1.1")
    with pytest.raises(PermissionDenied):
        services.section_update(
            user=reader,
            section=section,
            data={"question": "x"},
            fingerprint=services.section_fingerprint(section),
        )
    with pytest.raises(PermissionDenied):
        services.report_next_year_create(user=reader, report=report)


def test_next_year_and_question_edit_through_the_pages(client_for, answered, secretary, reader):
    detail = reverse("reporting:report_detail", args=[2022])
    page = client_for(secretary).get(detail).content.decode()
    assert "Skapa återrapporteringen för 2023" in page
    assert (
        "Skapa återrapporteringen för 2023" not in client_for(reader).get(detail).content.decode()
    )
    url = reverse("reporting:report_next_year", args=[2022])
    assert client_for(reader).post(url).status_code == 403
    response = client_for(secretary).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_detail", args=[2023])
    page = client_for(secretary).get(response["Location"]).content.decode()
    assert "är skapad från 2022" in page
    assert CARRIED in page
    assert (
        "Skapa återrapporteringen för 2023"
        not in client_for(secretary).get(detail).content.decode()
    )
    # twice: a clear message, no second report
    response = client_for(secretary).post(url, follow=True)
    assert "Det finns redan en återrapportering för 2023." in response.content.decode()
    assert ReportYear.objects.filter(year=2023).count() == 1

    section_page = reverse("reporting:section_detail", args=[2023, "1.1.1"])
    assert CARRIED in client_for(secretary).get(section_page).content.decode()
    edit = reverse("reporting:section_edit", args=[2023, "1.1.1"])
    form_page = client_for(secretary).get(edit)
    assert form_page.status_code == 200
    fingerprint = form_page.context["form"].initial["fingerprint"]
    response = client_for(secretary).post(
        edit, {"fingerprint": fingerprint, "title": "", "intro": "", "question": "Ny fråga 2023?"}
    )
    assert response.status_code == 302
    assert _answer(2023, "1.1.1").section.question == "Ny fråga 2023?"
    stale = client_for(secretary).post(edit, {"fingerprint": fingerprint, "question": "Igen?"})
    assert stale.status_code == 409
    assert "har ändrats av någon annan" in stale.content.decode()
    empty = client_for(secretary).post(
        edit,
        {"fingerprint": _fingerprint(2023, "1.1.1"), "question": ""},
    )
    assert empty.status_code == 400
    assert client_for(reader).get(edit).status_code == 403


def _fingerprint(year, number):
    from reporting.models import Section

    return services.section_fingerprint(Section.objects.get(report__year=year, number=number))
