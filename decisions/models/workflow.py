"""Workflow models: transition log, assessments, anchoring, proposals, delegation."""
