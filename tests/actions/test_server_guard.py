"""The real action server (rasa-sdk's executor behind our guard) refuses requests without the
secret and runs exactly the domain's actions."""

import sys

import pytest
import requests

from actions.server_guard import configured_token
from tests.conftest import free_port
from tools.serve import Servers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    servers = Servers(model=None, host="127.0.0.1", rasa_port=free_port(),
                      action_port=free_port(), log_dir=tmp_path_factory.mktemp("logs"))
    try:
        servers.start_actions()
        yield servers
    finally:
        servers.stop()


def call(server, headers=None, body=None):
    body = body if body is not None else {
        "next_action": "action_suggest_faq", "sender_id": "guard-test", "version": "3.6.2",
        "domain": {"responses": {}},
        "tracker": {"sender_id": "guard-test", "slots": {}, "events": [], "paused": False,
                    "latest_message": {"text": "", "intent": {}, "entities": []},
                    "latest_action_name": "action_listen", "active_loop": {},
                    "followup_action": None, "latest_event_time": None}}
    return requests.post(f"{server.action_url}/webhook", json=body, headers=headers or {},
                         timeout=30)


def test_without_the_secret_nothing_runs(action_server):
    response = call(action_server)
    assert response.status_code == 401
    assert "events" not in response.json() and "responses" not in response.json()


@pytest.mark.parametrize("header", ["Bearer wrong-token-of-enough-length-123", "Basic abc",
                                    "Bearer "])
def test_a_wrong_secret_is_refused(action_server, header):
    response = call(action_server, {"Authorization": header})
    assert response.status_code in (401, 403)
    assert "responses" not in response.json()


def test_the_right_secret_runs_the_action(action_server):
    response = call(action_server, {"Authorization": f"Bearer {action_server.action_token}"})
    assert response.status_code == 200
    assert response.json()["responses"][0]["response"] == "utter_empty_message"


def test_an_error_does_not_echo_the_tracker(action_server):
    body = {"next_action": "action_suggest_faq", "sender_id": "x", "version": "3.6.2",
            "tracker": {"secret_marker": "48213"}, "domain": "not a dict"}
    response = call(action_server, {"Authorization": f"Bearer {action_server.action_token}"},
                    body=body)
    assert response.status_code == 500
    assert "48213" not in response.text and response.json() == {"error": "internal error"}


def test_health_stays_open_for_the_launcher(action_server):
    assert requests.get(f"{action_server.action_url}/health", timeout=10).status_code == 200


def test_the_server_refuses_to_start_without_a_long_secret():
    with pytest.raises(RuntimeError, match="PLUSKOD_ACTION_TOKEN"):
        configured_token({"PLUSKOD_ACTION_TOKEN": "short"})
    with pytest.raises(RuntimeError):
        configured_token({})


def listening_hosts(port):
    """Local addresses with a listening TCP socket on ``port`` (read from /proc/net)."""
    hosts = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:   # 0A: LISTEN
                    hosts.add(address)
    return hosts


def test_the_action_server_listens_on_loopback_only(root, tmp_path):
    import os
    import signal
    import subprocess
    import time

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SANIC_HOST"}
    env.update({"PLUSKOD_ACTION_TOKEN": "t" * 32,
                "PLUSKOD_DIRECTORY_URL": f"sqlite:///{tmp_path / 'directory.db'}",
                "PLUSKOD_PEPPER_FILE": str(tmp_path / "pepper")})
    with open(tmp_path / "actions.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "actions.server",
                                    "--port", str(port)], cwd=root,
                                   env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not listening_hosts(port) and time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "actions.log").read_text()
            time.sleep(0.5)
        assert listening_hosts(port) == {"0100007F"}          # 127.0.0.1, and nothing else
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_the_server_runs_exactly_the_domains_actions(action_server, root):
    import yaml

    listed = requests.get(f"{action_server.action_url}/actions", timeout=30,
                          headers={"Authorization": f"Bearer {action_server.action_token}"})
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    assert sorted(a["name"] for a in listed.json()) == sorted(domain["actions"])


def test_a_compressed_call_runs_and_a_bomb_or_garbage_is_refused(action_server):
    import json
    import zlib

    token = {"Authorization": f"Bearer {action_server.action_token}"}
    plain = call(action_server, token)
    body = json.dumps({
        "next_action": "action_suggest_faq", "sender_id": "guard-test", "version": "3.6.2",
        "domain": {"responses": {}},
        "tracker": {"sender_id": "guard-test", "slots": {}, "events": [], "paused": False,
                    "latest_message": {"text": "", "intent": {}, "entities": []},
                    "latest_action_name": "action_listen", "active_loop": {},
                    "followup_action": None, "latest_event_time": None}}).encode()
    deflate = {**token, "Content-Encoding": "deflate", "Content-Type": "application/json"}
    url = f"{action_server.action_url}/webhook"
    compressed = requests.post(url, data=zlib.compress(body), headers=deflate, timeout=30)
    assert compressed.status_code == 200 and compressed.json() == plain.json()
    bomb = zlib.compress(b" " * (64 * 1024 * 1024))   # 64 MiB of spaces in ~64 KiB
    assert requests.post(url, data=bomb, headers=deflate, timeout=30).status_code == 400
    cut_short = zlib.compress(body)[:-4]     # the whole JSON, but no end of stream
    for garbage in (b"not zlib", zlib.compress(b"[1, 2]"), zlib.compress(b"{broken"),
                    cut_short):
        answer = requests.post(url, data=garbage, headers=deflate, timeout=30)
        assert (answer.status_code, answer.json()) == (400, {"error": "Invalid body request"})
    huge = requests.post(url, data=b" " * (9 * 1024 * 1024), timeout=60,
                         headers={**token, "Content-Type": "application/json"})
    assert huge.status_code == 413
