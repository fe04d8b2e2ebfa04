"""Who may reach which page and fire which action: the expectations of the crawl.

Written out here from the ``can_*`` functions of ``*/permissions.py`` (not computed from
them), so a change to the rules has to change this table too.

Role keys are those of ``tests.security.world.ROLE_USERS`` plus ``anonymous``. ``admin`` is a
superuser (holds every role) but is not linked to a committee member, so it may not sign
protocols; ``officer`` is the officer of the world's cases, ``officer2`` is not.
"""

ROLES = [
    "anonymous",
    "officer",
    "officer2",
    "secretary",
    "controller",
    "director",
    "chair",
    "adjuster",
    "reader",
    "admin",
    "norole",
]
LOGGED_IN = frozenset(ROLES) - {"anonymous"}
WITH_ROLE = LOGGED_IN - {"norole"}
OFF = frozenset({"officer", "officer2", "admin"})
SEC = frozenset({"secretary", "admin"})
CTL = frozenset({"controller", "admin"})
DEC = frozenset({"director", "chair", "adjuster", "admin"})
# Held by the superuser only in the world: projects.approve_retention, reporting.export_archive.
ADMIN = frozenset({"admin"})

# --- Actions: route -> roles that may fire it (role level, any object) -------------------
# Pages with a form (GET shows it, POST saves) and POST-only actions.
ACTIONS: dict[str, frozenset] = {
    # core.account_views: everyone logged in, on their own account (another user's token
    # is unknown: 404)
    "password_change": LOGGED_IN,
    "logout_everywhere": LOGGED_IN,
    "api_token_create": LOGGED_IN,
    "api_token_revoke": LOGGED_IN,
    # core.notification_views: everyone logged in, on their own notifications (another
    # user's notification is not theirs: marking it read does nothing)
    "notification_read": LOGGED_IN,
    "notification_read_all": LOGGED_IN,
    "notification_settings": LOGGED_IN,
    # projects.permissions
    "projects:case_register": OFF,  # can_register_case
    "projects:case_edit": OFF,  # can_edit_case
    "projects:document_upload": OFF | SEC | CTL,  # can_upload_document
    "projects:document_edit": OFF,  # can_edit_document
    "projects:document_email": OFF | SEC | CTL,  # can_upload_document
    # can_mark_secret: officers and SECRECY_ALLOWED_ROLES (beslutsfattare), for a case
    # whose secrets they may see (officer2 is not the case's officer: OBJECT_REFUSALS)
    "projects:secrecy_mark": OFF | DEC,
    "projects:secrecy_lift": OFF | DEC,
    "projects:request_register": OFF | DEC,  # can_handle_document_request
    "projects:request_detail": OFF | DEC,  # POST records the decision
    # projects.retention: the permission projects.approve_retention
    "projects:retention_prepare": ADMIN,
    "projects:retention_approve": ADMIN,
    "projects:retention_cancel": ADMIN,
    "projects:project_create": OFF,  # can_edit_project
    "projects:project_edit": OFF,
    "projects:project_start": OFF,  # can_manage_members
    "projects:project_closure": OFF,  # can_close_project
    "projects:member_create": OFF,  # can_manage_members
    "projects:member_edit": OFF,
    "projects:member_delete": OFF,
    "projects:removal_undo": OFF,  # the "Ångra" of a contact's removal: can_manage_members
    "projects:obligation_create": OFF | SEC,  # can_record_obligation
    "projects:case_note_add": OFF | SEC | CTL,  # can_add_note
    "projects:obligation_edit": OFF | SEC,
    "projects:obligation_fulfil": OFF,  # can_fulfil_obligation
    "projects:obligation_reopen": OFF,
    "projects:obligation_delete": OFF,  # can_delete_obligation
    "projects:organisation_create": OFF,  # can_edit_organisation
    "projects:organisation_edit": OFF,
    "projects:organisation_picker_create": OFF,
    "projects:organisation_alias_add": OFF,  # can_edit_organisation
    "projects:organisation_alias_delete": OFF,
    # every role may export its selection; assigning is checked per case (case_update)
    "projects:case_bulk": WITH_ROLE,
    "projects:saved_filter_create": WITH_ROLE,  # the user's own filters
    "projects:saved_filter_delete": frozenset({"officer"}),  # only its owner
    "projects:area_create": OFF,  # can_manage_areas
    "projects:area_edit": OFF,
    # decisions.permissions: workflow
    "decisions:workflow_transition": OFF,  # can_fire(start_preparation): officer transition
    "decisions:workflow_anchoring_add": OFF,  # can_record_anchoring
    "decisions:workflow_anchoring_delete": OFF,
    "decisions:workflow_proposal_edit": OFF,  # can_edit_decision_proposal
    # decisions.workflow.delays and .communication: can_edit_case
    "decisions:workflow_communication": OFF,
    "decisions:workflow_communication_reply": OFF,
    "decisions:workflow_delay_notice": OFF,
    "decisions:workflow_demand": OFF,
    "decisions:workflow_demand_refuse": OFF,
    # decisions.permissions: meetings (secretaries plan, record and produce documents)
    "decisions:body_edit": SEC,  # can_manage_bodies
    "decisions:member_add": SEC,
    "decisions:member_edit": SEC,
    "decisions:counter_set": SEC,
    "decisions:meeting_create": SEC,  # can_plan_meeting
    "decisions:meeting_edit": SEC,  # can_edit_meeting
    "decisions:meeting_mark_held": SEC,
    "decisions:kallelse_send": SEC,  # can_send_kallelse
    "decisions:agenda_add": SEC,
    "decisions:agenda_add_queue": SEC,
    "decisions:agenda_add_delegation": SEC,  # + can_report_delegation_decisions
    "decisions:item_move": SEC,
    "decisions:item_remove": SEC,  # GET: the confirmation page (core.http.confirm_removal)
    "decisions:removal_undo": SEC,  # the "Ångra" of a removal: can_plan_meeting
    "decisions:item_number": SEC,
    "decisions:meeting_number": SEC,
    "decisions:attendance_edit": SEC,
    "decisions:other_add": SEC,
    "decisions:other_remove": SEC,
    "decisions:paragraph_edit": SEC,
    "decisions:paragraph_remove": SEC,
    "decisions:proceedings_regenerate": SEC,
    "decisions:conflict_add": SEC,
    "decisions:motion_add": SEC,
    "decisions:proposition_set": SEC,
    "decisions:vote_edit": SEC,
    "decisions:vote_clear": SEC,
    "decisions:reservation_add": SEC,
    "decisions:recipient_add": SEC,
    "decisions:decision_record": SEC,
    "decisions:paragraph_part_remove": SEC,
    "decisions:extract_generate": SEC,  # can_generate_extract
    "decisions:extracts_generate": SEC,
    "decisions:document_generate": SEC,  # can_generate_documents
    "decisions:job_retry": SEC,
    "decisions:signing_submit": SEC,  # can_submit_for_signing
    "decisions:signing_withdraw": SEC,  # can_withdraw_from_signing
    "decisions:notice_publish": SEC,  # can_publish_notice
    "decisions:protocol_sign": DEC,  # can_sign_protocol (and only the chair/adjuster)
    "decisions:protocol_reject": DEC,
    "decisions:protocol_paper_signing": SEC,  # can_plan_meeting
    "decisions:paragraph_sign": DEC,  # can_sign_paragraph (the chair/adjuster, a decided §)
    "decisions:paragraph_notice": SEC,  # can_publish_paragraph_notice
    "decisions:appeal_add": SEC,  # can_record_appeal
    "decisions:appeal_decide": SEC,
    # financing.permissions
    "financing:grant_create": CTL,  # can_edit_grant
    "financing:grant_edit": CTL,
    "financing:plan_edit": OFF,  # plan_owner_access (the case officer)
    "financing:plan_submit": OFF,  # can_submit_plan
    "financing:plan_review": CTL,  # review_role_access
    "financing:plan_reopen": CTL,  # can_reopen_plan
    "financing:plan_granted": OFF | CTL,  # can_record_granted_amounts
    "financing:commitment_create": CTL,  # can_record_commitment
    "financing:payment_create": CTL,  # can_record_payment
    "financing:release_create": CTL,  # can_record_release
    "financing:allocation_decision_create": CTL,  # can_record_allocation_decision
    "financing:case_payment_create": CTL,  # can_register_payment
    "financing:payment_correct": CTL,
    "financing:grant_terms": CTL,
    "financing:condition_create": OFF | CTL,  # can_manage_conditions
    "financing:condition_met": OFF | CTL,
    "financing:requisition_create": OFF | CTL,  # can_record_requisition
    "financing:recovery_create": CTL,  # can_record_recovery
    "financing:final_report_approve": OFF,  # can_approve_final_report
    "financing:grant_adjust": CTL,  # can_adjust_grant
    "financing:rule_create": CTL,  # can_manage_rules
    "financing:rule_edit": CTL,
    "financing:business_support_import": CTL,  # can_import_business_support
    "financing:business_support_import_confirm": CTL,
    "financing:business_support_create": CTL,
    "financing:business_support_edit": CTL,
    # reporting.permissions
    "reporting:report_create": OFF | SEC | CTL,  # can_create_report_year
    "reporting:report_edit": OFF,  # can_edit_report
    "reporting:report_next_year": OFF | SEC | CTL,  # can_create_report_year
    "reporting:word_template": frozenset({"admin"}),  # can_manage_word_template
    "reporting:word_template_reset": frozenset({"admin"}),
    "reporting:section_edit": OFF | SEC | CTL,  # can_edit_questions
    "reporting:section_detail": OFF,  # POST saves the answer: can_edit_answer
    "reporting:answer_copy": OFF,
    "reporting:answer_done": OFF,  # can_mark_done
    "reporting:answer_assign": OFF | SEC | CTL,  # can_assign_answer
    "reporting:insats_add": OFF,  # can_edit_insatser
    "reporting:insats_edit": OFF,
    "reporting:insats_delete": OFF,
    "reporting:insats_move": OFF,
    "reporting:report_approval": OFF | SEC,  # can_record_approval
    "reporting:report_approval_clear": OFF | SEC,
    "reporting:figures_check": CTL,  # can_check_figures
    "reporting:generate": OFF | SEC | CTL,  # can_generate
    "reporting:job_retry": OFF | SEC | CTL,  # can_retry_job
    "reporting:archive": ADMIN,  # reporting.export_archive: POST orders an export
}

