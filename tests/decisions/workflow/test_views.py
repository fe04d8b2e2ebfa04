"""The workflow through the browser: every transition once through the view (plain POST
and htmx), refusals (403), stale forms (409), form errors that keep what was typed, the
case-page sections, anchoring, the decision proposal, queues and the delegation register."""

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from decisions.workflow import services as wf
from decisions.workflow.models import AnchoringContact, DecisionProposal, DelegationDecision
from projects.models import Case, CaseState
from tests.decisions.workflow.factories import (
    data_for,
    fire,
    prepare_for,
    walk_cofinancing,
    walk_idea,
)
from tests.decisions.workflow.test_permissions import MATRIX
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
S = CaseState
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(case, name):
    return reverse("decisions:workflow_transition", args=[case.pk, name])


def post_data(name, case, **extra):
    data = {"expected_state": case.state, "motivation": "Motivering."}
    for key, value in data_for(name).items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[key] = value
    data.update(extra)
    return data


def user_for(name, actors):
    allowed = MATRIX[name][3]
    if "secretary" in allowed:
        return actors.secretary
    if "director" in allowed:
        return actors.director
    return actors.officer


def case_for(name, actors):
    kind, state, route, _allowed = MATRIX[name]
    case = (
        walk_idea(actors, state, route=route)
        if kind == "projektide"
        else walk_cofinancing(actors, state)
    )
    prepare_for(case, name, actors)
    return case


FIRED_HERE = sorted(set(MATRIX) - set(wf.DECIDED_IN_PARAGRAPH))


@pytest.mark.parametrize("name", FIRED_HERE)
def test_every_transition_through_a_plain_form_post(name, actors, client_for):
    case = case_for(name, actors)
    client = client_for(user_for(name, actors))
    page = client.get(url(case, name))
    assert page.status_code == 200
    assert "base.html" in [t.name for t in page.templates]
    assert 'name="expected_state"' in page.content.decode()
    response = client.post(url(case, name), post_data(name, case))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == case.get_absolute_url()
    assert Case.objects.get(pk=case.pk).state == wf.transition_info(name).target


