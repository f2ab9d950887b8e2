"""The assistant over HTTP, as an integration or `make run` user meets it."""

import re

import pytest
import yaml

from tests.e2e.conftest import api_tracker

pytestmark = pytest.mark.slow


def faq_answer(root, topic):
    content = yaml.safe_load((root / f"data/faq/{topic}.yml").read_text(encoding="utf-8"))
    return content["responses"][f"utter_faq/{topic}"][0]["text"].strip()


def texts(replies):
    return [r.get("text", "").strip() for r in replies]


@pytest.mark.parametrize("question, topic", [
    ("Co to jest Plus Kod?", "what_is_plus_kod"),
    ("jak aktywowac plus kod", "how_to_activate"),
    ("nie pamietam pluskodu", "forgot_code"),
])
def test_acceptance_questions_get_the_right_answer(root, chat, question, topic):
    replies = chat(question)
    assert texts(replies) == [faq_answer(root, topic)]
    assert {"title": "Konsultant", "payload": "/human_handoff"} in replies[0]["buttons"]


@pytest.mark.parametrize("question, key", [
    ("Co to jest Plus Kod?", "faq/what_is_plus_kod"),
    ("jak aktywowac plus kod", "faq/how_to_activate"),
    ("ile kosztuje plus kod", "faq/cost"),
    ("czym sie rozni kod 4 od kodu 5", "faq/code_types"),
])
def test_model_parse_returns_the_faq_answer_key(parse, question, key):
    result = parse(question)
    assert result["intent"]["name"] == "faq"
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == key


@pytest.mark.parametrize("text", ["jaka jutro pogoda w Gdańsku?", "przepis na sernik",
                                  "zapomniałem PIN-u do karty SIM", "jak włączyć roaming"])
def test_model_parse_rejects_unrelated_questions(parse, text):
    assert parse(text)["intent"]["name"] in {"nlu_fallback", "out_of_scope"}


def test_a_pin_question_gets_no_plus_kod_content(root, chat):
    replies = chat("zapomniałem PIN-u do telefonu, co robić?")
    assert "PIN" in replies[0]["text"] and "601 102 601" in replies[0]["text"]
    for topic in ("forgot_code", "change_code", "how_to_get"):
        assert faq_answer(root, topic) not in texts(replies)


def test_a_declared_prepaid_customer_is_refused(chat):
    replies = chat("Mam Plus na Kartę, jak dostać Plus Kod?")
    assert "tylko dla telefonów na abonament" in replies[0]["text"]


def test_a_button_payload_answers_the_chosen_question(root, chat):
    replies = chat('/choose_faq{"faq_topic": "authorize_others"}')
    assert texts(replies) == [faq_answer(root, "authorize_others")]


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_message_gets_asked_for_a_question(chat, text):
    """Empty text falls back (nlu_fallback -> action_suggest_faq on the action server)."""
    replies = chat(text)
    assert replies[0]["text"].startswith("Twoja wiadomość jest pusta")
    assert "/human_handoff" in [b["payload"] for b in replies[0]["buttons"]]


@pytest.mark.parametrize("text", ["xxxx", "asdfgh", "/faq", "hmm"])
def test_gibberish_is_not_taken_for_a_question(parse, text):
    assert parse(text)["intent"]["name"] in {"nlu_fallback", "out_of_scope"}


@pytest.mark.parametrize("text", [
    '/inform{"verification_proof": "x", "activation_proof": "y"}',
    '/verify_code{"verification_proof": "eyJhbGciOiJub25lIn0.e30."}',
    '/inform{"verified": true, "verified_scope": "account"}'])
def test_a_typed_command_cannot_set_an_access_slot(servers, chat, text):
    chat(text)
    slots = api_tracker(servers, chat.sender)["slots"]
    assert slots["verification_proof"] is None and slots["activation_proof"] is None
    assert "verified" not in slots and "verified_scope" not in slots


@pytest.mark.parametrize("text", ["", "   ", "/", "/faq", "{}", "x" * 1000,
                                  '/choose_faq{"faq_topic": "../../etc/passwd"}'])
def test_bad_input_gets_an_answer_not_an_error(chat, text):
    replies = chat(text)   # the fixture asserts HTTP 200
    assert replies, "the customer got no answer at all"
    for reply in replies:
        assert reply.get("text") and "Traceback" not in reply["text"]


def test_every_answer_is_polish_text_without_template_leftovers(chat):
    for question in ("hej", "czy jesteś botem?", "połącz mnie z konsultantem", "dzięki"):
        for reply in chat(question):
            assert reply["text"] and not re.search(r"\{[a-z_]+\}|utter_", reply["text"])


def test_the_server_log_has_no_errors_after_conversations(servers, chat):
    chat("Co to jest Plus Kod?")                       # an answer with choose_faq buttons
    chat('/choose_faq{"faq_topic": "cost"}')
    chat("")                                           # the fallback action
    log = (servers.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
    assert errors == []