# Routes whose GET is a read page although POST is an action (links to them are fine).
READ_ON_GET = {"reporting:section_detail", "projects:request_detail"}

# Actions refused to a role that holds the right role, because of who they are (object
# level): (route, role). POSTing as them must also be refused and change nothing.
OBJECT_REFUSALS = {
    ("projects:secrecy_mark", "officer2"),  # may not see the case's secrets
    ("projects:secrecy_lift", "officer2"),
    ("financing:plan_edit", "officer2"),  # not the officer of the plan's case
    ("financing:plan_submit", "officer2"),
    ("financing:plan_granted", "officer2"),
    ("decisions:protocol_sign", "director"),  # neither chair nor adjuster of the meeting
    ("decisions:protocol_sign", "admin"),
    ("decisions:protocol_reject", "director"),
    ("decisions:protocol_reject", "admin"),
    ("decisions:paragraph_sign", "director"),
    ("decisions:paragraph_sign", "admin"),
}

# POST-only routes: GET answers 405.
POST_ONLY = {
    "logout",
    "logout_everywhere",
    "api_token_create",
    "api_token_revoke",
    "notification_read",
    "notification_read_all",
    "projects:obligation_reopen",
    "projects:organisation_alias_add",
    "projects:case_bulk",
    "projects:saved_filter_create",
    "decisions:removal_undo",
    "projects:removal_undo",
    "decisions:meeting_mark_held",
    "decisions:kallelse_send",
    "decisions:item_move",
    "decisions:item_number",
    "decisions:meeting_number",
    "decisions:proceedings_regenerate",
    "decisions:extract_generate",
    "decisions:extracts_generate",
    "decisions:document_generate",
    "decisions:job_retry",
    "decisions:signing_submit",
    "decisions:signing_withdraw",
    "financing:plan_submit",
    "financing:business_support_import_confirm",
    "reporting:report_create",
    "reporting:report_next_year",
    "reporting:word_template_reset",
    "reporting:answer_copy",
    "reporting:answer_done",
    "reporting:answer_assign",
    "reporting:insats_add",
    "reporting:insats_move",
    "reporting:figures_check",
    "reporting:generate",
    "reporting:job_retry",
    "projects:retention_prepare",
    "projects:retention_approve",
    "projects:retention_cancel",
    # API
    "api-meeting-attendance",
    "api-meeting-documents",
    "api-meeting-reject",
    "api-paragraph-decision",
    "api-paragraph-motions",
    "api-report-answer-copy",
    "api-report-answer-done",
    "api-report-jobs",
    "api-report-job-retry",
    "financing-plan-approve",
    "financing-plan-granted",
    "financing-plan-reopen",
    "financing-plan-return-for-changes",
    "financing-plan-submit",
    "grant-condition-met",
    "payment-correct",
}

