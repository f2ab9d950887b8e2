"""Real servers for end-to-end tests: the action server and the Rasa server, on free ports."""

import socket

import pytest
import requests

from tools.serve import Servers, running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_directory_env(folder):
    """A fresh demo directory and pepper in ``folder`` (nothing written to the repo)."""
    return {"PLUSKOD_DIRECTORY_URL": f"sqlite:///{folder / 'directory.db'}",
            "PLUSKOD_SEED_DEMO": "1", "PLUSKOD_PEPPER_FILE": str(folder / "pepper")}


@pytest.fixture(scope="session")
def servers(trained_model, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    setup = Servers(model=trained_model, host="127.0.0.1", rasa_port=free_port(),
                    action_port=free_port(), log_dir=logs, tracker_db=logs / "tracker.db",
                    extra_env=demo_directory_env(logs))
    with running(setup) as started:
        yield started


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
