"""Hypothesis fuzzing of every form of the app (issue #8, point 5.4).

Every Form class of ``*/forms*.py`` (and the case list's filter) is mapped to the page
that uses it and a role allowed to use it. The page is fetched like a browser would, its
form's fields read from the HTML, and hypothesis posts variations of what the browser
would send: fields dropped, emptied or replaced by unicode, control characters, huge
strings, numbers such as ``1e400``, ``-0``, ``NaN``, ``12 345,67 tkr``, dates out of range,
ids of objects that do not exist, choices of other fields. The answer is never a 500, and
when the page does not accept the data (no redirect) no row is created anywhere.

Each example runs in a savepoint that is rolled back, so examples do not see each other.
"""

import datetime
import inspect
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django import forms as django_forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.demo import DEMO_PASSWORD
from tests.core.factories import PASSWORD
from tests.security.writes import Writes, app_tables
from tests.session_demo import FAST_HASHERS

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "core.notification_views",
    "projects.forms",
    "decisions.meetings.forms",
    "decisions.workflow.forms",
    "financing.forms",
    "reporting.forms",
    "decisions.public.forms",
    "reporting.archive.forms",
]
# Bases that no page renders on their own.
ABSTRACT = {
    "projects.forms.EditTokenMixin",
    "decisions.workflow.forms.TransitionForm",
    "decisions.workflow.forms.MotivatedTransitionForm",
    "decisions.workflow.forms.IncomingLetterForm",
    "reporting.forms.VersionForm",
    # No fields: signing after a new login at the identity provider (tests/core/test_oidc.py).
    "decisions.meetings.forms.ReauthSignForm",
}
# 12 examples per form in ``make test`` (the same reproducible ones every run; some 40 ms an
# example on a slow machine, 117 forms): test_hostile_input.py puts its hostile values in
# every field besides. ``make fuzz`` explores further: FUZZ_EXAMPLES=200 FUZZ_RANDOM=1, new
# examples every run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
STATS: dict = {}


# --- The forms and where they are used -------------------------------------------------------


@dataclass
class Target:
    forms: tuple[str, ...]  # "module.Class" of the forms the page posts
    role: str
    url: Callable  # world -> url of the page that shows the form
    action: Callable | None = None  # world -> url the form posts to (default: url)
    method: str = "post"
    page: bool = True  # the form is shown on a page (fields read from its HTML)
    base: dict = field(default_factory=dict)  # fields when there is no page
    success_template: str = ""  # a 200 rendering this template is a success
    valid: Callable | None = None  # world -> fields that make the browser's data valid


# A body's decision is recorded in its § (the decision_record target); its transition's
# own URL answers 409 whatever is posted, and saves nothing.
PARAGRAPH_ONLY_BASE = {"motivation": "Motivering.", "decided_on": "2020-03-24"}


def _transition(name):
    def url(w):
        return reverse("decisions:workflow_transition", args=[w.fuzz[name].pk, name])

    return url


P, M, W, F, R = (
    "projects.forms.",
    "decisions.meetings.forms.",
    "decisions.workflow.forms.",
    "financing.forms.",
    "reporting.forms.",
)