# The only pages anyone may open without logging in (the public app, and the health check).
PUBLIC = {
    "healthz",
    "public:notice_board",
    "public:notice_archive",
    "public:notice_detail",
    "public:notice_protocol",
    "public:paragraph_notice_detail",
    "public:paragraph_notice_extract",
    "public:diary",
    "public:diary_case",
    "public:accessibility",
}

# Who gets the form page on GET, where it differs from ACTIONS (object level or state).
GET_ALLOWED = {
    # The secrecy access log: SECRECY_AUDIT_ROLES (läsare/revisor, beslutsfattare).
    "projects:secrecy_log": frozenset({"reader"}) | DEC,
    # Retention and the archive packages: their permissions only (the superuser here).
    "projects:retention": ADMIN,
    "reporting:archive_download": ADMIN,
    "reporting:archive_check": ADMIN,
    "projects:secrecy_mark": (OFF | DEC) - {"officer2"},
    "projects:secrecy_lift": (OFF | DEC) - {"officer2"},
    "financing:plan_edit": {"officer", "admin"},  # the case officer only
    "financing:plan_add_row": {"officer", "admin"},
    "financing:plan_granted": {"officer", "controller", "admin"},
    "decisions:protocol_reject": {"chair", "adjuster"},  # linked to the meeting's signers
    "decisions:protocol_sign": {"chair", "adjuster"},  # the signing page (draft + password)
    "decisions:paragraph_sign": set(),  # the world's held § is undecided: nothing to sign
    "decisions:paragraph_notice": set(),  # no § of the world is immediately adjusted
    # Read pages for the secretary only (the extract as it will be sent, before sending).
    "decisions:extract_send_confirm": {"secretary", "admin"},
    "decisions:extracts_send_confirm": {"secretary", "admin"},
    "decisions:extract_preview": {"secretary", "admin"},
    "decisions:notice_publish": set(),  # the notice is already posted
}

