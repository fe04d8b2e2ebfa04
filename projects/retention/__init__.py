"""Retention (gallring): classes per document kind, the yearly run and its destruction log.

``models`` holds the managed lists (retention decisions, classes, the class of each
document kind), the runs and the log; ``services`` prepares a run's proposal, approves
it and destroys what it lists; ``views`` is the page of an authorised user.
"""
