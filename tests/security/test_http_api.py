"""Finding 1: the HTTP API was open. Attacked on `make run` itself, as an unauthenticated
client would meet it on a fresh clone.

Every route of Rasa's HTTP API is taken from Rasa's own app (so a route added by a Rasa
upgrade is attacked too) and tried without a token, with forged, expired and wrong-role
tokens, with a token in the URL, with a foreign Host header, as a "simple" cross-site request,
and under odd spellings of its path. The customer chat must keep working without a token.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
import uuid

import jwt
import pytest
import requests

from pluskod.core.secrets import API_SECRET
from pluskod.core.tokens import ADMIN, INTEGRATION, ApiTokens, bearer
from tests.conftest import free_port, make_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def made(root, trained_model, tmp_path_factory):
    """`make run` on free ports; yields its URL and tokens signed with the secret it uses."""
    rasa_port, action_port = free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port)}
    output = tmp_path_factory.mktemp("make-run") / "out"
    with make_run(root, env, output):
        secret = API_SECRET.load({API_SECRET.file_env: str(root / API_SECRET.default_file),
                                  **env}, create=False)
        yield f"http://127.0.0.1:{rasa_port}", ApiTokens(secret), secret


def api_routes():
    """``(method, path)`` of every route of Rasa's HTTP API, parameters filled in."""
    import rasa.server

    app = rasa.server.create_app(cors_origins=None)
    routes = []
    for route in app.router.routes:
        path = "/" + re.sub(r"<conversation_id(:path)?>", "victim", route.path)
        for method in sorted(route.methods):
            routes.append((method, path))
    return routes


ROUTES = api_routes()


def call(url, method, path, headers=None, body=b'{"events": []}', **kwargs):
    return requests.request(method, url + path, headers=headers or {}, data=body, timeout=60,
                            **kwargs)


def test_rasas_api_is_all_there_to_attack():
    assert ("POST", "/conversations/victim/tracker/events") in ROUTES
    assert ("PUT", "/model") in ROUTES and ("GET", "/version") in ROUTES and len(ROUTES) >= 19


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_api_route_refuses_an_unauthenticated_client(made, method, path):
    url, *_ = made
    reply = call(url, method, path)
    assert reply.status_code == 401, (reply.status_code, reply.text[:200])
    assert reply.json() == {"error": "authentication required"}
    assert reply.headers["WWW-Authenticate"] == "Bearer"


def forged_tokens(tokens, secret):
    now = int(time.time())
    good = {"user": {"username": "x", "role": "admin"}, "iat": now, "exp": now + 600}
    none_alg = jwt.encode(good, None, algorithm="none")
    return {
        "wrong secret": (jwt.encode(good, "not-the-secret-but-32-chars-long!", "HS256"), 401),
        "alg none": (none_alg, 401),
        "expired": (jwt.encode({**good, "exp": now - 5}, secret, "HS256"), 401),
        "no expiry": (jwt.encode({"user": good["user"], "iat": now}, secret, "HS256"), 401),
        "rasa user role": (jwt.encode({**good, "user": {"username": "victim", "role": "user"}},
                                      secret, "HS256"), 403),
        "integration role": (tokens.issue(INTEGRATION, 5), 403),
    }


@pytest.mark.parametrize("kind", ["wrong secret", "alg none", "expired", "no expiry",
                                  "rasa user role", "integration role"])
def test_forged_and_weak_tokens_open_nothing(made, kind):
    url, tokens, secret = made
    token, status = forged_tokens(tokens, secret)[kind]
    for method, path in ROUTES:
        reply = call(url, method, path, headers=bearer(token))
        assert reply.status_code == status, (kind, method, path, reply.status_code)


def test_a_token_in_the_url_is_not_read(made):
    url, tokens, _ = made
    token = tokens.issue(ADMIN, 5)
    for query in (f"?token={token}", f"?access_token={token}"):
        assert requests.get(f"{url}/status{query}", timeout=30).status_code == 401


def test_a_foreign_host_is_refused_everywhere_even_with_a_token(made):
    """DNS rebinding: a page on attacker.example resolving to 127.0.0.1."""
    url, tokens, _ = made
    routes = ROUTES + [("GET", "/webhooks/web/"), ("POST", "/webhooks/web/conversations"),
                       ("POST", "/webhooks/rest/webhook")]
    for host in ("attacker.example", "attacker.example:80", "127.0.0.1.attacker.example",
                 "localhost.attacker.example", ""):
        headers = {"Host": host, **bearer(tokens.issue(ADMIN, 5))}
        for method, path in routes:
            reply = call(url, method, path, headers=headers)
            assert reply.status_code == 403, (host, method, path, reply.status_code)
            assert reply.json() == {"error": "host not allowed"}


