"""Services of the reporting app: report years, answers, done marks, insatser, approval."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import Conflict
from projects.models import RusArea, SmartSpecialisationArea
from reporting import selectors, services
from reporting.models import Answer, Insats, ReportYear, Section
from reporting.template import load_template_file
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


# --- report years ---------------------------------------------------------------------


def test_a_report_year_is_built_from_the_template_file(report):
    assert report.title == "Återrapportering av villkorsbeslut 2022 – Region Norrbotten"
    assert report.template_source == "Mallfil för 2022"
    assert report.sections.count() == 68
    questions = report.sections.filter(kind="question")
    assert questions.count() == 49
    assert Answer.objects.filter(section__report=report).count() == 49
    chapter = report.sections.get(number="1.2.1")
    assert chapter.parent.number == "1.2"
    assert chapter.parent.parent.number == "1"
    assert report.sections.get(number="1.2.1.4").insatser_max == 5
    assert report.recipient_list == [
        "li.registrator@regeringskansliet.se",
        "tillvaxtverket@tillvaxtverket.se",
    ]
    positions = list(report.sections.values_list("number", flat=True))
    assert positions[:4] == ["1", "1.1", "1.1.1", "1.1.2"]
    assert positions[-1] == "5"


def test_next_year_starts_from_the_previous_years_template(report, officer):
    # This year's wording, as edited in the 2022 report, is where 2023 starts.
    section = report.sections.get(number="1.1")
    services.section_update(
        user=officer,
        section=section,
        data={"title": "Den regionala utvecklingsstrategin (ny)"},
        fingerprint=services.section_fingerprint(section),
    )

    next_year = services.report_year_create(user=officer, year=2023)
    assert next_year.template_source == "Mallen från återrapporteringen 2022"
    assert next_year.title == "Återrapportering av villkorsbeslut 2023 – Region Norrbotten"
    assert next_year.sections.get(number="1.1").title == "Den regionala utvecklingsstrategin (ny)"
    assert "budgetåret 2023" in next_year.sections.get(number="4").intro
    # The stored 2022 template is untouched.
    assert report.template == load_template_file(2022)


def test_creating_a_year_twice_or_without_any_template_is_refused(report, officer):
    with pytest.raises(ValidationError) as error:
        services.report_year_create(user=officer, year=2022)
    assert error.value.message_dict["year"] == ["Det finns redan en återrapportering för 2022."]
    with pytest.raises(ValidationError) as error:
        services.report_year_create(user=officer, year=2019)
    assert "ingen mall för 2019" in error.value.message_dict["year"][0]
    assert not ReportYear.objects.filter(year=2019).exists()


def test_a_broken_template_creates_nothing(officer):
    data = load_template_file(2022)
    data["sections"][1]["children"][0]["figures"] = ["unknown"]
    with pytest.raises(ValidationError):
        services.report_year_create(user=officer, year=2024, template=data)
    assert not ReportYear.objects.filter(year=2024).exists()
    assert not Section.objects.exists()


def test_only_the_roles_that_own_the_report_create_report_years(role_users):
    for role, user in role_users.items():
        if role in ("handläggare", "nämndsekreterare", "controller"):
            continue
        with pytest.raises(PermissionDenied):
            services.report_year_create(user=user, year=2022)


def test_title_page_facts_are_validated_and_versioned(report, officer):
    updated = services.report_year_update(
        user=officer,
        report=report,
        data={
            "region_reference": " RUN 00060-2022 ",
            "recipients": "a@example.se\n\n b@example.se",
        },
        version=report.version,
    )
    assert updated.region_reference == "RUN 00060-2022"
    assert updated.recipients == "a@example.se\nb@example.se"
    assert updated.version == report.version + 1
    with pytest.raises(Conflict):
        services.report_year_update(
            user=officer, report=report, data={"agency_reference": "x"}, version=report.version
        )
    with pytest.raises(ValidationError) as error:
        services.report_year_update(
            user=officer, report=report, data={"recipients": "inte en adress"}, version=2
        )
    assert error.value.message_dict["recipients"] == ["”inte en adress” är ingen e-postadress."]


# --- answers --------------------------------------------------------------------------


def test_saving_an_answer_records_who_and_keeps_history(answer_of, officer):
    answer = answer_of("1.1.1")
    saved = services.answer_save(user=officer, answer=answer, text="Första.\r\n", version=1)
    assert (saved.text, saved.version, saved.updated_by) == ("Första.", 2, officer)
    saved = services.answer_save(user=officer, answer=saved, text="Andra.", version=2)
    history = selectors.answer_history(saved)
    assert [h.text for h in history] == ["Andra.", "Första.", ""]
    assert history[0].history_user == officer
    # Saving the same text again changes nothing.
    same = services.answer_save(user=officer, answer=saved, text="Andra.", version=3)
    assert same.version == 3


def test_a_stale_answer_is_a_conflict_and_loses_nothing(answer_of, officer):
    answer = answer_of("1.1.1")
    services.answer_save(user=officer, answer=answer, text="Kollegans text", version=1)
    with pytest.raises(Conflict) as error:
        services.answer_save(user=officer, answer=answer, text="Min text", version=1)
    assert "har ändrats av Anna Lindberg" in str(error.value)
    assert Answer.objects.get(pk=answer.pk).text == "Kollegans text"


def test_too_long_answers_are_refused(answer_of, officer):
    answer = answer_of("1.1.1")
    with pytest.raises(ValidationError) as error:
        services.answer_save(user=officer, answer=answer, text="x" * 30_001, version=1)
    assert "högst 30000 tecken" in error.value.message_dict["text"][0]


def test_yes_no_only_on_yes_no_questions(answer_of, officer):
    yes_no = services.answer_save(
        user=officer, answer=answer_of("2.3"), text="- punkt", yes_no=True, version=1
    )
    assert yes_no.yes_no is True
    text_only = services.answer_save(
        user=officer, answer=answer_of("2.1"), text="Text", yes_no=True, version=1
    )
    assert text_only.yes_no is None


def test_only_officers_write_answers(answer_of, role_users):
    answer = answer_of("1.1.1")
    for role, user in role_users.items():
        if role == "handläggare":
            continue
        with pytest.raises(PermissionDenied):
            services.answer_save(user=user, answer=answer, text="x", version=1)


def test_copy_last_years_answer_by_section_key(officer, report):
    answer_2022 = report.sections.get(number="2.3").answer
    services.answer_save(
        user=officer, answer=answer_2022, text="- Bidrog till RUS", yes_no=True, version=1
    )
    report_2023 = services.report_year_create(user=officer, year=2023)
    answer_2023 = report_2023.sections.get(key="grant-rus").answer
    assert selectors.previous_answer(answer_2023).section.report.year == 2022
    copied = services.answer_copy_previous(user=officer, answer=answer_2023, version=1)
    assert (copied.text, copied.yes_no) == ("- Bidrog till RUS", True)

    empty_2023 = report_2023.sections.get(key="rus-territorial").answer
    with pytest.raises(ValidationError, match="inget svar på samma fråga"):
        services.answer_copy_previous(user=officer, answer=empty_2023, version=1)


def test_marking_done_needs_an_answer(answer_of, officer, section_of):
    answer = answer_of("1.1.1")
    with pytest.raises(ValidationError, match="1.1.1 har inget svar"):
        services.answer_set_done(user=officer, answer=answer, done=True)
    services.answer_save(user=officer, answer=answer, text="Svar", version=1)
    done = services.answer_set_done(user=officer, answer=answer, done=True)
    assert done.done and done.done_by == officer and done.done_at
    undone = services.answer_set_done(user=officer, answer=answer, done=False)
    assert not undone.done and undone.done_by is None

    with pytest.raises(ValidationError, match="Välj ja eller nej"):
        yes_no = services.answer_save(user=officer, answer=answer_of("2.4"), text="x", version=1)
        services.answer_set_done(user=officer, answer=yes_no, done=True)

    table = section_of("1.2.1.4")
    services.insats_add(user=officer, section=table)
    assert services.answer_set_done(user=officer, answer=table.answer, done=True).done


def test_progress_counts_done_questions(report, officer, answer_of):
    assert selectors.report_progress(report).total == 49
    for number in ("1.1.1", "2.1"):
        answer = services.answer_save(user=officer, answer=answer_of(number), text="x", version=1)
        services.answer_set_done(user=officer, answer=answer, done=True)
    progress = selectors.report_progress(ReportYear.objects.get(pk=report.pk))
    assert (progress.done, progress.total, progress.percent) == (2, 49, 4)
    listed = selectors.report_list().get(pk=report.pk)
    assert (listed.done_count, listed.question_count) == (2, 49)


def test_clearing_a_done_answer_unmarks_it(answer_of, officer):
    answer = services.answer_save(user=officer, answer=answer_of("1.1.1"), text="x", version=1)
    services.answer_set_done(user=officer, answer=answer, done=True)  # a save: version 3
    cleared = services.answer_save(user=officer, answer=answer, text="", version=3)
    assert not cleared.done


# --- insatser -------------------------------------------------------------------------


@pytest.fixture
def project_2022(db):
    project = ProjectFactory(
        title="LOKET",
        summary="Starka kluster för hållbar tillväxt.",
        expected_results="Företagen samarbetar mer.",
        result_summary="4 klusterledarträffar.",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2023, 6, 30),
    )
    project.rus_areas.set(
        [RusArea.objects.create(name="Smarta, hållbara innovationer och entreprenörskap")]
    )
    project.smart_areas.set([SmartSpecialisationArea.objects.create(name="Energiteknik")])
    return project


def test_an_insats_is_prefilled_from_a_project_of_the_year(section_of, officer, project_2022):
    insats = services.insats_add(user=officer, section=section_of("1.2.3.4"), project=project_2022)
    assert insats.name.splitlines()[0].startswith("LOKET (Organisation")
    assert "Starka kluster för hållbar tillväxt." in insats.name
    assert insats.goal == (
        "RUS: Smarta, hållbara innovationer och entreprenörskap\nSmart specialisering: Energiteknik"
    )
    assert insats.outputs == "4 klusterledarträffar."
    assert insats.effects == "Företagen samarbetar mer."

    edited = services.insats_update(
        user=officer,
        insats=insats,
        data={"name": "LOKET (ERUF)", "effects": "Kortare text"},
        version=insats.version,
    )
    assert edited.effects == "Kortare text"
    project_2022.refresh_from_db()
    assert project_2022.title == "LOKET"
    assert project_2022.expected_results == "Företagen samarbetar mer."

    with pytest.raises(Conflict):
        services.insats_update(user=officer, insats=insats, data={"goal": "x"}, version=1)
    with pytest.raises(ValidationError) as error:
        services.insats_update(user=officer, insats=insats, data={"name": " "}, version=2)
    assert "name" in error.value.message_dict


def test_a_project_outside_the_year_or_twice_is_refused(section_of, officer, project_2022):
    old = ProjectFactory(start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2019, 12, 31))
    section = section_of("1.2.3.4")
    with pytest.raises(ValidationError, match="pågick inte och beslutades inte under 2022"):
        services.insats_add(user=officer, section=section, project=old)
    services.insats_add(user=officer, section=section, project=project_2022)
    with pytest.raises(ValidationError, match="finns redan i tabellen"):
        services.insats_add(user=officer, section=section, project=project_2022)


def test_at_most_five_insatser_per_strategic_area(section_of, officer):
    section = section_of("1.2.1.4")
    for _ in range(5):
        services.insats_add(user=officer, section=section)
    with pytest.raises(ValidationError) as error:
        services.insats_add(user=officer, section=section)
    assert error.value.messages == [
        "Högst 5 insatser får redovisas under 1.2.1.4. Ta bort en insats innan du lägger till "
        "en ny."
    ]
    assert Insats.objects.filter(section=section).count() == 5


def test_sections_without_a_table_take_no_insatser(section_of, officer):
    with pytest.raises(PermissionDenied, match="ingen insatstabell"):
        services.insats_add(user=officer, section=section_of("1.1.1"))


def test_moving_and_deleting_insatser(section_of, officer):
    section = section_of("1.2.2.4")
    first, second, third = (services.insats_add(user=officer, section=section) for _ in range(3))
    services.insats_move(user=officer, insats=third, direction="up")
    order = list(section.insatser.order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    services.insats_move(user=officer, insats=first, direction="up")  # already first: no-op
    services.insats_delete(user=officer, insats=third)
    assert list(section.insatser.values_list("pk", flat=True)) == [first.pk, second.pk]
    with pytest.raises(Conflict):
        services.insats_delete(user=officer, insats=third)
    with pytest.raises(ValidationError):
        services.insats_move(user=officer, insats=first, direction="sideways")


# --- approval and checks -------------------------------------------------------------------


def test_recorded_approval_freezes_the_report(report, officer, secretary, answer_of, section_of):
    approved = services.report_approval_record(
        user=secretary,
        report=report,
        reference="Regionutvecklingsutskottet 2023-04-12 § 29",
        approved_on=datetime.date(2023, 4, 12),
        version=report.version,
    )
    assert approved.is_approved and approved.approved_by_user == secretary
    with pytest.raises(PermissionDenied, match="är godkänd och kan inte längre ändras"):
        services.answer_save(user=officer, answer=answer_of("1.1.1"), text="x", version=1)
    with pytest.raises(PermissionDenied):
        services.insats_add(user=officer, section=section_of("1.2.1.4"))
    # Revoking needs the committee's new paragraph: tests/reporting/test_approval_freeze.py


def test_approval_dates_are_checked(report, secretary):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for approved_on, message in (
        (datetime.date(2021, 12, 31), "kan inte ha godkänts före 2022"),
        (tomorrow, "kan inte ligga i framtiden"),
        (None, "Ange datum"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.report_approval_record(
                user=secretary,
                report=report,
                reference="RUU § 29",
                approved_on=approved_on,
                version=report.version,
            )
    with pytest.raises(ValidationError) as error:
        services.report_approval_record(
            user=secretary, report=report, reference="", approved_on=None, version=report.version
        )
    assert "reference" in error.value.message_dict


def test_figure_check_keeps_the_figures_as_they_were(report, controller, officer):
    from tests.financing.factories import CommitmentFactory, GrantFactory

    GrantFactory(year=2022, amount="1000000")
    CommitmentFactory(year=2022, amount="400000")
    check = services.figures_check(user=controller, report=report, note="Stämt mot Raindance")
    assert check.figures["net_total"] == "400000.00"
    assert check.figures["by_category"][0]["share"] == "100"
    with pytest.raises(PermissionDenied):
        services.figures_check(user=officer, report=report)
