"""The start-up guard with real Rasa tracker stores."""

from types import SimpleNamespace

from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

from pluskod.channels.guard import enforce_tracker_store
from pluskod.core.names import TRACKER_STORE
from pluskod.tracker_store import RedactingSQLTrackerStore


def agent_with(store):
    return SimpleNamespace(tracker_store=store, processor=SimpleNamespace(tracker_store=store))


def test_the_redacting_store_is_accepted_and_loses_its_in_memory_fallback(tmp_path):
    store = RedactingSQLTrackerStore(db=str(tmp_path / "t.db"))
    agent = agent_with(FailSafeTrackerStore(store))
    stops = []
    assert enforce_tracker_store(agent, TRACKER_STORE, stop=stops.append)
    assert agent.tracker_store is store and agent.processor.tracker_store is store
    assert stops == []


def test_an_in_memory_fallback_stops_the_server(caplog):
    stops = []
    agent = agent_with(FailSafeTrackerStore(InMemoryTrackerStore(None)))
    assert not enforce_tracker_store(agent, TRACKER_STORE, stop=stops.append)
    assert stops == [1]
    assert "Refusing to serve" in caplog.text


def test_an_unimportable_required_store_stops_the_server(caplog):
    stops = []
    agent = agent_with(InMemoryTrackerStore(None))
    assert not enforce_tracker_store(agent, "no.such.Store", stop=stops.append)
    assert stops == [1] and "cannot be imported" in caplog.text
