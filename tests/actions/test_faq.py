"""FAQ actions with real rasa_sdk objects and the domain as the Rasa server sends it."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerChosenFaq, ActionSuggestFaq, closest_topics

FAQ_TOPICS = ["what_is_plus_kod", "how_to_get", "how_to_activate", "code_types", "availability",
              "cost", "security", "forgot_code", "change_code", "authorize_others"]


@pytest.fixture(scope="module")
def domain(root):
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / "domain.yml"), [str(root / "data")])
    return importer.get_domain().as_dict()


def tracker(latest_message):
    return Tracker.from_dict({
        "sender_id": "test", "slots": {}, "latest_message": latest_message, "events": [],
        "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    })


def run(action, latest_message, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(latest_message), domain))
    return dispatcher.messages, events


def fallback_message(*keys):
    return {
        "text": "cos o kodzie",
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "response_selector": {"faq": {"ranking": [
            {"intent_response_key": k, "confidence": 0.3} for k in keys]}},
        "entities": [],
    }


def test_every_faq_topic_has_a_title_for_suggestions(domain):
    for topic in FAQ_TOPICS:
        variations = domain["responses"][f"utter_faq/{topic}"]
        assert variations[0]["metadata"]["title"], topic


def test_suggestions_are_the_three_closest_questions_and_a_consultant(domain):
    messages, events = run(ActionSuggestFaq(), fallback_message(
        "faq/forgot_code", "faq/how_to_get", "faq/cost", "faq/security"), domain)
    assert events == []
    assert messages[0]["response"] == "utter_ask_rephrase"
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [
        '/choose_faq{"faq_topic": "forgot_code"}', '/choose_faq{"faq_topic": "how_to_get"}',
        '/choose_faq{"faq_topic": "cost"}', "/human_handoff"]
    title = domain["responses"]["utter_faq/forgot_code"][0]["metadata"]["title"]
    assert buttons[0]["title"] == title


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_message_is_told_so(domain, text):
    latest = {**fallback_message("faq/cost"), "text": text}
    messages, _ = run(ActionSuggestFaq(), latest, domain)
    assert [m["response"] for m in messages] == ["utter_empty_message"]


def test_without_any_ranking_the_customer_is_asked_to_rephrase(domain):
    messages, _ = run(ActionSuggestFaq(), {"text": "???", "intent": {}, "entities": []}, domain)
    assert [m["response"] for m in messages] == ["utter_not_understood"]


def test_unknown_topics_in_the_ranking_are_skipped(domain):
    messages, _ = run(ActionSuggestFaq(), fallback_message("faq/no_such_topic", "faq/cost"), domain)
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/choose_faq{"faq_topic": "cost"}', "/human_handoff"]


@pytest.mark.parametrize("topic", FAQ_TOPICS)
def test_a_chosen_topic_is_answered_with_its_response(domain, topic):
    latest = {"text": f'/choose_faq{{"faq_topic": "{topic}"}}',
              "intent": {"name": "choose_faq", "confidence": 1.0},
              "entities": [{"entity": "faq_topic", "value": topic}]}
    messages, _ = run(ActionAnswerChosenFaq(), latest, domain)
    assert [m["response"] for m in messages] == [f"utter_faq/{topic}"]


@pytest.mark.parametrize("entities", [[], [{"entity": "faq_topic", "value": "../../etc"}]])
def test_a_missing_or_unknown_topic_gets_a_polite_answer(domain, entities):
    latest = {"text": "/choose_faq", "intent": {"name": "choose_faq"}, "entities": entities}
    messages, _ = run(ActionAnswerChosenFaq(), latest, domain)
    assert [m["response"] for m in messages] == ["utter_not_understood"]


def test_closest_topics_reads_the_selector_ranking():
    assert closest_topics(fallback_message("faq/cost", "faq/cost", "faq/how_to_get")) == [
        "cost", "how_to_get"]
    assert closest_topics({}) == []
