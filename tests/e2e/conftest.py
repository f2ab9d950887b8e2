"""Helpers to talk to the real servers (the ``servers`` fixture is in tests/conftest.py)."""

import pytest
import requests


@pytest.fixture
def chat(servers, request):
    """Send messages as one customer (a fresh conversation per test)."""
    sender = f"e2e-{request.node.name}"

    def send(text):
        response = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    send.sender = sender
    return send


@pytest.fixture
def parse(servers):
    def run(text):
        response = requests.post(f"{servers.rasa_url}/model/parse", json={"text": text},
                                 timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    return run
