"""Helpers to talk to the real servers (the ``servers`` fixture is in tests/conftest.py).

REST calls carry an ``integration`` token and name the test as the integration's own user
(``client``), so that the limits on code attempts count each test apart; HTTP API calls carry
an ``admin`` token."""

import re
import uuid

import pytest
import requests

from pluskod.channels.rest import conversation_id
from tools.serve import TOKEN_NAME


def rest(servers, sender, text, client=None, timeout=60):
    """One REST message, as an integration would send it; returns the HTTP response."""
    return requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                         json={"sender": sender, "message": text, "client": client or sender},
                         headers=servers.integration_headers(), timeout=timeout)


def text_chat(servers, prefix="chat"):
    """A new REST conversation; ``send(text)`` returns the bot's texts joined in one string."""
    sender = f"{prefix}-{uuid.uuid4().hex[:8]}"

    def send(text):
        response = rest(servers, sender, text)
        assert response.status_code == 200, response.text
        return " ".join(r.get("text", "") for r in response.json())

    send.sender = sender
    return send


def api_tracker(servers, sender):
    """The tracker of the REST conversation ``sender`` (this launcher's integration's)."""
    response = requests.get(f"{servers.rasa_url}/conversations/"
                            f"{conversation_id(TOKEN_NAME, sender)}/tracker",
                            headers=servers.admin_headers(), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def chat(servers, request):
    """Send messages as one customer (a fresh conversation per test)."""
    name = re.sub(r"[^A-Za-z0-9_.:@-]", "-", request.node.name)[:50]
    sender = f"e2e-{name}-{uuid.uuid4().hex[:8]}"

    def send(text):
        response = rest(servers, sender, text)
        assert response.status_code == 200, response.text
        return response.json()

    send.sender = sender
    return send


@pytest.fixture
def parse(servers):
    def run(text):
        response = requests.post(f"{servers.rasa_url}/model/parse", json={"text": text},
                                 headers=servers.admin_headers(), timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    return run
