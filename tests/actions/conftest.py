"""Fixtures of the actions' tests: trackers of a form in progress, as the Rasa server sends
them (a session start and the customer's message with the client's pseudonym), and the sealer
of proofs (the demo directory and the directory URLs are shared, in tests/conftest.py)."""

import pytest
from rasa_sdk import Tracker

from pluskod.core.proofs import ProofSealer
from tests.conftest import FAST_HASHER

SESSION = 1_764_000_000.25


def form_tracker(form: str, sender: str = "conversation-1", client: str = "clienta",
                 session: float = SESSION, **slots) -> Tracker:
    """A real rasa_sdk tracker while ``form`` is active, holding ``slots``."""
    events = [{"event": "action", "name": "action_session_start", "timestamp": session},
              {"event": "session_started", "timestamp": session},
              {"event": "user", "timestamp": session + 1, "text": "…",
               "metadata": {"client": client}}]
    return Tracker.from_dict({
        "sender_id": sender, "slots": slots, "events": events, "paused": False,
        "latest_message": {"text": "", "intent": {}, "entities": []},
        "followup_action": None, "active_loop": {"name": form},
        "latest_action_name": "action_listen"})


@pytest.fixture
def sealer():
    return ProofSealer(FAST_HASHER)
