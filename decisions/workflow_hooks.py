"""Extension points of the case workflow for higher apps (financing), without signals.

Higher apps register in their ``AppConfig.ready()``; ``decisions.services.workflow``
calls the registered functions explicitly when a transition fires:

- ``register_precondition(transition, func)``: ``func(case, data) -> str | None`` returns
  a message (Swedish, translatable) when the transition may not fire now, e.g.
  "Finansieringsplanen är inte godkänd av en controller." It is also used to explain
  disabled buttons, so it must be cheap and have no side effects.
- ``register_effect(transition, func)``: ``func(*, case, user, data, log) -> None`` runs
  inside the transition's transaction after the state change and the log row, before
  commit. It may raise ``ValidationError`` or ``Conflict`` to refuse the transition;
  everything, including the state change, is then rolled back.
"""

from collections import defaultdict
from collections.abc import Callable

_PRECONDITIONS: dict[str, list[Callable]] = defaultdict(list)
_EFFECTS: dict[str, list[Callable]] = defaultdict(list)


def register_precondition(transition: str, func: Callable) -> None:
    if func not in _PRECONDITIONS[transition]:
        _PRECONDITIONS[transition].append(func)


def register_effect(transition: str, func: Callable) -> None:
    if func not in _EFFECTS[transition]:
        _EFFECTS[transition].append(func)


def unmet_preconditions(transition: str, case, data: dict | None = None) -> list[str]:
    messages = []
    for func in _PRECONDITIONS.get(transition, ()):
        message = func(case, data or {})
        if message:
            messages.append(str(message))
    return messages


def run_effects(transition: str, *, case, user, data: dict, log) -> None:
    for func in _EFFECTS.get(transition, ()):
        func(case=case, user=user, data=data, log=log)
