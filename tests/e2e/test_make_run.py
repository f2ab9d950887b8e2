"""`make run` as a person uses it: it prints where to chat, answers, and Ctrl-C stops it all."""

import os
import signal
import subprocess
import time

import pytest
import requests

from tests.conftest import free_port

pytestmark = pytest.mark.slow


def port_open(port):
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=1)
        return True
    except requests.ConnectionError:
        return False


def test_make_run_serves_and_ctrl_c_stops_everything(root, trained_model, tmp_path):
    rasa_port, action_port = free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port)}
    output = tmp_path / "make-run.out"
    with open(output, "w") as out:
        make = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=root, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while "Press Ctrl-C to stop." not in output.read_text():
            assert make.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(1)
        banner = output.read_text()
        assert f"POST http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in banner
        assert f"http://127.0.0.1:{rasa_port}/webhooks/web/" in banner
        page = requests.get(f"http://127.0.0.1:{rasa_port}/webhooks/web/", timeout=30)
        assert page.status_code == 200 and "Co to jest Plus Kod?" in page.text

        reply = requests.post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
                              json={"sender": "make-run", "message": "Co to jest Plus Kod?"},
                              timeout=60).json()
        assert "cyfrowe hasło" in reply[0]["text"]

        os.killpg(make.pid, signal.SIGINT)          # what Ctrl-C in the terminal does
        make.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (port_open(rasa_port) or port_open(action_port)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not port_open(rasa_port) and not port_open(action_port)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
