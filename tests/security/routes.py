"""Every URL pattern of the app, with its path parameters taken from the world's objects.

``ROUTES`` maps the full URL name to a function ``world -> kwargs``; a test checks that it
covers every named pattern, so a new page cannot escape the crawl (the admin's own pages
and DRF's format-suffix variants aside).
"""

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def walk_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """Yield (route, name, namespace) of every pattern below ``patterns`` (default: all)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, namespace


def all_patterns() -> list[tuple[str, str | None, str]]:
    """(route, name, namespace) of every pattern, except the admin's and DRF's format
    suffix variants (``\\.(?P<format>...)``)."""
    out = []
    for route, name, namespace in walk_patterns():
        if namespace == "admin" or "(?P<format>" in route:
            continue
        out.append((route, name, namespace))
    return sorted(set(out), key=lambda item: (item[2], item[1] or "", item[0]))


def full_name(name: str, namespace: str) -> str:
    return f"{namespace}:{name}" if namespace else name


def _pk(key):
    return lambda w: {"pk": getattr(w, key).pk}


def _year(w):
    return {"year": w.report.year}


def _section(w):
    return {"year": w.report.year, "number": w.section.number}


NO_ARGS = lambda w: {}  # noqa: E731


def _long_change(case, user):
    """The newest long text change of the case's timeline (the world changes one)."""
    from projects.timeline import case_timeline

    for entry in case_timeline(case, user):
        for change in entry.changes:
            if change.long:
                return {
                    "pk": case.pk,
                    "kind": entry.kind,
                    "record": entry.record,
                    "field": change.field,
                }
    raise AssertionError(f"no long change in the timeline of {case}")


def _first_rule():
    from decisions.workflow.models import DelegationRule

    return DelegationRule.objects.order_by("pk").first()


def _first_policy():
    from financing.models import FinancingPolicy

    return FinancingPolicy.objects.order_by("pk").first()


