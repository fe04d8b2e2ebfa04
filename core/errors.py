"""Errors every service may raise; views and the API turn them into clear answers.

- ``django.core.exceptions.ValidationError``: bad input or an unmet precondition (400 / form error)
- ``django.core.exceptions.PermissionDenied``: the user may not do this (403)
- ``Conflict``: someone else changed the record first, or it is frozen (409)
"""


class Conflict(Exception):  # noqa: N818 - the HTTP name is the clearest
    """The action conflicts with the current state of the record (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
