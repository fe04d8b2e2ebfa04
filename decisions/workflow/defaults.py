"""Norrbotten's handling-time targets (``HandlingTarget``): created by the data migration
(and again after a test flush, tests/conftest.py); administrators change them in the admin.
"""

# (case kind, state or "" for the whole case, days)
HANDLING_TARGETS = [
    ("medfinansiering", "", 84),  # an application decided within 12 weeks of receipt
    ("medfinansiering", "registered", 14),
    ("medfinansiering", "preparation", 56),
    ("medfinansiering", "ready_for_run", 42),
    ("projektide", "", 120),
    ("projektide", "registered", 14),
    ("projektide", "au_preparation", 30),
    ("projektide", "au_assessed", 14),
    ("projektide", "at_forum", 45),
    ("projektide", "at_council", 45),
    ("projektide", "at_management_group", 30),
    ("projektide", "at_board", 45),
]


def ensure_handling_targets(model) -> None:
    """Create the default targets that are missing (never changes existing ones)."""
    for kind, state, days in HANDLING_TARGETS:
        model.objects.get_or_create(case_kind=kind, state=state, defaults={"days": days})
