"""The real store on a real SQLite file; every byte written is scanned for the codes."""

import asyncio
import re

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from pluskod.tracker_store import RedactingSQLTrackerStore
from pluskod.tracker_store.redaction import MASK

CODES = ("48213", "7391", "2846", "55120", "1357")


class RecordingBroker(EventBroker):
    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def conversation(sender="anna"):
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen"),
        UserUttered("mój kod to 48213", {"name": "inform", "confidence": 0.9},
                    parse_data={"text": "mój kod to 48213", "intent": {"name": "inform"},
                                "entities": [{"entity": "code", "value": "48213"}]}),
        SlotSet("requested_slot", "plus_kod"),
        BotUttered("Podaj Plus Kod"),
        ActionExecuted("action_listen"),
        UserUttered("7391", {"name": "inform", "confidence": 0.9}),
        SlotSet("plus_kod", "7391"),
        UserUttered("2846 i 55120 oraz 1 3 5 7"),
        SlotSet("plus_kod", "1357"),
        SlotSet("phone_number", "48 213"),
        SlotSet("proof", "sealed.48213.value"),
    ])


@pytest.fixture
def store(tmp_path):
    domain = Domain.from_yaml("""
version: "3.1"
slots:
  plus_kod: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  phone_number: {type: text, influence_conversation: false, mappings: [{type: from_text}]}
  proof: {type: text, influence_conversation: false, mappings: [{type: custom}]}
""")
    return RedactingSQLTrackerStore(domain=domain, dialect="sqlite",
                                    db=str(tmp_path / "var" / "tracker.db"),
                                    event_broker=RecordingBroker(),
                                    secret_slots=["plus_kod"])


def standalone(code, raw):
    return re.search(rb"(?<!\d)" + code.encode() + rb"(?!\d)", raw)


def test_nothing_written_holds_a_code_but_sealed_slots_are_kept(store, tmp_path):
    tracker = conversation()
    asyncio.run(store.save(tracker))
    raw = b"".join(p.read_bytes() for p in (tmp_path / "var").iterdir())
    for code in CODES:
        assert not standalone(code, raw.replace(b"sealed.48213.value", b"")), code
    assert b"48 213" not in raw
    assert b"\\u2022" in raw          # the mask, as json.dumps writes it
    stored = asyncio.run(store.retrieve("anna"))
    assert stored.get_slot("proof") == "sealed.48213.value"   # an action's seal, read back
    assert stored.get_slot("phone_number") == MASK


def test_the_event_broker_gets_the_redacted_copy(store):
    asyncio.run(store.save(conversation()))
    published = repr([e for e in store.event_broker.published if e.get("name") != "proof"])
    assert len(store.event_broker.published) == len(conversation().events)
    # a code on its own, not as digits inside a longer run (an event's timestamp such as
    # 1764748573.1357… holds "1357" by chance: the failure of one CI run)
    assert not any(standalone(code, published.encode()) for code in CODES)


def test_the_number_of_events_is_kept_and_saving_again_adds_only_new_ones(store):
    tracker = conversation()
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("a to 55120?"))
    asyncio.run(store.save(tracker))
    stored = asyncio.run(store.retrieve("anna"))
    assert len(stored.events) == len(tracker.events)
    assert stored.events[-1].text == MASK     # still at the code prompt: masked whole


def test_the_in_memory_tracker_is_left_untouched(store):
    tracker = conversation()
    asyncio.run(store.save(tracker))
    assert tracker.get_slot("plus_kod") == "1357"


def test_without_a_domain_every_slot_is_masked(tmp_path):
    store = RedactingSQLTrackerStore(domain=None, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert store.sealed_slots == frozenset()
