"""Redaction of conversation events: what is stored or streamed never holds a code.

Rules, applied to each event's dictionary (``Event.as_dict()``), with the masking of
:mod:`pluskod.core.masking`:

* every string of every event - user messages with their parse data, entities and metadata,
  slot values, anything else - has each run that may betray a code masked, in any spelling;
* a user message answering a code prompt (``requested_slot`` in ``secret_slots``) has its text
  and its entities' values masked whole, whatever they say;
* slots in ``secret_slots`` hold ``MASK`` whatever their value;
* slots in ``sealed_slots`` (those only actions write: proofs and hashes, whose text would
  otherwise be mangled) and the bot's own messages (the domain's texts) are kept as they are.

Phone numbers are kept (issue of personal data aside, the forms need them). The number of events
never changes, and the input is not modified.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional

from pluskod.core.masking import MASK, mask_secret_answer, mask_text

__all__ = ["MASK", "redact_events"]


def _walk(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_walk(item, mask) for item in value]
    if isinstance(value, dict):
        return {key: _walk(item, mask) for key, item in value.items()}
    return value


def _answer_masked(event: Dict[str, Any]) -> Dict[str, Any]:
    """A user event answering a code prompt, with what the customer typed masked whole (the
    intent and the rest of the parse data stay: the dialogue's history needs them)."""
    event = {**event, "text": mask_secret_answer(event.get("text") or "")}
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        entities = [{**e, "value": MASK} if isinstance(e, dict) else e
                    for e in parse_data.get("entities") or []]
        event["parse_data"] = {**parse_data,
                               "text": mask_secret_answer(parse_data.get("text") or ""),
                               "entities": entities}
    return event


def redact_events(events: Iterable[Dict[str, Any]], secret_slots: Iterable[str],
                  sealed_slots: Iterable[str] = ()) -> List[Dict[str, Any]]:
    """Redacted copies of serialised events, in order, one for one."""
    secret_slots, sealed_slots = set(secret_slots), set(sealed_slots)
    requested: Optional[str] = None
    redacted = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        if kind == "active_loop" and event.get("name") is None:
            requested = None
        if kind == "bot":
            pass
        elif kind == "slot" and event.get("name") in secret_slots:
            event = {**event, "value": MASK} if event.get("value") is not None else event
        elif kind == "slot" and event.get("name") in sealed_slots:
            pass
        else:
            event = _walk(event, mask_text)
            if kind == "user" and requested in secret_slots:
                event = _answer_masked(event)
        redacted.append(event)
    return redacted
