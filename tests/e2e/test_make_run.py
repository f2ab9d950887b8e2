"""`make run` as a person uses it: it prints where to chat, the printed page chats in a browser,
and Ctrl-C stops it all."""

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import free_port, make_run
from tests.web.widget_driver import last_answer, open_chat, say

pytestmark = pytest.mark.slow


def port_open(port):
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=1)
        return True
    except requests.ConnectionError:
        return False


def test_make_run_serves_and_ctrl_c_stops_everything(root, trained_model, tmp_path, open_page):
    rasa_port, action_port, studio_port = free_port(), free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "PLUSKOD_STUDIO_PORT": str(studio_port),
           # a studio of its own: the checkout's var/ and .secrets/ stay as they are
           "PLUSKOD_STUDIO_DB_URL": f"sqlite:///{tmp_path / 'studio.db'}",
           "PLUSKOD_STUDIO_SECRET_FILE": str(tmp_path / "studio-secret")}
    output = tmp_path / "make-run.out"
    with make_run(root, env, output) as make:
        banner = output.read_text()
        assert f"Content studio (editors):       http://127.0.0.1:{studio_port}/" in banner
        login = requests.get(f"http://127.0.0.1:{studio_port}/login", timeout=10)
        assert login.status_code == 200 and "Logowanie do studia treści" in login.text
        assert f"curl -s http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in banner
        assert "python -m tools.api_token --role integration" in banner
        assert f"http://127.0.0.1:{rasa_port}/webhooks/web/" in banner
        # the printed URL in a real browser: a question, then a verification of 600 100 200
        page = open_page(f"http://127.0.0.1:{rasa_port}/webhooks/web/")
        open_chat(page)
        say(page, "Co to jest Plus Kod?")
        assert "cyfrowe hasło" in last_answer(page)
        for text in ("chcę się zweryfikować", "600 100 200", "48213"):
            say(page, text)
        assert "Plus Kod 5 jest poprawny" in last_answer(page)

        # the REST channel as the banner says: a token of the integration role first
        url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        message = {"sender": "make-run", "message": "Co to jest Plus Kod?"}
        assert requests.post(url, json=message, timeout=60).status_code == 401
        token = subprocess.run([sys.executable, "-m", "tools.api_token", "--role", "integration"],
                               cwd=root, env=env, capture_output=True, text=True, check=True)
        reply = requests.post(url, json=message, timeout=60, headers={
            "Authorization": f"Bearer {token.stdout.strip()}"}).json()
        assert "cyfrowe hasło" in reply[0]["text"]

        os.killpg(make.pid, signal.SIGINT)          # what Ctrl-C in the terminal does
        make.wait(timeout=60)
        deadline = time.monotonic() + 30
        ports = (rasa_port, action_port, studio_port)
        while any(port_open(p) for p in ports) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(port_open(p) for p in ports)


def test_a_local_first_start_creates_a_demo_publisher_and_says_so_once(root, tmp_path):
    """The demo publisher as ``make run`` makes it (``tools.serve``'s own step, on a studio
    database of the test's)."""
    from studio.store import StudioStore, ensure_demo_publisher

    env = {"PLUSKOD_STUDIO_DEMO_PASSWORD_FILE": str(tmp_path / "secrets" / "demo-password")}
    store = StudioStore(f"sqlite:///{tmp_path / 'studio.db'}", b"s" * 64)
    made = ensure_demo_publisher(store, env)
    assert made == tmp_path / "secrets" / "demo-password"
    assert oct(made.stat().st_mode & 0o777) == "0o600"
    password = made.read_text().strip()
    assert len(password) >= 32
    assert store.login("demo", password, "c").account.can_publish
    assert ensure_demo_publisher(store, env) is None       # said once: the account exists
    assert ensure_demo_publisher(StudioStore(f"sqlite:///{tmp_path / 'other.db'}", b"s" * 64),
                                 {**env, "PLUSKOD_STUDIO_DB_URL": "sqlite:///x"}) is None
