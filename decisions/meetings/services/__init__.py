"""Writes of the meetings area, one module per topic.

Every write takes keyword-only arguments and the acting ``user``, runs in a transaction,
validates with ``full_clean`` and locks the meeting row, so a write cannot race the last
signature: a meeting out for signing or signed refuses every change with ``Conflict``
(HTTP 409). Corrections to a signed protocol are new decisions at a later meeting.

- ``bodies``: bodies, members, the § counter
- ``planning``: meetings, attendance, chair and adjuster
- ``agenda``: the föredragningslista
- ``paragraphs``: § texts, recipients, the recorded decision
- ``voting``: jäv, motions, propositionsordning, votes, reservations
- ``signing``: justering
- ``notices``: the notice board
- ``documents``: protocol and extract jobs, storing and sending
- ``removals``: undoing a removal in the protocol (``core.removal``)

The names below are the package's public interface; callers may also import a topic.
"""

from decisions.meetings.services.agenda import (
    ITEM_FIELDS,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_items_add_cases,
)
from decisions.meetings.services.appeals import (
    appeal_decide,
    appeal_record,
)
from decisions.meetings.services.bodies import (
    DEFAULT_BODIES,
    body_get,
    body_member_add,
    body_member_update,
    body_update,
    next_paragraph_number,
    paragraph_counter_set_start,
)
from decisions.meetings.services.common import (
    MATTER_SECTIONS,
    ensure_editable,
    frozen_message,
    locked_message,
)
from decisions.meetings.services.documents import (
    document_job_request,
    document_job_retry,
    document_job_run,
    document_store,
    extract_dispatch_preview,
    extract_message,
    extract_send,
    final_protocol_request,
    meeting_request_extracts,
)
from decisions.meetings.services.notices import (
    notice_publish,
    paragraph_notice_publish,
)
from decisions.meetings.services.paragraphs import (
    PARAGRAPH_TEXT_FIELDS,
    clean_financing_rows,
    decision_transitions,
    financing_from_text,
    financing_to_text,
    matter_from_text,
    matter_to_text,
    meeting_number_items,
    paragraph_add,
    paragraph_decision_transitions,
    paragraph_only_note,
    paragraph_record_decision,
    paragraph_remove,
    paragraph_update,
    points_from_list,
    points_from_text,
    points_to_text,
    recipient_add,
    recipient_remove,
)
from decisions.meetings.services.planning import (
    DEFAULT_ITEMS,
    MEETING_FIELDS,
    attendance_set,
    meeting_create,
    meeting_mark_held,
    meeting_set_adjuster,
    meeting_update,
    other_attendee_add,
    other_attendee_remove,
    voting_members,
)
from decisions.meetings.services.removals import meeting_scope, removal_undo
from decisions.meetings.services.signing import (
    freeze,
    meeting_submit_for_signing,
    meeting_withdraw_from_signing,
    paragraph_sign,
    protocol_record_paper_signing,
    protocol_reject,
    protocol_sign,
    reauthenticate,
    signing_check,
    signing_problems,
)
from decisions.meetings.services.voting import (
    conflict_declare,
    conflict_remove,
    motion_add,
    motion_remove,
    paragraph_participants,
    paragraph_set_proposition,
    paragraph_voters,
    reservation_add,
    reservation_remove,
    vote_clear,
    vote_record,
    vote_totals,
)

__all__ = [
    "DEFAULT_BODIES",
    "DEFAULT_ITEMS",
    "ITEM_FIELDS",
    "MATTER_SECTIONS",
    "MEETING_FIELDS",
    "PARAGRAPH_TEXT_FIELDS",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_items_add_cases",
    "appeal_decide",
    "appeal_record",
    "attendance_set",
    "body_get",
    "body_member_add",
    "body_member_update",
    "body_update",
    "clean_financing_rows",
    "conflict_declare",
    "conflict_remove",
    "decision_transitions",
    "document_job_request",
    "document_job_retry",
    "document_job_run",
    "document_store",
    "ensure_editable",
    "extract_dispatch_preview",
    "extract_message",
    "extract_send",
    "final_protocol_request",
    "financing_from_text",
    "financing_to_text",
    "freeze",
    "frozen_message",
    "locked_message",
    "matter_from_text",
    "matter_to_text",
    "meeting_create",
    "meeting_mark_held",
    "meeting_number_items",
    "meeting_request_extracts",
    "meeting_scope",
    "meeting_set_adjuster",
    "meeting_submit_for_signing",
    "meeting_update",
    "meeting_withdraw_from_signing",
    "motion_add",
    "motion_remove",
    "next_paragraph_number",
    "notice_publish",
    "other_attendee_add",
    "other_attendee_remove",
    "paragraph_add",
    "paragraph_counter_set_start",
    "paragraph_notice_publish",
    "paragraph_decision_transitions",
    "paragraph_only_note",
    "paragraph_record_decision",
    "paragraph_remove",
    "paragraph_set_proposition",
    "paragraph_sign",
    "paragraph_update",
    "paragraph_participants",
    "paragraph_voters",
    "points_from_list",
    "points_from_text",
    "points_to_text",
    "protocol_record_paper_signing",
    "protocol_reject",
    "protocol_sign",
    "reauthenticate",
    "removal_undo",
    "recipient_add",
    "recipient_remove",
    "reservation_add",
    "reservation_remove",
    "signing_check",
    "signing_problems",
    "vote_clear",
    "vote_record",
    "vote_totals",
    "voting_members",
]