def test_preflights_meet_the_guard_too(made):
    """Rasa's CORS extension answers OPTIONS itself, ahead of every route: not ahead of the
    guard."""
    url, *_ = made
    for path in ("/status", "/model/parse", "/nowhere", "/webhooks/web/conversations"):
        foreign = requests.options(url + path, timeout=30, headers={
            "Host": "attacker.example", "Origin": "http://attacker.example",
            "Access-Control-Request-Method": "POST"})
        assert foreign.status_code == 403, (path, foreign.status_code)
    anonymous = requests.options(f"{url}/model/parse", timeout=30, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert anonymous.status_code == 401
    own = requests.options(f"{url}/webhooks/web/conversations", timeout=30, headers={
        "Origin": url, "Access-Control-Request-Method": "POST"})
    assert own.status_code in (200, 204)


def test_a_cross_site_simple_request_reaches_nothing(made):
    """What a page on any origin can send without a CORS preflight: text/plain JSON."""
    url, tokens, _ = made
    reply = requests.post(f"{url}/conversations/victim/tracker/events", timeout=30,
                          data=json.dumps([{"event": "slot", "name": "verification_proof",
                                            "value": "x"}]),
                          headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert reply.status_code == 401 and "Access-Control-Allow-Origin" not in reply.headers
    preflight = requests.options(f"{url}/model/parse", timeout=30, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    tracker = requests.get(f"{url}/conversations/victim/tracker", timeout=30,
                           headers=bearer(tokens.issue(ADMIN, 5))).json()
    assert tracker["slots"].get("verification_proof") is None


@pytest.mark.parametrize("raw_path", [
    "//conversations/victim/tracker", "/conversations/victim/tracker/",
    "/%63onversations/victim/tracker", "/conversations%2Fvictim%2Ftracker",
    "/webhooks/web/../../conversations/victim/tracker", "/webhooks/web/%2e%2e/%2e%2e/status",
    "/webhooks/rest/../../status", "/./status", "/status?", "/STATUS", "/status#x",
    "/webhooks/web/conversations/../../../model/parse",
])
def test_no_spelling_of_a_path_reaches_the_api(made, raw_path):
    """Sent as raw bytes (no client-side normalisation)."""
    url, *_ = made
    host, port = url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", raw_path, headers={"Host": f"127.0.0.1:{port}"})
    reply = connection.getresponse()
    body = reply.read()
    connection.close()
    assert reply.status in (401, 404), (raw_path, reply.status, body[:200])
    assert b"model_file" not in body and b"events" not in body


def test_a_huge_body_is_refused_before_it_is_read(made):
    url, tokens, _ = made
    reply = requests.post(f"{url}/model/parse", data=b"x" * (2 * 1024 * 1024), timeout=60,
                          headers=bearer(tokens.issue(ADMIN, 5)))
    assert reply.status_code == 413


def test_the_customer_chat_needs_no_token_and_operators_get_in_with_one(made):
    url, tokens, _ = made
    conversation = requests.post(f"{url}/webhooks/web/conversations", timeout=30).json()
    reply = requests.post(f"{url}/webhooks/web/conversations/"
                          f"{conversation['conversation_id']}/messages",
                          json={"message": "Co to jest Plus Kod?"}, timeout=60)
    assert reply.status_code == 200 and "cyfrowe hasło" in reply.json()["messages"][0]["text"]
    assert requests.get(f"{url}/webhooks/web/", timeout=30).status_code == 200
    admin = bearer(tokens.issue(ADMIN, 5))
    assert requests.get(f"{url}/status", headers=admin, timeout=30).status_code == 200
    parsed = requests.post(f"{url}/model/parse", json={"text": "co to jest plus kod"},
                           headers=admin, timeout=30).json()
    assert parsed["intent"]["name"] == "faq"


def test_the_token_tool_mints_what_the_server_accepts(made, root):
    url, *_ = made
    result = subprocess.run([sys.executable, "-m", "tools.api_token", "--minutes", "1"],
                            cwd=root, capture_output=True, text=True, check=True)
    token = result.stdout.strip()
    assert requests.get(f"{url}/status", headers=bearer(token), timeout=30).status_code == 200
    assert requests.post(f"{url}/webhooks/rest/webhook", headers=bearer(token), timeout=60,
                         json={"sender": f"ops-{uuid.uuid4().hex[:6]}", "message": "hej"}
                         ).status_code == 200
    refused = subprocess.run([sys.executable, "-m", "tools.api_token", "--minutes", "0"],
                             cwd=root, capture_output=True, text=True)
    assert refused.returncode == 2 and "--minutes must be between" in refused.stderr