# Successful answers other than 200.
OK_STATUS = {
    "projects:organisation_picker_create": {302},  # not an htmx request: back to the list
    "reporting:job_status": {302},  # not an htmx request: to the report's page
    "reporting:report_approval_clear": {302},  # the world's report is not approved
    "set_language": {302},
}


def expected_get(name: str, role: str) -> set[int]:
    """The status codes a GET of route ``name`` may answer to ``role``."""
    api = name.startswith("api-") or ("-" in name and ":" not in name)
    if name == "set_language":
        return {302}
    if name in PUBLIC:
        return {200}
    if name == "login":
        return {200} if role == "anonymous" else {302}
    if name.startswith("oidc_"):
        return {404}  # single sign-on is off in the world (tests/core/test_oidc.py has it on)
    if role == "anonymous":
        return {401} if api else {302}
    if name in POST_ONLY:
        return {405} if role != "norole" else {403, 405}
    if name in (
        "home",
        "api-me",
        "api-schema",
        "account_profile",
        "password_change",
        "my_tasks",
        "header_counts",
        "notification_list",
        "notification_settings",
    ):
        return {200}
    if role == "norole":
        return {403}
    ok = OK_STATUS.get(name, {200})
    if name in GET_ALLOWED:
        return ok if role in GET_ALLOWED[name] else {403, 404}
    if name in ACTIONS and name not in READ_ON_GET:
        return ok if role in ACTIONS[name] else {403, 404}
    return ok  # a read page: every role
