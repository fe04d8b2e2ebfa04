"""The answer of a ``can_<action>(user, obj)`` function: truthy, with a reason when not,
and the two ways a service enforces it (``require``: 403, ``require_state``: 409)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from core.errors import Conflict


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Access(True)


def deny(reason: str) -> Access:
    return Access(False, str(reason))


def require(access: Access) -> None:
    """Raise ``PermissionDenied`` with the refusal's reason (HTTP 403) unless allowed."""
    if not access:
        raise PermissionDenied(access.reason)


def require_state(access: Access) -> None:
    """Raise ``Conflict`` with the refusal's reason (HTTP 409) unless allowed: for
    refusals that depend on the record's state, not on who asks."""
    if not access:
        raise Conflict(access.reason)
