"""Writes of the decisions app: workflow.py (case transitions) and meetings.py."""
