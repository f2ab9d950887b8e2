"""The shared names' grammar and readers, on the shapes Rasa really produces."""

import pytest

from pluskod.core.names import (
    BUTTON_COMMANDS,
    Command,
    RankedAnswer,
    answer_ranking,
    choose_faq_payload,
    chosen_answer,
    faq_response,
    is_allowed_command,
    parse_command,
)


def test_a_faq_button_payload_is_an_allowed_command_of_the_topic():
    payload = choose_faq_payload("how_to_get")
    assert payload == '/choose_faq{"faq_topic": "how_to_get"}'
    assert parse_command(payload) == Command("choose_faq", {"faq_topic": "how_to_get"})
    assert is_allowed_command(payload)
    assert faq_response("how_to_get") == "utter_faq/how_to_get"


@pytest.mark.parametrize("text, allowed", [
    ("/verify_code", True), ("  /human_handoff  ", True), ("/deny{}", True),
    ('/choose_faq{"faq_topic": "x"}', True),
    ('/choose_faq{"phone_number": "600100200"}', False),     # an entity it may not carry
    ('/verify_code{"plus_kod": "48213"}', False),
    ('/choose_faq{"faq_topic": 5}', False), ('/choose_faq{"faq_topic": "x"', False),
    ("/restart", False), ("/session_start", False), ("/nlu_fallback", False),
    ("verify_code", False), ("/", False), ("/1abc", False), ('/choose_faq["x"]', False),
])
def test_only_button_commands_with_their_entities_are_allowed(text, allowed):
    assert is_allowed_command(text) is allowed
    assert is_allowed_command(text, BUTTON_COMMANDS) is allowed


def test_the_answer_ranking_is_read_from_the_retrieval_intent_or_default():
    selector = {"response": {"intent_response_key": "faq/a", "confidence": 0.7},
                "ranking": [{"intent_response_key": "faq/a", "confidence": 0.7},
                            {"intent_response_key": "faq/b", "confidence": 0.2}]}
    for selectors in ({"faq": selector}, {"default": selector}):
        assert chosen_answer(selectors) == RankedAnswer("faq/a", 0.7)
        assert answer_ranking(selectors) == [RankedAnswer("faq/a", 0.7),
                                             RankedAnswer("faq/b", 0.2)]
        assert [a.topic for a in answer_ranking(selectors)] == ["a", "b"]
    assert chosen_answer(None) is None and answer_ranking({}) == []
    assert RankedAnswer("other/a", 0.1).topic is None