TARGETS = {
    # public (no login; fuzzed as a reader, who sees the same page)
    "public_diary": Target(
        ("decisions.public.forms.DiarySearchForm",), "reader", lambda w: "/e-diarium/", method="get"
    ),
    # projects
    "organisation_edit": Target(
        (P + "OrganisationForm",),
        "officer",
        lambda w: f"/cases/organisations/{w.organisation.pk}/edit/",
    ),
    "organisation_picker_create": Target(
        (P + "OrganisationQuickForm",),
        "officer",
        lambda w: "/cases/organisations/picker/new/",
        page=False,
        base={"name": "Ny organisation AB", "kind": "company", "org_number": "", "city": ""},
        success_template="projects/widgets/organisation_created.html",
    ),
    "project_edit": Target(
        (P + "ProjectForm",), "officer", lambda w: f"/cases/projects/{w.project.pk}/edit/"
    ),
    "case_register": Target((P + "CaseRegisterForm",), "officer", lambda w: "/cases/new/"),
    "case_edit": Target(
        (P + "CaseEditForm",), "officer", lambda w: f"/cases/{w.doc_case.pk}/edit/"
    ),
    "project_start": Target(
        (P + "ProjectStartForm",), "officer", lambda w: f"/cases/projects/{w.project.pk}/start/"
    ),
    "project_closure": Target(
        (P + "ProjectClosureForm",), "officer", lambda w: f"/cases/projects/{w.project.pk}/closure/"
    ),
    "member_edit": Target(
        (P + "ProjectMemberForm",), "officer", lambda w: f"/cases/members/{w.member.pk}/edit/"
    ),
    "notification_settings": Target(
        ("core.notification_views.NotificationSettingsForm",),
        "officer",
        lambda w: "/aviseringar/installningar/",
    ),
    "case_note_add": Target(
        (P + "CaseNoteForm",), "officer", lambda w: f"/cases/{w.doc_case.pk}/notes/new/"
    ),
    "obligation_create": Target(
        (P + "ObligationForm",),
        "secretary",
        lambda w: f"/cases/projects/{w.project.pk}/obligations/new/",
    ),
    "obligation_fulfil": Target(
        (P + "ObligationFulfilForm",),
        "officer",
        lambda w: f"/cases/obligations/{w.obligation.pk}/fulfil/",
    ),
    "document_upload": Target(
        (P + "DocumentUploadForm",),
        "controller",
        lambda w: f"/cases/{w.doc_case.pk}/documents/new/",
    ),
    "document_edit": Target(
        (P + "DocumentEditForm",),
        "officer",
        lambda w: f"/cases/documents/{w.confidential.pk}/edit/",
    ),
    "document_email": Target(
        (P + "EmailRegisterForm",),
        "officer",
        lambda w: f"/cases/{w.doc_case.pk}/documents/email/",
    ),
    "secrecy_mark": Target(
        (P + "SecrecyMarkForm",),
        "officer",
        lambda w: f"/cases/{w.doc_case.pk}/secrecy/new/",
    ),
    "secrecy_lift": Target(
        (P + "SecrecyLiftForm",),
        "officer",
        lambda w: f"/cases/secrecy/{w.field_marking.pk}/lift/",
    ),
    "request_register": Target(
        (P + "DocumentRequestForm",),
        "officer",
        lambda w: f"/cases/{w.doc_case.pk}/requests/new/",
    ),
    "request_decide": Target(
        (P + "DocumentRequestDecisionForm",),
        "officer",
        lambda w: f"/cases/requests/{w.document_request.pk}/",
    ),
    "area_edit": Target(
        (P + "RusAreaForm",), "officer", lambda w: f"/cases/areas/rus/{w.rus_area.pk}/edit/"
    ),
    "area_create": Target((P + "SmartAreaForm",), "officer", lambda w: "/cases/areas/smart/new/"),
    "aim_create": Target((P + "ProjectAimForm",), "officer", lambda w: "/cases/areas/aims/new/"),
    "case_list": Target(
        ("projects.filters.CaseFilter",), "reader", lambda w: "/cases/", method="get"
    ),
    # decisions: meetings
    "body_edit": Target(
        (M + "BodyForm",), "secretary", lambda w: f"/workflow/organ/{w.body.pk}/andra/"
    ),
    "body_member_edit": Target(
        (M + "MemberForm",), "secretary", lambda w: f"/workflow/ledamoter/{w.body_member.pk}/andra/"
    ),
    "counter_set": Target(
        (M + "CounterForm",), "secretary", lambda w: f"/workflow/organ/{w.body.pk}/paragrafnummer/"
    ),
    "meeting_create": Target(
        (M + "MeetingForm",), "secretary", lambda w: "/workflow/sammantraden/nytt/"
    ),
    "agenda_add": Target(
        (M + "AgendaItemForm",),
        "secretary",
        lambda w: f"/workflow/sammantraden/{w.held_meeting.pk}/punkter/ny/",
    ),
    "agenda_add_queue": Target(
        (M + "QueueForm",),
        "secretary",
        lambda w: f"/workflow/sammantraden/{w.held_meeting.pk}/punkter/ko/",
    ),
    "agenda_add_delegation": Target(
        (M + "DelegationItemForm",),
        "secretary",
        lambda w: f"/workflow/sammantraden/{w.held_meeting.pk}/punkter/delegationsbeslut/",
    ),
    "attendance_edit": Target(
        (M + "AttendanceForm",),
        "secretary",
        lambda w: f"/workflow/sammantraden/{w.held_meeting.pk}/narvaro/",
    ),
    "other_add": Target(
        (M + "OtherAttendeeForm",),
        "secretary",
        lambda w: f"/workflow/sammantraden/{w.held_meeting.pk}/ovriga/ny/",
    ),
    "paragraph_edit": Target(
        (M + "ParagraphForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.held_paragraph.pk}/andra/",
    ),
    "conflict_add": Target(
        (M + "ConflictForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.held_paragraph.pk}/jav/ny/",
    ),
    "motion_add": Target(
        (M + "MotionForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.held_paragraph.pk}/yrkanden/ny/",
    ),
    "proposition_set": Target(
        (M + "PropositionForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.held_paragraph.pk}/proposition/",
    ),
    "vote_edit": Target(
        (M + "VoteForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.held_paragraph.pk}/omrostning/",
    ),
    "reservation_add": Target(
        (M + "ReservationForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.held_paragraph.pk}/reservationer/ny/",
    ),
    # Removals (core.http.confirm_removal): the confirmation page's form (only "next"),
    # and the "Ångra" button that undoes a removal (core.removal).
    "confirm_remove_recipient": Target(
        (),
        "secretary",
        lambda w: reverse("decisions:paragraph_part_remove", args=["recipient", w.recipient.pk]),
    ),
    "confirm_remove_member": Target(
        (), "officer", lambda w: reverse("projects:member_delete", args=[w.member.pk])
    ),
    "removal_undo_meeting": Target(
        (),
        "secretary",
        lambda w: reverse("decisions:removal_undo", args=[w.meeting_removal.pk]),
        page=False,
        base={"next": ""},
    ),
    "removal_undo_project": Target(
        (),
        "officer",
        lambda w: reverse("projects:removal_undo", args=[w.project_removal.pk]),
        page=False,
        base={"next": ""},
    ),
    "recipient_add": Target(
        (M + "RecipientForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.held_paragraph.pk}/mottagare/ny/",
    ),
    "decision_record": Target(
        (M + "DecisionForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.fuzz['case_paragraph'].pk}/beslut/",
    ),
    "protocol_reject": Target(
        (M + "RejectSigningForm",),
        "chair",
        lambda w: f"/workflow/sammantraden/{w.signing_meeting.pk}/aterforvisa/",
    ),
    "protocol_sign": Target(
        (M + "SignForm",),
        "chair",
        lambda w: f"/workflow/sammantraden/{w.signing_meeting.pk}/justera/",
    ),
    "paragraph_sign": Target(
        (M + "SignForm",),
        "chair",
        lambda w: f"/workflow/paragrafer/{w.fuzz['signable_paragraph'].pk}/justera/",
    ),
    "paper_signing": Target(
        (M + "PaperSigningForm",),
        "secretary",
        lambda w: (
            f"/workflow/sammantraden/{w.fuzz['signable_paragraph'].meeting_id}/justerat-pa-papper/"
        ),
    ),
    "paragraph_notice": Target(
        (M + "ParagraphNoticeForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.fuzz['adjusted_paragraph'].pk}/anslag/",
    ),
    "appeal_add": Target(
        (M + "AppealForm",),
        "secretary",
        lambda w: f"/workflow/paragrafer/{w.signed_paragraph.pk}/overklagande/ny/",
    ),
    "appeal_decide": Target(
        (M + "AppealDecisionForm",),
        "secretary",
        lambda w: f"/workflow/overklaganden/{w.appeal.pk}/avgjort/",
    ),
    "notice_publish": Target(
        (M + "NoticeForm",),
        "secretary",
        lambda w: f"/workflow/sammantraden/{w.fuzz['unposted_meeting'].pk}/anslag/",
    ),
    "document_verify": Target(
        (M + "VerifyForm",), "reader", lambda w: "/workflow/dokument/kontrollera/"
    ),
    # decisions: workflow
    "start_preparation": Target(
        (W + "PlainTransitionForm",), "officer", _transition("start_preparation")
    ),
    "record_au_assessment": Target(
        (W + "AssessmentForm",), "officer", _transition("record_au_assessment")
    ),
    "delegation_approve": Target(
        (W + "DelegationDecisionForm",), "director", _transition("delegation_approve")
    ),
    "delegation_reject": Target(
        (W + "DelegationRejectForm",), "director", _transition("delegation_reject")
    ),
    "forum_recommend": Target(
        (W + "ForumRecommendationForm",), "secretary", _transition("forum_recommend")
    ),
    "council_approve": Target(
        (W + "BodyDecisionForm",),
        "secretary",
        _transition("council_approve"),
        page=False,
        base=PARAGRAPH_ONLY_BASE,
    ),
    "council_return": Target(
        (W + "BodyReturnForm",),
        "secretary",
        _transition("council_return"),
        page=False,
        base=PARAGRAPH_ONLY_BASE,
    ),
    "management_group_forward": Target(
        (W + "ManagementGroupForm",),
        "secretary",
        _transition("management_group_forward"),
        page=False,
        base=PARAGRAPH_ONLY_BASE,
    ),
    "management_group_return": Target(
        (W + "ManagementGroupReturnForm",),
        "secretary",
        _transition("management_group_return"),
        page=False,
        base=PARAGRAPH_ONLY_BASE,
    ),
    "send_application": Target(
        (W + "SendApplicationForm",), "officer", _transition("send_application")
    ),
    "record_funded": Target((W + "FundedForm",), "officer", _transition("record_funded")),
    "record_not_funded": Target(
        (W + "FundingOutcomeForm",), "officer", _transition("record_not_funded")
    ),
    "start_project": Target((W + "StartProjectForm",), "officer", _transition("start_project")),
    "submit_final_report": Target(
        (W + "FinalReportForm",), "officer", _transition("submit_final_report")
    ),
    "grant": Target(
        (W + "GrantForm", W + "ConditionRowForm", W + "YearRowForm"),
        "secretary",
        _transition("grant"),
        page=False,
        base=PARAGRAPH_ONLY_BASE,
    ),
    "reject": Target(
        (W + "RejectForm",),
        "secretary",
        _transition("reject"),
        page=False,
        base=PARAGRAPH_ONLY_BASE,
    ),
    "delegation_grant": Target(
        (W + "DelegationGrantForm",), "director", _transition("delegation_grant")
    ),
    "delegation_reject_application": Target(
        (W + "DelegationApplicationRejectForm",),
        "director",
        _transition("delegation_reject_application"),
    ),
    "refer_to_body": Target((W + "ReferToBodyForm",), "director", _transition("refer_to_body")),
    "return_to_preparation": Target(
        (W + "ReturnToPreparationForm",), "officer", _transition("return_to_preparation")
    ),
    "withdraw": Target((W + "WithdrawForm",), "officer", _transition("withdraw")),
    "anchoring_add": Target(
        (W + "AnchoringContactForm",),
        "officer",
        lambda w: f"/workflow/cases/{w.anchoring_case.pk}/anchoring/",
    ),
    "communication": Target(
        (W + "CommunicationForm",),
        "officer",
        lambda w: f"/workflow/cases/{w.draft_case.pk}/communication/",
    ),
    "communication_reply": Target(
        (W + "CommunicationReplyForm",),
        "officer",
        lambda w: f"/workflow/cases/{w.demand_case.pk}/communication/{w.communication.pk}/reply/",
    ),
    "delay_notice": Target(
        (W + "DelayNoticeForm",),
        "officer",
        lambda w: f"/workflow/cases/{w.draft_case.pk}/delay-notice/",
    ),
    "decision_demand": Target(
        (W + "DecisionDemandForm",),
        "officer",
        lambda w: f"/workflow/cases/{w.draft_case.pk}/decision-demand/",
    ),
    "demand_refuse": Target(
        (W + "DemandRefusalForm",),
        "officer",
        lambda w: (
            f"/workflow/cases/{w.demand_case.pk}/decision-demand/{w.decision_demand.pk}/refuse/"
        ),
    ),
    "proposal_edit": Target(
        (W + "DecisionProposalForm",),
        "officer",
        lambda w: f"/workflow/cases/{w.draft_case.pk}/proposal/",
    ),
    "delegation_register": Target(
        (W + "DelegationFilterForm",), "reader", lambda w: "/workflow/delegation/", method="get"
    ),
    # financing
    "grant_edit": Target(
        (F + "GrantForm",), "controller", lambda w: f"/finance/grants/{w.grant.year}/edit/"
    ),
    "plan_edit": Target(
        (F + "PlanForm", F + "RowForm", F + "BaseRowFormSet"),
        "officer",
        lambda w: f"/finance/plans/{w.draft_plan.project_id}/edit/",
    ),
    "plan_review": Target(
        (F + "ReviewForm",),
        "controller",
        lambda w: f"/finance/plans/{w.submitted_plan.project_id}/review/",
    ),
    "plan_reopen": Target(
        (F + "ReopenForm",),
        "controller",
        lambda w: f"/finance/plans/{w.approved_plan.project_id}/reopen/",
    ),
    "plan_granted": Target(
        (F + "GrantedAmountsForm",),
        "controller",
        lambda w: f"/finance/plans/{w.approved_plan.project_id}/granted/",
    ),
    "commitment_create": Target(
        (F + "CommitmentForm",), "controller", lambda w: "/finance/commitments/new/"
    ),
    "payment_create": Target(
        (F + "PaymentForm",),
        "controller",
        lambda w: f"/finance/commitments/{w.free_commitment.pk}/payments/new/",
    ),
    "release_create": Target(
        (F + "ReleaseForm",),
        "controller",
        lambda w: f"/finance/commitments/{w.commitment.pk}/releases/new/",
    ),
    "case_payment_create": Target(
        (F + "CasePaymentForm",),
        "controller",
        lambda w: f"/finance/cases/{w.granted_case.pk}/payments/new/",
    ),
    "payment_correct": Target(
        (F + "PaymentCorrectionForm",),
        "controller",
        lambda w: f"/finance/payments/{w.case_payment.pk}/correct/",
    ),
    "condition_create": Target(
        (F + "ConditionForm",),
        "controller",
        lambda w: f"/finance/cases/{w.granted_case.pk}/conditions/new/",
    ),
    "condition_met": Target(
        (F + "ConditionMetForm",),
        "controller",
        lambda w: f"/finance/conditions/{w.condition.pk}/met/",
    ),
    "requisition_create": Target(
        (F + "RequisitionForm",),
        "controller",
        lambda w: f"/finance/cases/{w.granted_case.pk}/requisitions/new/",
    ),
    "recovery_create": Target(
        (F + "RecoveryForm",),
        "controller",
        lambda w: f"/finance/cases/{w.granted_case.pk}/recoveries/new/",
    ),
    "final_report_approve": Target(
        (F + "FinalReportApprovalForm",),
        "officer",
        lambda w: f"/finance/cases/{w.granted_case.pk}/final-report/",
    ),
    "grant_adjust": Target(
        (F + "GrantAdjustmentForm",),
        "controller",
        lambda w: f"/finance/cases/{w.granted_case.pk}/adjustments/new/",
    ),
    "grant_terms": Target(
        (F + "GrantTermsForm",),
        "controller",
        lambda w: f"/finance/cases/{w.granted_case.pk}/terms/",
    ),
    "allocation_decision_create": Target(
        (F + "AllocationDecisionForm",),
        "controller",
        lambda w: f"/finance/grants/{w.grant.year}/allocation-decisions/new/",
    ),
    "dashboard": Target(
        (F + "DashboardFilterForm",), "reader", lambda w: "/finance/", method="get"
    ),
    "funding_type_create": Target(
        (F + "FundingTypeForm",), "controller", lambda w: "/finance/rules/funding_type/new/"
    ),
    "policy_create": Target(
        (F + "FinancingPolicyForm",), "controller", lambda w: "/finance/rules/policy/new/"
    ),
    "delegation_rule_create": Target(
        (F + "DelegationRuleForm",), "controller", lambda w: "/finance/rules/delegation_rule/new/"
    ),
    "plan_list": Target(
        (F + "PlanFilterForm",), "reader", lambda w: "/finance/plans/", method="get"
    ),
    "commitment_list": Target(
        (F + "CommitmentFilterForm",), "reader", lambda w: "/finance/commitments/", method="get"
    ),
    # reporting
    "report_create": Target(
        (R + "ReportYearCreateForm",),
        "officer",
        lambda w: "/reports/",
        action=lambda w: "/reports/new/",
    ),
    "report_edit": Target(
        (R + "ReportYearEditForm",), "officer", lambda w: f"/reports/{w.report.year}/edit/"
    ),
    "answer_save": Target(
        (R + "AnswerForm",),
        "officer",
        lambda w: f"/reports/{w.report.year}/sections/{w.section.number}/",
    ),
    "answer_assign": Target(
        (R + "AnswerAssignForm",),
        "secretary",
        lambda w: f"/reports/{w.report.year}/sections/{w.section.number}/",
        action=lambda w: f"/reports/{w.report.year}/sections/{w.section.number}/assign/",
    ),
    "word_template": Target(
        (R + "WordTemplateForm",), "admin", lambda w: "/reports/word-template/"
    ),
    "section_edit": Target(
        (R + "SectionTextForm",),
        "secretary",
        lambda w: f"/reports/{w.report.year}/sections/{w.section.number}/edit/",
    ),
    "insats_edit": Target(
        (R + "InsatsForm",), "officer", lambda w: f"/reports/insatser/{w.insats.pk}/"
    ),
    "insats_add": Target(
        (R + "InsatsAddForm",),
        "officer",
        lambda w: f"/reports/{w.report.year}/sections/{w.insats_section.number}/",
        action=lambda w: (
            f"/reports/{w.report.year}/sections/{w.insats_section.number}/insatser/add/"
        ),
    ),
    "figures_check": Target(
        (R + "FigureCheckForm",),
        "controller",
        lambda w: f"/reports/{w.report.year}/figures/",
        action=lambda w: f"/reports/{w.report.year}/figures/check/",
    ),
    "report_approval": Target(
        (R + "ApprovalForm",), "officer", lambda w: f"/reports/{w.report.year}/approval/"
    ),
    # The world's report is not approved: the revocation page sends the user back (302).
    "report_approval_revoke": Target(
        (R + "RevokeApprovalForm",),
        "secretary",
        lambda w: f"/reports/{w.report.year}/approval/clear/",
        page=False,
        base={"version": "1", "paragraph": ""},
    ),
    # The superuser holds reporting.export_archive in the world.
    "archive_export": Target(
        ("reporting.archive.forms.ArchiveExportForm",), "admin", lambda w: "/reports/archive/"
    ),
    "business_support_import": Target(
        (F + "BusinessSupportImportForm",),
        "controller",
        lambda w: "/finance/business-support/import/",
    ),
    # Posted from the preview: year, SHA-256 and name of the pending file.
    "business_support_confirm": Target(
        (F + "BusinessSupportConfirmForm",),
        "controller",
        lambda w: "/finance/business-support/import/confirm/",
        page=False,
        base={"year": "2022", "sha256": "0" * 64, "filename": "nyps.csv"},
    ),
    "business_support_create": Target(
        (F + "BusinessSupportForm",), "controller", lambda w: "/finance/business-support/new/"
    ),
}


# Start from valid data where the page's own values are not enough (empty required fields),
# so the variations also reach the services behind the forms.
VALID = {
    "case_register": lambda w: {
        "kind": "medfinansiering",
        "project_mode": "new",
        "project_title": "Fuzzprojekt",
        "applicant": str(w.organisation.pk),
        "applicant_text": w.organisation.name,
        "requested_amount": "100 000",
        "start_date": "2021-01-01",
        "end_date": "2022-12-31",
        "received_on": "2021-01-15",
    },
    "commitment_create": lambda w: {
        "year": "2023",
        "category": "project",
        "priority": "innovation",
        "amount": "1 000",
        "committed_on": "2023-05-01",
    },
    "payment_create": lambda w: {
        "paid_on": str(w.free_commitment.committed_on + datetime.timedelta(days=30)),
        "amount": "1",
        "period_start": str(w.free_commitment.committed_on),
        "period_end": str(w.free_commitment.committed_on + datetime.timedelta(days=29)),
    },
    "obligation_create": lambda w: {"text": "Rapportera halvårsvis.", "due_date": "2024-01-01"},
    "project_closure": lambda w: {
        "result_summary": "Projektet nådde målen.",
        "recommendation": "maintenance",
        "closed_on": "2030-03-01",
    },
    "motion_add": lambda w: {
        "movers": [str(w.body_member.pk)],
        "kind": "rejection",
        "text": "avslag",
    },
    "conflict_add": lambda w: {"member": str(w.body_member.pk), "reason": "Styrelseledamot"},
    "recipient_add": lambda w: {"name": "Mottagare", "email": "mottagare@example.se"},
    "report_approval": lambda w: {"reference": "RUN 2023-02-01 § 5", "approved_on": "2023-02-01"},
    "business_support_create": lambda w: {
        "application_id": "20229999",
        "category": "business_support",
        "received_on": "2022-05-02",
        "decision": "beviljad",
        "decided_on": "2022-06-01",
        "amount": "400 000",
        "company_name": "Fuzz AB",
        "org_number": "556036-0793",
    },
    "meeting_create": lambda w: {
        "body": str(w.body.pk),
        "date": "2031-02-03",
        "start_time": "10:00",
    },
    "decision_record": lambda w: {"transition": "grant", "amount": "400 000"},
    "grant": lambda w: {
        "amount": "400 000",
        "decided_on": "2020-03-24",
        "reference": "RUN 2020-03-24 § 36",
    },
    "reject": lambda w: {
        "reason": "Saknar förankring.",
        "decided_on": "2020-03-24",
        "reference": "RUN 2020-03-24 § 34",
    },
    "record_au_assessment": lambda w: {
        "assessment": "Idén ligger i linje med RUS.",
        "proposed_route": "forum",
        "direction_proposal": "Utveckla idén.",
    },
    "forum_recommend": lambda w: {
        "recommendation": "approve",
        "text": "Forumet rekommenderar.",
        "recommended_on": "2020-03-24",
    },
    "send_application": lambda w: {"funder": "Vinnova", "sent_on": "2020-03-24"},
}


def _form_classes() -> set[str]:
    found = set()
    for module_name in FORM_MODULES:
        module = import_module(module_name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, django_forms.BaseForm | django_forms.BaseFormSet)
                and obj.__module__ == module_name
            ):
                found.add(f"{module_name}.{name}")
    return found - ABSTRACT


def test_every_form_class_is_fuzzed():
    covered = {form for target in TARGETS.values() for form in target.forms}
    assert _form_classes() - covered == set(), "map the new form to the page that uses it"
    assert {f for f in covered if not f.startswith("projects.filters.")} - _form_classes() == set()


# --- More states for the workflow forms ---------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_world(world, django_db_blocker):
    """Cases in the states the transition forms need, a decided meeting paragraph and a
    signed meeting whose notice is not posted yet (rolled back after the module)."""
    from tests.decisions.workflow.factories import Actors

    users = world.users
    actors = Actors(users["officer"], users["secretary"], users["director"])
    with django_db_blocker.unblock():
        savepoint = transaction.atomic()
        savepoint.__enter__()
        try:
            # The demo's users were hashed with the tests' fast hasher (session_demo).
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                fuzz = _fuzz_states(world, actors)
        except BaseException:
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)
            raise
    world.objs["fuzz"] = fuzz
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        savepoint.__exit__(None, None, None)
    world.objs.pop("fuzz", None)


def _fuzz_states(world, actors) -> dict:
    from decisions.meetings import services as meeting_svc
    from decisions.meetings.models import AgendaItem
    from decisions.workflow import services as wf
    from projects.models import Case, CaseKind
    from tests.decisions.meetings.factories import information_paragraph
    from tests.decisions.workflow.factories import fire, walk_idea, write_proposal
    from tests.financing.factories import make_plan
    from tests.security.world import _held_meeting, _new_case

    users = world.users
    fuzz = {}

    def idea_in(state, route="forum"):
        return walk_idea(actors, state, route=route)

    fuzz["start_preparation"] = world.planless_case
    fuzz["record_au_assessment"] = idea_in("au_preparation")
    fuzz["delegation_approve"] = fuzz["delegation_reject"] = idea_in(
        "au_assessed", route="delegation"
    )
    fuzz["forum_recommend"] = idea_in("at_forum")
    fuzz["council_approve"] = fuzz["council_return"] = idea_in("at_council")
    fuzz["management_group_forward"] = fuzz["management_group_return"] = idea_in(
        "at_management_group"
    )
    fuzz["send_application"] = idea_in("application_writing")
    fuzz["record_funded"] = fuzz["record_not_funded"] = idea_in("application_sent")
    fuzz["submit_final_report"] = idea_in("running")
    fuzz["withdraw"] = idea_in("registered")
    fuzz["start_project"] = Case.objects.filter(kind=CaseKind.CO_FINANCING, state="granted").first()
    # A co-financing case ready for RUN: its plan approved, a proposal written.
    ready = _new_case(users["officer"], "Säkerhetstest klar för RUN")
    make_plan(ready, status="approved", controller=users["controller"])
    fire(ready, "start_preparation", users["officer"])
    write_proposal(ready, users["officer"], amount="400 000")
    fire(ready, "mark_ready_for_run", users["officer"])
    ready.refresh_from_db()
    fuzz["grant"] = fuzz["reject"] = fuzz["return_to_preparation"] = ready
    # The delegate's forms on the same case (no rule lets a delegate decide it: refused
    # with the ordinance's reason, whatever is posted).
    fuzz["delegation_grant"] = fuzz["delegation_reject_application"] = ready
    fuzz["refer_to_body"] = ready
    # A paragraph of a case on a held meeting's agenda, for the decision form.
    item = meeting_svc.agenda_item_add(
        user=users["secretary"],
        meeting=world.held_meeting,
        kind=AgendaItem.Kind.CASE,
        case=ready,
    )
    fuzz["case_paragraph"] = meeting_svc.paragraph_add(user=users["secretary"], item=item)
    # A signed meeting, notice not posted.
    meeting, _paragraph = _held_meeting(world.body, users["secretary"], datetime.date(2020, 8, 25))
    meeting_svc.meeting_submit_for_signing(user=users["secretary"], meeting=meeting)
    for signer in (users["chair"], users["adjuster"]):
        password = PASSWORD if signer.check_password(PASSWORD) else DEMO_PASSWORD
        meeting_svc.protocol_sign(user=signer, meeting=meeting, password=password)
    meeting.refresh_from_db()
    fuzz["unposted_meeting"] = meeting
    # A held meeting with a decided § the chair may sign at once, and one already
    # adjusted at once (its notice not posted yet).
    held, signable = _held_meeting(world.body, users["secretary"], datetime.date(2020, 9, 1))
    decided = "Nämnden beslutar att lägga informationen till handlingarna."
    meeting_svc.paragraph_update(
        user=users["secretary"], paragraph=signable, data={"decision_text": decided}
    )
    adjusted = information_paragraph(users["secretary"], held, "Omedelbart justerad")
    meeting_svc.paragraph_update(
        user=users["secretary"], paragraph=adjusted, data={"decision_text": decided}
    )
    for signer in (users["chair"], users["adjuster"]):
        password = PASSWORD if signer.check_password(PASSWORD) else DEMO_PASSWORD
        meeting_svc.paragraph_sign(user=signer, paragraph=adjusted, password=password)
    fuzz["signable_paragraph"] = signable
    fuzz["adjusted_paragraph"] = adjusted
    for name, case in fuzz.items():
        if isinstance(case, Case):
            info = wf.transition_info(name) if name in wf.transitions() else None
            assert info is None or info.applies_to(case), (name, case.state)
    return fuzz


# --- Reading a form from the page ------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, file, date, number, ...
    values: list = field(default_factory=list)  # what the browser sends as it is
    options: list = field(default_factory=list)


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._select = None
        self._option = None
        self._textarea = None

    def _field(self, name, kind):
        form = self.forms[-1]
        return form.fields.setdefault(name, Field(name, kind))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                PageForm(action=a.get("action") or "", method=(a.get("method") or "get").lower())
            )
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option = a
                self._select.options.append(a.get("value", ""))
                if "selected" in a:
                    self._select.values.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                if kind == "submit" and a.get("value") is not None:
                    f = self._field(name, "submit")
                    f.options.append(a.get("value", ""))
                return
            f = self._field(name, kind)
            if kind in ("checkbox", "radio"):
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.values.append(a.get("value", "on"))
            elif kind != "file":
                f.values.append(a.get("value", ""))
        elif tag == "select":
            self._select = self._field(name, "select")
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")
            self._textarea.values.append("")
        elif tag == "button" and a.get("type", "submit") == "submit":
            f = self._field(name, "submit")
            f.options.append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            if self._select is not None and not self._select.values and self._select.options:
                self._select.values.append(self._select.options[0])
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _same_path(a: str, b: str) -> bool:
    return urlsplit(a).path.rstrip("/") == urlsplit(b).path.rstrip("/")


def page_form(content: str, page_url: str, action_url: str, method: str) -> PageForm:
    parser = _FormParser()
    parser.feed(content)
    candidates = [
        f
        for f in parser.forms
        if f.method == method and _same_path(f.action or page_url, action_url) and f.fields
    ]
    assert candidates, f"no {method} form posting to {action_url} on {page_url}"
    # The largest form posting there (a page may also have a small one, e.g. delete).
    return max(candidates, key=lambda f: len(f.fields))


def _context_forms(response) -> set[str]:
    names = set()
    for context in response.context or []:
        for value in context.flatten().values():
            classes = []
            if isinstance(value, django_forms.BaseForm | django_forms.BaseFormSet):
                classes.append(type(value))
                if isinstance(value, django_forms.BaseFormSet):
                    classes.append(value.form)
            if hasattr(value, "form") and hasattr(value, "qs"):  # django-filter FilterSet
                classes.append(type(value))
            for cls in classes:
                for klass in cls.__mro__:
                    names.add(f"{klass.__module__}.{klass.__name__}")
    return names


# --- Values ---------------------------------------------------------------------------------

WEIRD = [
    "",
    " ",
    "0",
    "-0",
    "-1",
    "1e400",
    "-1e400",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "12 345,67 tkr",
    "1 245 497 kr",
    "1\u00a0245\u00a0497",
    "1,5",
    "1.5",
    "0,000001",
    "١٢٣",
    "0x1F",
    "9" * 40,
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "999999999",
    "2147483648",
    "2020-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1899-12-31",
    "2020-13-01",
    "24:00",
    "99:99",
    "2020-03-24T25:61",
    "<script>alert(1)</script>",
    "'; DROP TABLE projects_case; --",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "\ud7ff\ufffe",
    "🙂" * 50,
    "x" * 100_000,
    "\r\n" * 20,
    "on",
    "true",
    "None",
    "[]",
    "{}",
]

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)
DATES = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)


def _value(field: Field):
    parts = [st.sampled_from(WEIRD), TEXT, NUMBERS, DATES]
    if field.values:
        parts.append(st.sampled_from(field.values))
    if field.options:
        parts.append(st.sampled_from(field.options))
    return st.one_of(*parts)


FILES = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.sampled_from(
        ["a.pdf", "../../etc/passwd", "x.html", "noext", "å ä ö.docx", "a" * 300 + ".pdf", ".pdf"]
    ),
    st.one_of(
        st.binary(max_size=200),
        st.just(b"%PDF-1.4\n%%EOF\n"),
        st.just(b"<html><script>alert(1)</script></html>"),
    ),
)


@st.composite
def payloads(draw, fields: dict, base: dict):
    data = {}
    for name, f in fields.items():
        choice = draw(st.sampled_from(["keep", "keep", "change", "drop"]))
        if f.kind == "file":
            if choice != "drop":
                data[name] = draw(FILES)
            continue
        if choice == "drop":
            continue
        if choice == "keep":
            if base.get(name):
                data[name] = base[name]
            continue
        if draw(st.booleans()) and f.kind in ("select", "checkbox"):
            data[name] = draw(st.lists(_value(f), min_size=1, max_size=3))
        else:
            data[name] = draw(_value(f))
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.sampled_from(["id", "pk", "user", "created_by", "status", "version"]))] = draw(
            _value(Field("x", "text"))
        )
    return data


# --- Row counts -------------------------------------------------------------------------------


def counted_tables() -> list[str]:
    return app_tables(("projects", "decisions", "financing", "reporting", "auth", "core"))


def _count_sql() -> str:
    quote = connection.ops.quote_name
    return " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {quote(t)}" for t in counted_tables())


