"""``SQLTrackerStore`` that redacts before anything is written or streamed.

Configure in ``endpoints.yml``::

    tracker_store:
      type: pluskod.tracker_store.RedactingSQLTrackerStore
      dialect: sqlite            # or postgresql
      db: var/tracker.db
      secret_slots: [plus_kod, new_plus_kod, new_plus_kod_confirmation]   # names.SECRET_SLOTS

The parent's ``save`` streams to the event broker and writes rows; it receives a redacted copy
of the tracker with the same number of events, so both the database and the broker only ever
see masked codes. The raw digits live only in the in-memory tracker of the message being
processed. Slots that only actions write (``custom`` mappings in the domain: sealed proofs and
hashes) are stored as written, since the next turn reads them back from here.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from pluskod.core.names import DEFAULT_TRACKER_DB, SECRET_SLOTS
from pluskod.tracker_store.redaction import redact_events


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (SQLite file by default) that never stores a Plus Kod."""

    def __init__(self, domain: Optional[Domain] = None, dialect: Text = "sqlite",
                 db: Text = DEFAULT_TRACKER_DB, event_broker: Optional[EventBroker] = None,
                 secret_slots: Iterable[Text] = SECRET_SLOTS,
                 **kwargs: Dict[Text, Any]) -> None:
        if dialect == "sqlite" and db and not db.startswith(":"):
            from pathlib import Path

            Path(db).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, dialect=dialect, db=db, event_broker=event_broker,
                         **kwargs)
        self.secret_slots = tuple(secret_slots)

    @property
    def sealed_slots(self) -> FrozenSet[Text]:
        """Slots only actions write (every mapping ``custom``); none without a domain."""
        if self.domain is None:
            return frozenset()
        return frozenset(slot.name for slot in self.domain.slots
                         if slot.mappings and all(m.get("type") == "custom"
                                                  for m in slot.mappings))

    def redacted(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        events = redact_events((e.as_dict() for e in tracker.events), self.secret_slots,
                               self.sealed_slots - set(self.secret_slots))
        return DialogueStateTracker.from_events(
            tracker.sender_id, [Event.from_parameters(e) for e in events],
            slots=self.domain.slots if self.domain else None,
            max_event_history=tracker._max_event_history)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(self.redacted(tracker))