ROUTES = {
    # --- shell -----------------------------------------------------------------------
    "home": NO_ARGS,
    "healthz": NO_ARGS,
    "login": NO_ARGS,
    "logout": NO_ARGS,
    "set_language": NO_ARGS,
    "api-schema": NO_ARGS,
    "oidc_authentication_init": NO_ARGS,
    "oidc_authentication_callback": NO_ARGS,
    # --- the user's own account --------------------------------------------------------
    "account_profile": NO_ARGS,
    "password_change": NO_ARGS,
    "logout_everywhere": NO_ARGS,
    "api_token_create": NO_ARGS,
    "api_token_revoke": lambda w: {"digest": w.api_token.digest},
    # --- the user's own work: tasks and notifications -----------------------------------
    "my_tasks": NO_ARGS,
    "header_counts": NO_ARGS,
    "notification_list": NO_ARGS,
    "notification_read": _pk("notification"),
    "notification_read_all": NO_ARGS,
    "notification_settings": NO_ARGS,
    # --- projects ----------------------------------------------------------------------
    "projects:case_list": NO_ARGS,
    "projects:case_register": NO_ARGS,
    "projects:case_detail": _pk("doc_case"),
    "projects:case_edit": _pk("doc_case"),
    "projects:case_history": _pk("doc_case"),
    "projects:case_history_change": lambda w: _long_change(w.doc_case, w.users["admin"]),
    "projects:document_upload": _pk("doc_case"),
    "projects:document_download": _pk("public_document"),
    "projects:document_view": _pk("public_document"),
    "projects:document_email": _pk("doc_case"),
    "projects:case_registry_export": lambda w: {"pk": w.doc_case.pk, "fmt": "pdf"},
    "projects:secrecy_mark": _pk("doc_case"),
    "projects:secrecy_lift": _pk("field_marking"),
    "projects:secrecy_log": lambda w: {},
    "projects:request_register": _pk("doc_case"),
    "projects:request_list": lambda w: {},
    "projects:request_detail": _pk("document_request"),
    "projects:retention": NO_ARGS,
    "projects:retention_prepare": NO_ARGS,
    "projects:retention_approve": _pk("retention_run"),
    "projects:retention_cancel": _pk("retention_run"),
    "projects:document_edit": _pk("public_document"),
    "projects:project_list": NO_ARGS,
    "projects:project_create": NO_ARGS,
    "projects:project_detail": _pk("project"),
    "projects:project_edit": _pk("project"),
    "projects:project_start": _pk("project"),
    "projects:project_closure": _pk("project"),
    "projects:member_create": _pk("project"),
    "projects:member_edit": _pk("member"),
    "projects:member_delete": _pk("member"),
    "projects:removal_undo": _pk("project_removal"),
    "projects:obligation_create": _pk("project"),
    "projects:case_note_add": _pk("doc_case"),
    "projects:obligation_edit": _pk("obligation"),
    "projects:obligation_fulfil": _pk("obligation"),
    "projects:obligation_reopen": _pk("fulfilled_obligation"),
    "projects:obligation_delete": _pk("obligation"),
    "projects:organisation_list": NO_ARGS,
    "projects:organisation_create": NO_ARGS,
    "projects:organisation_search": NO_ARGS,
    "projects:project_search": NO_ARGS,
    "projects:organisation_chip": NO_ARGS,
    "projects:organisation_picker_create": NO_ARGS,
    "projects:organisation_detail": _pk("organisation"),
    "projects:organisation_edit": _pk("organisation"),
    "projects:organisation_alias_add": _pk("organisation"),
    "projects:organisation_alias_delete": _pk("alias"),
    "projects:search": NO_ARGS,
    "projects:case_bulk": NO_ARGS,
    "projects:saved_filter_create": NO_ARGS,
    "projects:saved_filter_delete": _pk("saved_filter"),
    "projects:area_list": NO_ARGS,
    "projects:area_create": lambda w: {"list_key": "rus"},
    "projects:area_edit": lambda w: {"list_key": "rus", "pk": w.rus_area.pk},
    # --- decisions: workflow -----------------------------------------------------------
    "decisions:workflow_transition": lambda w: {
        "pk": w.draft_case.pk,
        "name": "start_preparation",
    },
    "decisions:workflow_anchoring_add": _pk("anchoring_case"),
    "decisions:workflow_anchoring_delete": lambda w: {
        "pk": w.anchoring_case.pk,
        "contact_pk": w.anchoring.pk,
    },
    "decisions:workflow_proposal_edit": _pk("draft_case"),
    "decisions:workflow_communication": _pk("draft_case"),
    "decisions:workflow_communication_reply": lambda w: {
        "pk": w.demand_case.pk,
        "communication_pk": w.communication.pk,
    },
    "decisions:workflow_delay_notice": _pk("draft_case"),
    "decisions:workflow_demand": _pk("draft_case"),
    "decisions:workflow_demand_refuse": lambda w: {
        "pk": w.demand_case.pk,
        "demand_pk": w.decision_demand.pk,
    },
    "decisions:workflow_queues": NO_ARGS,
    "decisions:workflow_queue": lambda w: {"key": "run"},
    "decisions:delegation_register": NO_ARGS,
    # --- decisions: meetings -----------------------------------------------------------
    "decisions:index": NO_ARGS,
    "decisions:body_list": NO_ARGS,
    "decisions:body_detail": _pk("body"),
    "decisions:body_edit": _pk("body"),
    "decisions:member_add": _pk("body"),
    "decisions:member_edit": _pk("body_member"),
    "decisions:counter_set": _pk("body"),
    "decisions:meeting_create": NO_ARGS,
    "decisions:meeting_detail": _pk("held_meeting"),
    "decisions:meeting_edit": _pk("held_meeting"),
    "decisions:meeting_mark_held": _pk("held_meeting"),
    "decisions:meeting_members": _pk("planned_meeting"),
    "decisions:kallelse_send": _pk("planned_meeting"),
    "decisions:agenda_add": _pk("held_meeting"),
    "decisions:agenda_add_queue": _pk("held_meeting"),
    "decisions:agenda_add_delegation": _pk("held_meeting"),
    "decisions:item_move": lambda w: {"pk": w.agenda_item.pk, "direction": "down"},
    "decisions:item_remove": _pk("agenda_item"),
    "decisions:removal_undo": _pk("meeting_removal"),
    "decisions:item_number": _pk("agenda_item"),
    "decisions:meeting_number": _pk("held_meeting"),
    "decisions:attendance_edit": _pk("held_meeting"),
    "decisions:other_add": _pk("held_meeting"),
    "decisions:other_remove": _pk("other_attendee"),
    "decisions:paragraph_detail": _pk("held_paragraph"),
    "decisions:paragraph_edit": _pk("held_paragraph"),
    "decisions:paragraph_remove": _pk("held_paragraph"),
    "decisions:proceedings_regenerate": _pk("held_paragraph"),
    "decisions:conflict_add": _pk("held_paragraph"),
    "decisions:motion_add": _pk("held_paragraph"),
    "decisions:proposition_set": _pk("held_paragraph"),
    "decisions:vote_edit": _pk("held_paragraph"),
    "decisions:vote_clear": _pk("held_paragraph"),
    "decisions:reservation_add": _pk("held_paragraph"),
    "decisions:recipient_add": _pk("held_paragraph"),
    "decisions:decision_record": _pk("held_paragraph"),
    "decisions:paragraph_part_remove": lambda w: {"kind": "recipient", "pk": w.recipient.pk},
    "decisions:extract_generate": _pk("signed_paragraph"),
    "decisions:signing_submit": _pk("held_meeting"),
    "decisions:signing_withdraw": _pk("signing_meeting"),
    "decisions:protocol_sign": _pk("signing_meeting"),
    "decisions:protocol_reject": _pk("signing_meeting"),
    "decisions:protocol_draft": _pk("signing_meeting"),
    "decisions:protocol_paper_signing": _pk("held_meeting"),
    "decisions:paragraph_sign": _pk("held_paragraph"),
    "decisions:paragraph_notice": _pk("held_paragraph"),
    "decisions:appeal_add": _pk("signed_paragraph"),
    "decisions:appeal_decide": _pk("appeal"),
    "decisions:extract_send_confirm": _pk("signed_paragraph"),
    "decisions:extracts_send_confirm": _pk("signed_meeting"),
    "decisions:extract_preview": _pk("signed_paragraph"),
    "decisions:notice_publish": _pk("signed_meeting"),
    "decisions:document_generate": lambda w: {"pk": w.held_meeting.pk, "kind": "kallelse"},
    "decisions:extracts_generate": _pk("signed_meeting"),
    "decisions:job_status": _pk("document_job"),
    "decisions:job_retry": _pk("document_job"),
    "decisions:document_download": _pk("protocol"),
    "decisions:document_verify": NO_ARGS,
    # --- public (no login) ------------------------------------------------------------
    "public:notice_board": NO_ARGS,
    "public:notice_archive": NO_ARGS,
    "public:notice_detail": _pk("signed_meeting"),
    "public:notice_protocol": _pk("signed_meeting"),
    "public:paragraph_notice_detail": _pk("adjusted_paragraph"),
    "public:paragraph_notice_extract": _pk("adjusted_paragraph"),
    "public:diary": NO_ARGS,
    "public:diary_case": _pk("doc_case"),
    "public:accessibility": NO_ARGS,
    # --- financing ---------------------------------------------------------------------
    "financing:dashboard": NO_ARGS,
    "financing:dashboard_export": NO_ARGS,
    "financing:grant_list": NO_ARGS,
    "financing:grant_create": NO_ARGS,
    "financing:grant_detail": lambda w: {"year": w.grant.year},
    "financing:grant_edit": lambda w: {"year": w.grant.year},
    "financing:plan_list": NO_ARGS,
    "financing:plan_export": NO_ARGS,
    "financing:plan_detail": lambda w: {"project_id": w.draft_plan.project_id},
    "financing:plan_edit": lambda w: {"project_id": w.draft_plan.project_id},
    "financing:plan_add_row": lambda w: {"project_id": w.draft_plan.project_id},
    "financing:plan_submit": lambda w: {"project_id": w.draft_plan.project_id},
    "financing:plan_review": lambda w: {"project_id": w.submitted_plan.project_id},
    "financing:plan_reopen": lambda w: {"project_id": w.approved_plan.project_id},
    "financing:plan_granted": lambda w: {"project_id": w.approved_plan.project_id},
    "financing:commitment_list": NO_ARGS,
    "financing:commitment_create": NO_ARGS,
    "financing:commitment_detail": _pk("commitment"),
    "financing:business_support_list": NO_ARGS,
    "financing:business_support_import": NO_ARGS,
    "financing:business_support_import_confirm": NO_ARGS,
    "financing:business_support_create": NO_ARGS,
    "financing:business_support_edit": _pk("business_support"),
    "financing:business_support_source": _pk("business_support_import"),
    "financing:payment_create": _pk("free_commitment"),
    "financing:release_create": _pk("commitment"),
    "financing:allocation_decision_create": lambda w: {"year": w.grant.year},
    "financing:case_payments": lambda w: {"case_id": w.granted_case.pk},
    "financing:case_payment_create": lambda w: {"case_id": w.granted_case.pk},
    "financing:payment_correct": _pk("case_payment"),
    "financing:condition_create": lambda w: {"case_id": w.granted_case.pk},
    "financing:condition_met": _pk("condition"),
    "financing:requisition_create": lambda w: {"case_id": w.granted_case.pk},
    "financing:recovery_create": lambda w: {"case_id": w.granted_case.pk},
    "financing:final_report_approve": lambda w: {"case_id": w.granted_case.pk},
    "financing:grant_adjust": lambda w: {"case_id": w.granted_case.pk},
    "financing:grant_terms": lambda w: {"case_id": w.granted_case.pk},
    "financing:rules": NO_ARGS,
    "financing:rule_create": lambda w: {"kind": "delegation_rule"},
    "financing:rule_edit": lambda w: {"kind": "delegation_rule", "pk": _first_rule().pk},
    # --- reporting ---------------------------------------------------------------------
    "reporting:index": NO_ARGS,
    "reporting:archive": NO_ARGS,
    "reporting:archive_download": _pk("archive_export"),
    "reporting:archive_check": _pk("archive_export"),
    "reporting:report_create": NO_ARGS,
    "reporting:word_template": NO_ARGS,
    "reporting:word_template_reset": NO_ARGS,
    "reporting:word_template_download": NO_ARGS,
    "reporting:report_detail": _year,
    "reporting:report_edit": _year,
    "reporting:report_next_year": _year,
    "reporting:report_approval": _year,
    "reporting:report_approval_clear": _year,
    "reporting:report_preview": _year,
    "reporting:figures": _year,
    "reporting:figures_check": _year,
    "reporting:figures_commitments": _year,
    "reporting:figures_cases": lambda w: {"year": w.report.year, "group": "granted"},
    "reporting:generate": _year,
    "reporting:section_detail": _section,
    "reporting:section_edit": _section,
    "reporting:answer_copy": _section,
    "reporting:answer_done": _section,
    "reporting:answer_assign": _section,
    "reporting:insats_add": lambda w: {"year": w.report.year, "number": w.insats_section.number},
    "reporting:insats_edit": _pk("insats"),
    "reporting:insats_delete": _pk("insats"),
    "reporting:insats_move": _pk("insats"),
    "reporting:job_status": _pk("report_job"),
    "reporting:job_retry": _pk("report_job"),
    "reporting:file_download": _pk("report_file"),
    # --- API (/api/v1/) ------------------------------------------------------------------
    "api-me": NO_ARGS,
    "api-organisations-list": NO_ARGS,
    "api-organisations-detail": _pk("organisation"),
    "api-cases-list": NO_ARGS,
    "api-cases-detail": _pk("doc_case"),
    "api-projects-list": NO_ARGS,
    "api-projects-detail": _pk("project"),
    "api-documents-list": NO_ARGS,
    "api-documents-detail": _pk("public_document"),
    "api-documents-download": _pk("public_document"),
    "api-case-transitions": _pk("draft_case"),
    "api-case-transition-log": _pk("granted_case"),
    "api-delegation-decisions": NO_ARGS,
    "api-bodies": NO_ARGS,
    "api-body": _pk("body"),
    "api-meetings": NO_ARGS,
    "api-meeting": _pk("held_meeting"),
    "api-meeting-attendance": _pk("held_meeting"),
    "api-meeting-signatures": _pk("signing_meeting"),
    "api-meeting-reject": _pk("signing_meeting"),
    "api-meeting-documents": _pk("held_meeting"),
    "api-paragraphs": NO_ARGS,
    "api-paragraph": _pk("held_paragraph"),
    "api-paragraph-motions": _pk("held_paragraph"),
    "api-paragraph-decision": _pk("held_paragraph"),
    "api-documents": NO_ARGS,
    "api-document-download": _pk("protocol"),
    "api-document-job": _pk("document_job"),
    "grant-list": NO_ARGS,
    "grant-detail": lambda w: {"year": w.grant.year},
    "financing-plan-list": NO_ARGS,
    "financing-plan-detail": _pk("draft_plan"),
    "financing-plan-submit": _pk("draft_plan"),
    "financing-plan-approve": _pk("submitted_plan"),
    "financing-plan-return-for-changes": _pk("submitted_plan"),
    "financing-plan-reopen": _pk("approved_plan"),
    "financing-plan-granted": _pk("approved_plan"),
    "financing-plan-checks": _pk("submitted_plan"),
    "commitment-list": NO_ARGS,
    "commitment-detail": _pk("commitment"),
    "payment-list": NO_ARGS,
    "payment-detail": _pk("payment"),
    "payment-correct": _pk("case_payment"),
    "grant-condition-list": NO_ARGS,
    "grant-condition-detail": _pk("condition"),
    "grant-condition-met": _pk("condition"),
    "requisition-list": NO_ARGS,
    "requisition-detail": _pk("requisition"),
    "recovery-list": NO_ARGS,
    "recovery-detail": _pk("recovery"),
    "final-report-approval-list": NO_ARGS,
    "grant-terms-list": NO_ARGS,
    "grant-adjustment-list": NO_ARGS,
    "grant-adjustment-detail": _pk("adjustment"),
    "allocation-decision-list": NO_ARGS,
    "allocation-decision-detail": _pk("allocation_decision"),
    "release-list": NO_ARGS,
    "release-detail": _pk("release"),
    "funding-type-list": NO_ARGS,
    "funding-type-detail": lambda w: {"code": "region_1_1"},
    "financing-policy-list": NO_ARGS,
    "financing-policy-detail": lambda w: {"pk": _first_policy().pk},
    "delegation-rule-list": NO_ARGS,
    "delegation-rule-detail": lambda w: {"pk": _first_rule().pk},
    "api-reports": NO_ARGS,
    "api-report": _year,
    "api-report-sections": _year,
    "api-report-figures": _year,
    "api-report-answer": lambda w: {"pk": w.section.answer.pk},
    "api-report-answer-done": lambda w: {"pk": w.section.answer.pk},
    "api-report-answer-copy": lambda w: {"pk": w.section.answer.pk},
    "api-report-jobs": NO_ARGS,
    "api-report-job": _pk("report_job"),
    "api-report-job-retry": _pk("report_job"),
    "api-report-file-download": _pk("report_file"),
}

# Patterns that carry no name (none today) or exist only in some settings.
OPTIONAL = {"bench_bare"}


def path_for(world, name: str) -> str:
    return reverse(name, kwargs=ROUTES[name](world))
