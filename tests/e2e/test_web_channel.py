"""The web chat channel over HTTP against the running servers."""

import pytest
import requests

from tests.conftest import PARTNER_ORIGIN

pytestmark = pytest.mark.slow


@pytest.fixture
def web(servers):
    return f"{servers.rasa_url}/webhooks/web"


def start(web, **headers):
    response = requests.post(f"{web}/conversations", headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["conversation_id"]


def say(web, conversation, text, **headers):
    return requests.post(f"{web}/conversations/{conversation}/messages",
                         json={"message": text}, headers=headers, timeout=60)


def test_a_question_gets_texts_and_buttons(web):
    reply = say(web, start(web), "Co to jest Plus Kod?")
    assert reply.status_code == 200
    body = reply.json()
    assert "cyfrowe hasło" in body["messages"][0]["text"] and body["secret_input"] is False
    assert {"title", "payload"} <= set(body["messages"][0]["buttons"][0])


def test_the_code_prompt_sets_the_secret_flag_and_the_transcript_masks_the_code(web):
    conversation = start(web)
    assert say(web, conversation, "chcę się zweryfikować").json()["secret_input"] is False
    assert say(web, conversation, "600 100 200").json()["secret_input"] is True
    verified = say(web, conversation, "48213").json()
    assert "Plus Kod 5 jest poprawny" in verified["messages"][0]["text"]
    assert verified["secret_input"] is False
    history = requests.get(f"{web}/conversations/{conversation}", timeout=30)
    texts = [m["text"] for m in history.json()["messages"]]
    assert "48213" not in history.text and "•••••" in texts and "600 100 200" in texts


@pytest.mark.parametrize("conversation", ["made-up-id", "abc.def"])
def test_a_conversation_the_server_did_not_issue_is_refused(web, conversation):
    assert say(web, conversation, "hej").status_code == 404
    assert requests.get(f"{web}/conversations/{conversation}", timeout=30).status_code == 404


def test_a_huge_message_gets_a_polite_refusal(web):
    reply = say(web, start(web), "a" * 5000)
    assert reply.status_code == 413 and "za długa" in reply.json()["messages"][0]["text"]


def test_broken_json_is_a_clear_400(web):
    conversation = start(web)
    reply = requests.post(f"{web}/conversations/{conversation}/messages", data="{not json",
                          headers={"Content-Type": "application/json"}, timeout=30)
    assert reply.status_code == 400 and "message" in reply.json()["error"]


def test_another_origin_is_refused_and_the_own_origin_accepted(web, servers):
    assert requests.post(f"{web}/conversations", headers={"Origin": "https://evil.example"},
                         timeout=30).status_code == 403
    own = servers.rasa_url
    assert start(web, Origin=own)
    reply = requests.post(f"{web}/conversations", headers={"Origin": own}, timeout=30)
    assert "Access-Control-Allow-Origin" not in reply.headers       # same origin needs none


def test_the_page_and_the_widget_are_served_with_security_headers(web):
    page = requests.get(f"{web}/", timeout=30)
    widget = requests.get(f"{web}/static/widget.js", timeout=30)
    assert page.status_code == widget.status_code == 200
    assert "Co to jest Plus Kod?" in page.text
    assert page.headers["Content-Type"].startswith("text/html")
    assert widget.headers["Content-Type"].startswith("text/javascript")
    for reply in (page, widget, requests.post(f"{web}/conversations", timeout=30)):
        csp = reply.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Referrer-Policy"] == "no-referrer"
        assert "Set-Cookie" not in reply.headers


@pytest.mark.parametrize("name", ["../credentials.yml", "index.html", "nope.js"])
def test_only_the_widget_files_are_served(web, name):
    # "../credentials.yml" leaves the web chat's routes: the HTTP guard answers that path
    reply = requests.get(f"{web}/static/{name}", timeout=30)
    assert reply.status_code in (401, 404) and "StrictRestInput" not in reply.text


def test_an_allowed_partner_origin_gets_cors_headers(web):
    preflight = requests.options(f"{web}/conversations", timeout=30, headers={
        "Origin": PARTNER_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)      # Rasa's sanic-cors answers it first
    assert preflight.headers["Access-Control-Allow-Origin"] == PARTNER_ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    conversation = start(web, Origin=PARTNER_ORIGIN)
    reply = say(web, conversation, "Co to jest Plus Kod?", Origin=PARTNER_ORIGIN)
    assert reply.status_code == 200
    assert reply.headers["Access-Control-Allow-Origin"] == PARTNER_ORIGIN


def test_a_foreign_preflight_gets_no_cors_headers(web):
    preflight = requests.options(f"{web}/conversations", timeout=30, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