@pytest.mark.parametrize("name", FIRED_HERE)
def test_every_transition_through_the_htmx_dialog(name, actors, client_for):
    case = case_for(name, actors)
    client = client_for(user_for(name, actors))
    dialog = client.get(url(case, name), **HTMX)
    assert dialog.status_code == 200
    html = dialog.content.decode()
    assert 'role="dialog"' in html and 'aria-modal="true"' in html
    assert "<html" not in html
    assert f'hx-post="{url(case, name)}"' in html
    response = client.post(url(case, name), post_data(name, case), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == case.get_absolute_url()
    assert Case.objects.get(pk=case.pk).state == wf.transition_info(name).target


@pytest.mark.parametrize("name", sorted(wf.DECIDED_IN_PARAGRAPH))
def test_a_body_decision_is_not_fired_here_but_said_where_it_is_recorded(name, actors, client_for):
    """RUN, utvecklingsrådet, ledningsgruppen and regionstyrelsen decide in a § of their
    meeting: the case's transition page answers 409 with where to record it."""
    case = case_for(name, actors)
    client = client_for(user_for(name, actors))
    page = client.get(url(case, name))
    assert page.status_code == 409
    assert "registreras i organets paragraf" in page.content.decode()
    response = client.post(url(case, name), post_data(name, case))
    assert response.status_code == 409
    htmx = client.post(url(case, name), post_data(name, case), **HTMX)
    assert htmx.status_code == 409 and htmx["HX-Redirect"] == case.get_absolute_url()
    assert Case.objects.get(pk=case.pk).state == case.state


def test_a_refused_transition_answers_403_and_changes_nothing(actors, client_for):
    case = walk_idea(actors, S.AT_COUNCIL)
    client = client_for(actors.officer)
    assert client.get(url(case, "council_approve")).status_code == 403
    response = client.post(url(case, "council_approve"), post_data("council_approve", case))
    assert response.status_code == 403
    assert "nämndsekreterare" in response.content.decode()
    htmx = client.post(url(case, "council_approve"), post_data("council_approve", case), **HTMX)
    assert htmx.status_code == 403
    assert htmx["HX-Redirect"] == case.get_absolute_url()
    assert Case.objects.get(pk=case.pk).state == S.AT_COUNCIL


def test_a_reader_sees_no_buttons_and_cannot_post(actors, reader, client_for):
    case = walk_idea(actors, S.AT_COUNCIL)
    client = client_for(reader)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "data-transition=" not in page.split('id="workflow-actions"')[1].split("</section>")[0]
    assert client.post(url(case, "withdraw"), {"motivation": "x"}).status_code == 403


def test_a_stale_form_answers_409_with_a_clear_message(actors, client_for):
    case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    client = client_for(actors.director)  # the form another director decision overtook
    form_data = post_data("delegation_reject", case)  # the form the director opened
    fire(case, "delegation_approve", actors.director)
    response = client.post(url(case, "delegation_reject"), form_data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Ärendet har ändrats av någon annan" in body
    assert case.get_absolute_url() in body
    htmx = client.post(url(case, "delegation_reject"), form_data, **HTMX)
    assert htmx.status_code == 409 and htmx["HX-Redirect"] == case.get_absolute_url()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Ärendet har ändrats av någon annan" in page  # the message after the redirect
    assert Case.objects.get(pk=case.pk).state == S.APPROVED


def test_form_errors_keep_what_the_user_typed(actors, client_for):
    case = walk_cofinancing(actors, S.PREPARATION)
    client = client_for(actors.officer)
    proposal_url = reverse("decisions:workflow_proposal_edit", args=[case.pk])
    data = {
        "decision_points": "Projektet beviljas 9 999 999 kr.",
        "proposed_amount": "9 999 999",
        "summary": "Sammanfattningen.",
        "special_conditions-TOTAL_FORMS": "3",
        "special_conditions-INITIAL_FORMS": "0",
        "special_conditions-0-text": "Rapportera antal företag.",
        "special_conditions-0-due_date": "2021-12-31",
    }
    for headers in ({}, HTMX):
        response = client.post(proposal_url, data, **headers)
        assert response.status_code in (200, 400)
        html = response.content.decode()
        assert "kan inte vara högre än det sökta beloppet" in html
        assert 'value="9 999 999"' in html
        assert "Sammanfattningen." in html
        assert 'value="Rapportera antal företag."' in html
        assert 'value="2021-12-31"' in html
    assert not DecisionProposal.objects.filter(case=case).exists()


def test_an_unmet_precondition_disables_the_button_with_the_reason(actors, client_for):
    case = walk_idea(actors, S.AU_ASSESSED)
    client = client_for(actors.officer)
    page = client.get(case.get_absolute_url()).content.decode()
    button = re.search(r'<button[^>]*data-transition="send_to_forum"[^>]*>', page).group(0)
    assert "disabled" in button
    assert "Ingen förankring med berörd verksamhet är registrerad." in page
    form = client.get(url(case, "send_to_forum")).content.decode()
    assert "Det går inte ännu" in form
    assert re.search(r'<button type="submit"[^>]*disabled', form)
    response = client.post(url(case, "send_to_forum"), post_data("send_to_forum", case))
    assert response.status_code == 400
    assert "Ingen förankring med berörd verksamhet är registrerad." in response.content.decode()


def test_a_transition_not_possible_now_is_a_409_not_a_500(actors, client_for):
    case = walk_idea(actors, S.REGISTERED)
    response = client_for(actors.secretary).get(url(case, "council_approve"))
    assert response.status_code == 409
    assert "kan inte göras när ärendet har status Registrerat" in response.content.decode()
    assert client_for(actors.secretary).get(url(case, "teleport")).status_code == 404


def test_the_case_page_shows_state_buttons_diagram_log_and_records(actors, client_for):
    case = walk_idea(actors, S.AT_COUNCIL)
    html = client_for(actors.officer).get(case.get_absolute_url()).content.decode()
    actions = html.split('id="workflow-actions"')[1].split("</section>")[0]
    assert 'data-transition="council_approve"' not in actions  # decided in the council's §
    assert "Nästa beslut fattas av Utvecklingsrådet vid ett sammanträde" in html
    assert 'data-transition="withdraw"' in actions
    assert f'hx-get="{url(case, "withdraw")}"' in actions
    assert 'href="' + url(case, "withdraw") + '"' in actions  # works without JS
    assert 'class="route-diagram"' in html
    assert "route-diagram__node--current" in html
    assert "Händelselogg för beslutsgången" in html
    assert "Registrera forumets rekommendation" in html
    assert "Bedömning från AU" in html
    assert "Förankring med berörda verksamheter" in html
    assert "Rekommendation från utvecklingsforum" in html
    assert re.search(r"css/workflow\.(\w+\.)?css", html)
    assert "style=" not in html.split('id="workflow-actions"')[1]


def test_the_case_page_query_count_does_not_grow_with_the_log(
    actors, client_for, django_assert_max_num_queries
):
    case = walk_idea(actors, S.FINAL_REPORT)
    client = client_for(actors.officer)
    client.get(case.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as long_log:
        client.get(case.get_absolute_url())
    short = walk_idea(actors, S.AU_PREPARATION)
    with CaptureQueriesContext(connection) as short_log:
        client.get(short.get_absolute_url())
    assert len(long_log) <= len(short_log) + 3


def test_linked_cases_and_the_anchoring_warning_on_both_pages(actors, client_for):
    project = ProjectFactory(involves_healthcare=True)
    cofinancing = walk_cofinancing(actors, S.PREPARATION, project=project)
    client = client_for(actors.officer)
    html = client.get(cofinancing.get_absolute_url()).content.decode()
    assert "har inte förankrats i utvecklingsrådet" in html
    idea = walk_idea(actors, S.APPROVED, project=project)
    html = client.get(cofinancing.get_absolute_url()).content.decode()
    assert "har inte förankrats i utvecklingsrådet" not in html
    assert "är förankrat i utvecklingsrådet" in html
    assert idea.get_absolute_url() in html and idea.dnr in html
    idea_page = client.get(idea.get_absolute_url()).content.decode()
    header = idea_page.split('id="workflow-actions"')[1].split("</section>")[0]
    assert cofinancing.get_absolute_url() in header
    assert "förankrar medfinansieringsansökan för samma projekt" in header


def test_an_idea_not_yet_through_the_council_says_what_the_co_financing_needs(actors, client_for):
    project = ProjectFactory(involves_healthcare=True)
    cofinancing = walk_cofinancing(actors, S.REGISTERED, project=project)
    idea = walk_idea(actors, S.AT_FORUM, project=project)
    page = client_for(actors.officer).get(idea.get_absolute_url()).content.decode()
    header = page.split('id="workflow-actions"')[1].split("</section>")[0]
    assert "kräver att projektidén först godkänns i utvecklingsrådet" in header
    assert cofinancing.dnr in header


# --- Anchoring ------------------------------------------------------------------------


def test_officer_records_and_removes_anchoring_on_the_case_page(actors, client_for):
    case = walk_idea(actors, S.AU_ASSESSED)
    client = client_for(actors.officer)
    add = reverse("decisions:workflow_anchoring_add", args=[case.pk])
    data = {
        "unit": "Division Närsjukvård",
        "person": "Karin Berg",
        "contacted_on": "2020-02-03",
        "outcome": "Stödjer idén.",
    }
    response = client.post(add, data)
    assert response.status_code == 302 and response["Location"].endswith("#anchoring")
    response = client.post(add, {**data, "unit": "Hälso- och sjukvårdsavdelningen"}, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="anchoring"' in fragment and "<html" not in fragment
    assert "Hälso- och sjukvårdsavdelningen" in fragment and "Division Närsjukvård" in fragment
    bad = client.post(add, {**data, "person": "", "contacted_on": "2999-01-01"})
    assert bad.status_code == 200
    assert "Datumet kan inte vara i framtiden." in bad.content.decode()
    assert 'value="Division Närsjukvård"' in bad.content.decode()
    assert AnchoringContact.objects.filter(case=case).count() == 2
    contact = AnchoringContact.objects.filter(case=case).first()
    delete = reverse("decisions:workflow_anchoring_delete", args=[case.pk, contact.pk])
    assert client_for(actors.secretary).post(delete).status_code == 403
    assert client_for(actors.officer).post(delete).status_code == 302
    assert AnchoringContact.objects.filter(case=case).count() == 1


def test_anchoring_forms_are_refused_to_other_roles(actors, client_for):
    case = walk_idea(actors, S.AU_ASSESSED)
    add = reverse("decisions:workflow_anchoring_add", args=[case.pk])
    assert client_for(actors.secretary).get(add).status_code == 403
    assert client_for(actors.officer).get(add).status_code == 200


# --- Decision proposal --------------------------------------------------------------------


def test_the_proposal_form_is_prefilled_and_saves(actors, client_for):
    case = walk_cofinancing(actors, S.PREPARATION)
    client = client_for(actors.officer)
    edit = reverse("decisions:workflow_proposal_edit", args=[case.pk])
    page = client.get(edit).content.decode()
    assert f"Projektet {case.project.title} beviljas medfinansiering med 1 222 867 kr." in page
    assert "Medlen anvisas ur det statliga anslaget 1:1." in page
    assert "Region Norrbottens villkor för regionala projektstöd ska följas." in page
    with override_settings(REGION_NAME="Region Skåne"):  # the region's own name
        assert "Region Skånes villkor för regionala projektstöd ska följas." in (
            client.get(edit).content.decode()
        )
    response = client.post(
        edit,
        {
            "decision_points": "Projektet beviljas 1 000 000 kr.\nMedlen anvisas ur 1:1.",
            "proposed_amount": "1 000 000",
            "statement": "Bra projekt.",
            "summary": "Kort.",
            "special_conditions-0-text": "Rapportera antalet företag.",
            "special_conditions-0-due_date": "2022-06-30",
            "special_conditions-1-text": "",
            "special_conditions-1-due_date": "",
            "version": "0",
        },
    )
    assert response.status_code == 302
    proposal = DecisionProposal.objects.get(case=case)
    assert proposal.decision_points == [
        "Projektet beviljas 1 000 000 kr.",
        "Medlen anvisas ur 1:1.",
    ]
    assert proposal.special_conditions == [
        {"text": "Rapportera antalet företag.", "due_date": "2022-06-30"}
    ]
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert "Rapportera antalet företag." in case_page and "1 000 000 kr" in case_page


def test_a_conflicting_proposal_edit_is_409_and_keeps_the_text(actors, client_for):
    case = walk_cofinancing(actors, S.PREPARATION)
    client = client_for(actors.officer)
    edit = reverse("decisions:workflow_proposal_edit", args=[case.pk])
    data = {
        "decision_points": "A",
        "proposed_amount": "100",
        "statement": "Min text",
        "version": "0",
    }
    assert client.post(edit, data).status_code == 302
    response = client.post(edit, {**data, "statement": "Min andra text"})  # version 0 again
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har ändrat beslutsförslaget" in html
    assert "Min andra text" in html
    assert DecisionProposal.objects.get(case=case).statement == "Min text"


def test_the_proposal_suggests_rejection_for_unanchored_health_care(actors, client_for):
    project = ProjectFactory(involves_healthcare=True)
    case = walk_cofinancing(actors, S.PREPARATION, project=project)
    page = (
        client_for(actors.officer)
        .get(reverse("decisions:workflow_proposal_edit", args=[case.pk]))
        .content.decode()
    )
    assert "Projektet har inte behandlats av utvecklingsrådet och är således inte" in page
    assert re.search(r'name="proposes_rejection"[^>]*checked', page)
    assert "avslå ansökan om den sökta medfinansieringen på 1 222 867 kr" in page


def test_the_proposal_cannot_be_edited_by_others_or_when_ready(actors, client_for):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    edit = reverse("decisions:workflow_proposal_edit", args=[case.pk])
    assert client_for(actors.officer).get(edit).status_code == 403
    case2 = walk_cofinancing(actors, S.PREPARATION)
    edit2 = reverse("decisions:workflow_proposal_edit", args=[case2.pk])
    assert client_for(actors.secretary).get(edit2).status_code == 403


# --- Queues and the delegation register -----------------------------------------------


def test_work_queues_list_and_count_cases(actors, client_for, django_assert_max_num_queries):
    walk_idea(actors, S.REGISTERED)
    walk_idea(actors, S.AU_PREPARATION)
    at_council = walk_idea(actors, S.AT_COUNCIL)
    walk_idea(actors, S.AT_BOARD)
    ready = walk_cofinancing(actors, S.READY_FOR_RUN)
    client = client_for(actors.officer)
    overview = client.get(reverse("decisions:workflow_queues")).content.decode()
    for label in (
        "Att bereda i AU",
        "Till utvecklingsforum",
        "Till utvecklingsrådet",
        "Till ledningsgrupp/regionstyrelse",
        "Klara för RUN",
    ):
        assert label in overview
    council = client.get(reverse("decisions:workflow_queue", args=["council"])).content.decode()
    assert at_council.dnr in council and ready.dnr not in council
    assert "Till utvecklingsrådet: 1 ärende" in council
    run = client.get(reverse("decisions:workflow_queue", args=["run"])).content.decode()
    assert ready.dnr in run and at_council.dnr not in run
    au = client.get(reverse("decisions:workflow_queue", args=["au"])).content.decode()
    assert "Att bereda i AU: 2 ärenden" in au
    assert client.get(reverse("decisions:workflow_queue", args=["nope"])).status_code == 404


def test_queue_query_count_is_constant(actors, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(actors.officer)
    queue = reverse("decisions:workflow_queue", args=["council"])
    walk_idea(actors, S.AT_COUNCIL)
    client.get(queue)
    with CaptureQueriesContext(connection) as one:
        client.get(queue)
    for _ in range(4):
        walk_idea(actors, S.AT_COUNCIL)
    with CaptureQueriesContext(connection) as five:
        client.get(queue)
    assert len(five) == len(one)


def test_the_delegation_register_lists_and_filters(actors, client_for):
    reported_case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    fire(
        reported_case, "delegation_approve", actors.director, decision_text="Förstudie A godkänns."
    )
    open_case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    fire(open_case, "delegation_reject", actors.director, decision_text="Idé B avslås.")
    wf.delegation_decision_mark_reported(
        user=actors.secretary,
        decisions=DelegationDecision.objects.filter(case=reported_case),
        reported_on=datetime.date(2020, 3, 24),
        reference="RUN 2020-03-24 § 25",
    )
    client = client_for(actors.officer)
    register = reverse("decisions:delegation_register")
    html = client.get(register).content.decode()
    assert reported_case.dnr in html and open_case.dnr in html
    assert "RUN 2020-03-24 § 25" in html and "Ej anmält" in html
    assert "Förstudie A godkänns." in html and "Lars Wik" in html
    unreported = client.get(register, {"reported": "no"}).content.decode()
    assert open_case.dnr in unreported and reported_case.dnr not in unreported
    reported = client.get(register, {"reported": "yes"}).content.decode()
    assert reported_case.dnr in reported and open_case.dnr not in reported
    assert client.get(register, {"reported": "maybe"}).status_code == 200


# --- Query counts on the demo data ------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/workflow/queues/", 6),
        ("/workflow/queues/council/", 10),
        ("/workflow/queues/run/", 10),
        ("/workflow/delegation/", 7),
    ],
)
def test_pages_on_the_demo_data_stay_within_their_query_count(
    demo, client, django_assert_max_num_queries, url, most
):
    """Measured on the demo data (cases in every queue, delegation decisions) with a small
    margin."""
    client.force_login(demo.user("handlaggare"))
    client.get(url)  # warm up the session and caches
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def test_special_conditions_are_a_formset_and_a_bad_row_keeps_what_was_typed(actors, client_for):
    """Special conditions are a Django formset (management form and rows); a row the
    formset refuses is shown with its message and nothing is saved."""
    case = walk_cofinancing(actors, S.PREPARATION)
    client = client_for(actors.officer)
    proposal_url = reverse("decisions:workflow_proposal_edit", args=[case.pk])
    page = client.get(proposal_url).content.decode()
    assert 'name="special_conditions-TOTAL_FORMS"' in page
    response = client.post(
        proposal_url,
        {
            "decision_points": "Projektet beviljas 100 000 kr.",
            "proposed_amount": "100 000",
            "special_conditions-TOTAL_FORMS": "3",
            "special_conditions-INITIAL_FORMS": "0",
            "special_conditions-0-text": "Rapportera antalet företag.",
            "special_conditions-0-due_date": "sista juni",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rapportera antalet företag." in html and "sista juni" in html
    assert not DecisionProposal.objects.filter(case=case).exists()


def test_a_queue_is_oldest_first_and_no_column_claims_another_order(actors, client_for):
    """The Dnr header said "sorted descending" over rows oldest first."""
    import re

    from projects.models import Case

    older = walk_idea(actors, S.REGISTERED)
    newer = walk_idea(actors, S.REGISTERED)
    Case.objects.filter(pk=newer.pk).update(registered_on=older.registered_on.replace(year=2019))
    client = client_for(actors.officer)
    url = reverse("decisions:workflow_queue", args=["au"])
    for params in ({}, {"kind": "projektide"}):  # filtered, too
        html = client.get(url, params).content.decode()
        assert html.index(newer.dnr) < html.index(older.dnr), params
        assert not re.search(r'aria-sort="(ascending|descending)"', html), params
    chosen = client.get(url, {"sort": "dnr"}).content.decode()
    assert chosen.index(older.dnr) < chosen.index(newer.dnr)  # 00001 before 00002
    assert 'aria-sort="ascending"' in chosen
