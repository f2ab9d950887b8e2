"""The launcher: its endpoints copy, the API secret it hands the Rasa server, and its refusal
to serve an HTTP API that answers without a token."""

import http.server
import threading

import pytest
from rasa.utils.endpoints import read_endpoint_config

from pluskod.core.tokens import ADMIN, ApiTokens
from tests.conftest import free_port
from tools.serve import Servers, endpoints_for, status_of


def test_the_endpoints_copy_points_at_the_action_port_and_sends_the_secret(monkeypatch):
    monkeypatch.setenv("PLUSKOD_ACTION_TOKEN", "s3cret-value-for-the-test-only")
    path = endpoints_for("http://127.0.0.1:6123/webhook")
    try:
        endpoint = read_endpoint_config(str(path), "action_endpoint")
    finally:
        path.unlink()
    assert endpoint.url == "http://127.0.0.1:6123/webhook"
    assert endpoint.headers == {"Authorization": "Bearer s3cret-value-for-the-test-only"}


def test_the_shipped_endpoints_file_sends_the_secret(root, monkeypatch):
    monkeypatch.setenv("PLUSKOD_ACTION_TOKEN", "another-secret-value-123456")
    endpoint = read_endpoint_config(str(root / "endpoints.yml"), "action_endpoint")
    assert endpoint.headers["Authorization"] == "Bearer another-secret-value-123456"


class OpenServer:
    """A stdlib HTTP server that answers every request with ``status`` - an API left open."""

    def __init__(self, status):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_serve_refuses_to_go_on_when_the_api_answers_without_a_token(tmp_path):
    open_api = OpenServer(200)
    try:
        servers = Servers(model=tmp_path / "m.tar.gz", host="127.0.0.1", rasa_port=open_api.port,
                          action_port=1, log_dir=tmp_path,
                          extra_env={"PLUSKOD_JWT_SECRET_FILE": str(tmp_path / "jwt")})
        assert status_of(f"{servers.rasa_url}/status") == 200
        with pytest.raises(RuntimeError, match="HTTP API is not closed .* answered 200 without "
                                               "a token and 200 for a foreign Host"):
            servers.check_closed()
        servers.endpoints.unlink()
    finally:
        open_api.server.shutdown()
    assert status_of("http://127.0.0.1:1/") is None


def test_the_api_secret_is_the_one_the_server_will_read(tmp_path):
    servers = Servers(model=tmp_path / "m.tar.gz", host="127.0.0.1", rasa_port=1, action_port=2,
                      log_dir=tmp_path, extra_env={"PLUSKOD_JWT_SECRET_FILE": str(tmp_path / "j")})
    servers.endpoints.unlink()
    secret = (tmp_path / "j").read_text().strip().encode()
    assert servers.api_secret == secret
    token = servers.admin_headers()["Authorization"].split(" ", 1)[1]
    assert ApiTokens(secret).check({"Authorization": f"Bearer {token}"}, (ADMIN,)).role == ADMIN


@pytest.mark.parametrize("setting, says", [
    ({"PLUSKOD_DIRECTORY_URL": "postgresql://someone:pw-s3cr3t@127.0.0.1:1/db"},
     "[run] error: the customer directory at postgresql://someone:***@127.0.0.1:1/db cannot be "
     "opened ("),
    ({"PLUSKOD_LOCK_MINUTES": "abc"}, "[run] error: PLUSKOD_LOCK_MINUTES must be a number, "
                                      "not 'abc'"),
    ({"PLUSKOD_PROOF_IDLE_MINUTES": "-1"}, None),  # read by the action server: it exits
])
def test_a_bad_directory_setting_stops_make_run_with_one_line(root, tmp_path, setting, says):
    import os
    import subprocess
    import sys

    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not used: the directory is opened first")
    env = {**os.environ, "PLUSKOD_JWT_SECRET": "j" * 64, "PLUSKOD_PEPPER": "p" * 64,
           "PLUSKOD_DIRECTORY_URL": f"sqlite:///{tmp_path / 'directory.db'}",
           "PLUSKOD_READY_TIMEOUT": "60", "ACTION_PORT": str(free_port()),
           "RASA_PORT": str(free_port()), **setting}
    result = subprocess.run([sys.executable, "-m", "tools.serve", "--model", str(model)],
                            cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "pw-s3cr3t" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if says is None:
        assert lines[0].startswith("[run] error: the action server exited with code 1; see ")
    else:
        assert lines[0].startswith(says), lines[0]