def row_counts(sql) -> dict:
    """The number of rows in each table (``_count_sql``).

    On PostgreSQL a prepared statement (planned once per connection, not at every call) run
    without parallel workers: PostgreSQL plans a union of 169 counts as a parallel query,
    and starting its workers and planning cost 20-80 ms a call where the counts take 1-2 ms;
    the fuzzing and hostile-input tests count thousands of times.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return dict(cursor.fetchall())
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        (workers,) = cursor.fetchone()
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        try:
            cursor.execute(sql, prepare=True)
            return dict(cursor.fetchall())
        finally:
            cursor.execute(
                "SELECT set_config('max_parallel_workers_per_gather', %s, true)", [workers]
            )


def _accepted(response, target) -> bool:
    if response.status_code in (301, 302, 303) or "HX-Redirect" in response:
        return True
    templates = {t.name for t in response.templates}
    return response.status_code == 200 and target.success_template in templates


# --- The test -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(TARGETS))
def test_fuzz_form(fuzz_world, client, key):
    world = fuzz_world
    target = TARGETS[key]
    client.force_login(world.users[target.role])
    page_url = target.url(world)
    action_url = (target.action or target.url)(world)
    if target.page:
        page = client.get(page_url)
        assert page.status_code == 200, (page_url, page.status_code)
        shown = _context_forms(page)
        assert set(target.forms) <= shown, (key, set(target.forms) - shown)
        form = page_form(page.content.decode(), page_url, action_url, target.method)
        fields = form.fields
        base = {
            name: (f.values[0] if len(f.values) == 1 else list(f.values))
            for name, f in fields.items()
            if f.values
        }
    else:
        fields = {name: Field(name, "text", [value]) for name, value in target.base.items()}
        base = dict(target.base)
    if key in VALID:
        for name, value in VALID[key](world).items():
            base[name] = value
            fields.setdefault(
                name, Field(name, "text", [value] if isinstance(value, str) else value)
            )
    sql, tables = _count_sql(), counted_tables()
    # Every example is rolled back: the counts before each are these.
    before = row_counts(sql)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(payloads(fields, base))
    def post(data):
        with transaction.atomic():
            writes = Writes(tables)  # counted only if it wrote (tests/security/writes.py)
            if target.method == "get":
                response = client.get(action_url, data)
            else:
                response = client.post(action_url, data)
            assert response.status_code < 500, (response.status_code, data)
            STATS.setdefault(key, []).append(response.status_code)
            refused = target.method == "post" and not _accepted(response, target)
            if refused and writes.happened():
                after = row_counts(sql)
                created = {t: after[t] - before[t] for t in after if after[t] != before[t]}
                assert not created, (response.status_code, created, data)
            transaction.set_rollback(True)

    post()
    codes = Counter(STATS.pop(key, []))
    if os.environ.get("FUZZ_STATS"):
        print(key, sorted(codes.items()))
    # The role may use the form: the data is judged (saved, refused with errors or a
    # conflict), never refused as a whole (403) or lost (404).
    assert set(codes) <= {200, 302, 400, 409}, codes
    # The page itself still works after the fuzzing (no state left behind).
    if target.page:
        assert client.get(page_url).status_code == 200
    assert resolve(urlsplit(action_url).path)
