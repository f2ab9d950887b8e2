"""Finding 7: weak limits. Huge REST messages were accepted and stored, web conversations were
usable through the REST channel without their signature, a missing sender was the shared
conversation "default", and a client could put anything in the stored metadata."""

import pytest
import requests

from pluskod.channels.rest import SENDER, conversation_id
from pluskod.core.directory import Attempts
from pluskod.core.tokens import INTEGRATION, bearer
from tests.security.conftest import Customer, server_directory
from tools.serve import TOKEN_NAME

pytestmark = pytest.mark.slow


def rest(servers, body, headers=None):
    return requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", json=body, timeout=60,
                         headers=servers.integration_headers() if headers is None else headers)


def user_texts(servers, tracker_id):
    tracker = requests.get(f"{servers.rasa_url}/conversations/{tracker_id}/tracker",
                           headers=servers.admin_headers(), timeout=30).json()
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def rest_texts(servers, sender):
    return user_texts(servers, conversation_id(TOKEN_NAME, sender))


@pytest.mark.parametrize("size", [1001, 20_000, 200_000])
def test_a_long_rest_message_gets_the_web_chats_answer_and_is_not_stored(attacked, size):
    reply = rest(attacked, {"sender": f"long-{size}", "message": "x" * size})
    if size < 16 * 1024:     # the channel reads it, and answers as the web chat does
        assert reply.status_code == 413 and reply.json()[0]["text"].startswith(
            "Twoja wiadomość jest za długa – mogę przyjąć najwyżej 1000 znaków")
    else:  # the body alone is over the channel's 16 KiB
        assert reply.status_code == 413 and reply.json() == {"error": "request too large"}
    assert rest_texts(attacked, f"long-{size}") == []


def test_a_thousand_characters_are_still_fine(attacked):
    reply = rest(attacked, {"sender": "long-ok", "message": "ą" * 1000})
    assert reply.status_code == 200 and rest_texts(attacked, "long-ok") == ["ą" * 1000]


def test_a_web_conversation_cannot_be_reached_through_the_rest_channel(attacked):
    """Every REST conversation's id is rest:<integration>:<sender>, whatever the sender."""
    web = Customer(attacked, "web")
    web.say("chcę się zweryfikować")
    for sender in (web.sender, web.conversation_id, f"{web.sender}.x"):
        reply = rest(attacked, {"sender": sender, "message": "600 100 200"})
        if not SENDER.fullmatch(sender):   # a random id may start with "-" or "_": refused
            assert reply.status_code == 400, reply.text
            continue
        assert reply.status_code == 200 and reply.json()[0]["recipient_id"] == sender
        assert rest_texts(attacked, sender) == ["600 100 200"]
    assert user_texts(attacked, web.sender) == ["chcę się zweryfikować"]


def test_one_integration_cannot_write_into_anothers_conversation(attacked):
    """An integration's conversation, and the proof it holds, are its own: another
    integration using the same sender id talks in a conversation of its own."""
    crm = bearer(attacked.tokens.issue(INTEGRATION, 5, username="crm"))
    evil = bearer(attacked.tokens.issue(INTEGRATION, 5, username="evil"))
    for text in ("chcę aktywować kod", "600 200 300", "55120"):
        rest(attacked, {"sender": "anna", "message": text}, headers=crm)
    answers = [rest(attacked, {"sender": "anna", "message": "37195"}, headers=evil).json()
               for _ in range(2)]
    assert "jest aktywny" not in str(answers)
    assert len(user_texts(attacked, "rest:evil:anna")) == 2
    assert len(user_texts(attacked, "rest:crm:anna")) == 3
    finish = [rest(attacked, {"sender": "anna", "message": "37195"}, headers=crm).json()
              for _ in range(2)]
    assert "jest aktywny" in str(finish)                     # the owner's proof still holds


@pytest.mark.parametrize("body, status", [
    ({"message": "hej"}, 400),                                  # no sender: not "default"
    ({"sender": "", "message": "hej"}, 400),
    ({"sender": None, "message": "hej"}, 400),
    ({"sender": "a" * 65, "message": "hej"}, 400),
    ({"sender": "../../x", "message": "hej"}, 400),
    ({"sender": "anna\n", "message": "hej"}, 400),
    ({"sender": "ａnna", "message": "hej"}, 400),              # a full-width look-alike
    ({"sender": "anna", "message": 12345}, 400),
    ({"sender": "anna", "message": {"text": "hej"}}, 400),
    ({"sender": "anna"}, 400),
    ({"sender": "anna", "message": "hej", "client": ""}, 400),
    ({"sender": "anna", "message": "hej", "client": "c" * 129}, 400),
    (["sender", "message"], 400),
])
def test_malformed_rest_requests_get_a_clear_error(attacked, body, status):
    reply = rest(attacked, body)
    assert reply.status_code == status and "error" in reply.json()
    assert "Traceback" not in reply.text
    assert rest_texts(attacked, "default") == []


def test_broken_json_gets_a_clear_error(attacked):
    reply = requests.post(f"{attacked.rasa_url}/webhooks/rest/webhook", data="{not json",
                          headers=attacked.integration_headers(), timeout=30)
    assert reply.status_code == 400 and "send JSON" in reply.json()["error"]


def test_what_a_client_sends_besides_its_message_is_not_stored(attacked):
    reply = rest(attacked, {"sender": "meta", "message": "hej", "input_channel": "web",
                            "metadata": {"client": "forged", "note": "48213", "verified": True}})
    assert reply.status_code == 200
    tracker = requests.get(f"{attacked.rasa_url}/conversations/"
                           f"{conversation_id(TOKEN_NAME, 'meta')}/tracker",
                           headers=attacked.admin_headers(), timeout=30).json()
    user = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert user["input_channel"] == "rest"
    assert set(user["metadata"]) <= {"client", "model_id", "assistant_id"}
    assert user["metadata"]["client"] != "forged" and user["metadata"]["client"].isalpha()


def test_the_rest_channel_needs_an_integration_token(attacked):
    body = {"sender": "anna", "message": "hej"}
    assert rest(attacked, body, headers={}).status_code == 401
    assert rest(attacked, body, headers=attacked.admin_headers()).status_code == 200
    assert requests.get(f"{attacked.rasa_url}/webhooks/rest/", timeout=30).status_code == 401


def test_attempt_rows_hold_no_number_and_no_conversation(attacked):
    customer = Customer(attacked)
    customer.at_code_prompt("699 123 456")
    customer.say("11111")
    directory = server_directory(attacked)
    with directory.engine.connect() as connection:
        rows = repr(connection.execute(Attempts.__table__.select()).all())
    assert rows.count("kod5:") == 1 and "699123456" not in rows
    assert customer.sender not in rows and customer.client not in rows


@pytest.mark.parametrize("body", [
    {"sender": "anna", "message": "\ud800"},
    {"sender": "anna", "message": "hej", "client": "\udfff"},
])
def test_text_that_cannot_be_stored_is_refused_not_crashed_on(attacked, body):
    reply = rest(attacked, body)
    assert reply.status_code == 400 and "error" in reply.json()


def test_the_web_chat_refuses_text_that_cannot_be_stored(attacked):
    web = Customer(attacked, "web")
    reply = requests.post(f"{attacked.rasa_url}/webhooks/web/conversations/"
                          f"{web.conversation_id}/messages", json={"message": "a\ud800"},
                          headers=web.forwarded(), timeout=30)
    assert reply.status_code == 400 and "Traceback" not in reply.text
