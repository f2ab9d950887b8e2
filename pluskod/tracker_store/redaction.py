"""Redaction of conversation events: what is stored or streamed never holds a code.

Rules, applied to each event's dictionary (``Event.as_dict()``):

* user messages: every standalone run of 4 or 5 digits, in every string of the event (text,
  parse data, entities, metadata), becomes ``MASK``; a message answering a question for a
  secret slot (``requested_slot`` in ``secret_slots``) has *all* its digits masked, so
  ``48 213`` is caught too;
* slots in ``secret_slots``: their value becomes ``MASK``.

Phone numbers (9 digits) are not secrets and are kept. The number of events never changes.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from pluskod.masking import MASK, mask_codes

__all__ = ["MASK", "mask_codes", "redact_events"]


def _walk(value: Any, everything: bool) -> Any:
    if isinstance(value, str):
        return mask_codes(value, everything)
    if isinstance(value, list):
        return [_walk(item, everything) for item in value]
    if isinstance(value, dict):
        return {key: _walk(item, everything) for key, item in value.items()}
    return value


def redact_events(events: Iterable[Dict[str, Any]], secret_slots: Iterable[str]
                  ) -> List[Dict[str, Any]]:
    """Redacted copies of serialised events, in order, one for one."""
    secret_slots = set(secret_slots)
    requested: Optional[str] = None
    redacted = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        if kind == "active_loop" and event.get("name") is None:
            requested = None
        if kind == "user":
            event = _walk(event, everything=requested in secret_slots)
        elif kind == "slot" and event.get("name") in secret_slots and event.get("value") is not None:
            event = {**event, "value": MASK}
        redacted.append(event)
    return redacted
