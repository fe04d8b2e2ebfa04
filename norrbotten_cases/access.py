"""The answer of a ``can_<action>(user, obj)`` function: truthy, with a reason when not."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Access(True)


def deny(reason: str) -> Access:
    return Access(False, str(reason))
