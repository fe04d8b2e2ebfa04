"""What a § says it decided, from what happened at the meeting (always Swedish: the text
of the protocol).

- ``points_with_conditions``: the proposal's points with the special conditions as
  lettered sub-points (a, b, ...) under the point about conditions, however the
  proposal worded it (seed 001 § 38);
- ``decision_for_outcome``: the decision after the propositionsordning or a vote: the
  proposal when it was carried, the rejection when a motion to reject was, the motion's
  text when an amendment was; carried tilläggsyrkanden are added as points;
- ``decision_for_transition``: a first wording when nothing was written, from the
  body's decision in the case (``Utvecklingsrådet beslutar att godkänna projektidén.``);
- ``decision_contradictions``: why a recorded decision's words contradict its outcome
  or the case (signing is refused while there are any).
"""

import re
from decimal import Decimal

from core.money import format_amount

# The sentence of a body's decision in a case, when the § has no wording of its own.
TRANSITION_PHRASES = {
    "grant": "bevilja ansökan om medfinansiering med {amount} ur det statliga anslaget 1:1",
    "reject": "avslå ansökan om medfinansiering",
    "council_approve": "godkänna projektidén",
    "council_reject": "avslå projektidén",
    "council_return": "återremittera ärendet för ytterligare beredning",
    "council_refer": "överlämna ärendet till ledningsgruppen för ett regionövergripande beslut",
    "management_group_forward": "överlämna ärendet till regionstyrelsen för beslut",
    "management_group_return": "återremittera ärendet för ytterligare beredning",
    "board_approve": "godkänna projektidén",
    "board_reject": "avslå projektidén",
    "board_return": "återremittera ärendet för ytterligare beredning",
}

_CONDITIONS_POINT = re.compile(r"särskil\w* villkor", re.IGNORECASE)
_REJECTS = re.compile(r"\bavsl(å|år|ås|ag|aget)\b", re.IGNORECASE)
_GRANTS = re.compile(r"\bbevilja(r|s|d|t|de)?\b", re.IGNORECASE)


def _sentence(text: str) -> str:
    """``att beviljat belopp sänks`` -> ``Beviljat belopp sänks.``"""
    text = re.sub(r"^\s*(yrkar\s+)?(på\s+)?(att\s+)?", "", text or "", flags=re.IGNORECASE)
    text = text.strip().rstrip(".")
    if not text:
        return ""
    return text[0].upper() + text[1:] + "."


def points_with_conditions(points: list[dict], conditions: list[dict]) -> list[dict]:
    """``points`` with ``conditions`` (``{text, due_date}``) as the sub-points of the point
    about special conditions; a point is added when the proposal has none."""
    texts = [c["text"].strip() for c in conditions if (c.get("text") or "").strip()]
    points = [{"text": p["text"], "sub": list(p.get("sub") or [])} for p in points]
    if not texts:
        return points
    for point in points:
        if _CONDITIONS_POINT.search(point["text"]):
            point["text"] = point["text"].rstrip(" .:") + ":"
            point["sub"] = texts
            return points
    points.append({"text": "Följande särskilda villkor ska följas:", "sub": texts})
    return points


def decision_for_transition(body_name: str, transition: str, amount: Decimal | None) -> str:
    phrase = TRANSITION_PHRASES.get(transition)
    if phrase is None:
        return ""
    return f"{body_name} beslutar att " + phrase.format(amount=format_amount(amount)) + "."


def decision_for_outcome(
    *,
    body_name: str,
    proposal: dict,
    carried_kind: str | None,
    carried_text: str,
    additions: list[str],
    co_financing: bool,
) -> tuple[str, list[dict]]:
    """(decision text, decision points) after the meeting. ``carried_kind``: the kind of
    the carried motion (None: the main proposal was carried)."""
    text = proposal.get("text", "")
    points = [
        {"text": p["text"], "sub": list(p.get("sub") or [])} for p in proposal.get("points", [])
    ]
    if carried_kind == "rejection":
        what = "ansökan om medfinansiering" if co_financing else "förslaget"
        text, points = f"{body_name} beslutar att avslå {what}.", []
    elif carried_kind == "amendment":
        sentence = _sentence(carried_text)
        text, points = "", ([{"text": sentence, "sub": []}] if sentence else [])
    extra = [{"text": s, "sub": []} for s in (_sentence(a) for a in additions) if s]
    if extra:
        if text and not points:  # one sentence: it becomes the first point
            points = [{"text": _sentence(text.split(" beslutar att ", 1)[-1]), "sub": []}]
            text = ""
        points += extra
    return text, points


_AMOUNT_IN_TEXT = re.compile(
    r"(?<![\d,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?\s*"
    r"(tkr|kr\b|kronor|mkr|mnkr|msek|miljoner kronor)",
    re.IGNORECASE,
)
_UNIT = {"tkr": Decimal(1000), "mkr": Decimal(1000000), "mnkr": Decimal(1000000)}


def amounts_in(words: str) -> set[Decimal]:
    """The amounts a text states: ``1 245 497 kr``, ``1 245 497 kronor``, ``2 000 tkr``,
    ``3,5 miljoner kronor``, as kronor."""
    found = set()
    for match in _AMOUNT_IN_TEXT.finditer(words):
        digits = re.sub(r"\D", "", match.group(1))
        value = Decimal(f"{digits}.{match.group(2)}" if match.group(2) else digits)
        unit = match.group(3).lower()
        if unit in ("msek", "miljoner kronor"):
            value *= 1000000
        value *= _UNIT.get(unit, Decimal(1))
        found.add(value.quantize(Decimal("0.01")))
    return found


def decision_words(text: str, points: list[dict]) -> str:
    parts = [text] + [p["text"] + " " + " ".join(p.get("sub") or []) for p in points]
    return " ".join(part for part in parts if part)


def decision_contradictions(
    *,
    outcome: str,
    text: str,
    points: list[dict],
    granted_amount: Decimal | None,
    case_granted_amount: Decimal | None,
    case_rejected: bool | None,
) -> list[str]:
    """What in a recorded decision's words contradicts its outcome or the case's state
    (``case_rejected``: the case ended rejected, None when not known)."""
    words = decision_words(text, points)
    problems = []
    if outcome == "granted":
        if _REJECTS.search(words) and not _GRANTS.search(words):
            problems.append("beslutstexten säger avslag men beslutet är beviljat")
        if granted_amount is not None:
            if granted_amount not in amounts_in(words):
                problems.append(
                    f"beslutstexten nämner inte det beviljade beloppet {format_amount(granted_amount)}"
                )
        if case_granted_amount is not None and case_granted_amount != granted_amount:
            problems.append(
                "ärendets beviljade belopp är "
                f"{format_amount(case_granted_amount)}, inte {format_amount(granted_amount)}"
            )
        if case_rejected:
            problems.append("ärendet är avslaget")
    elif outcome == "rejected":
        if not _REJECTS.search(words):
            problems.append("beslutstexten säger inte avslag men beslutet är avslag")
        if case_rejected is False:
            problems.append("ärendet är inte avslaget")
    return problems
