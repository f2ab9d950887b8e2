"""FAQ actions: suggest the closest questions when understanding is uncertain, and answer a
question the customer picked from the buttons.

Question titles come from each FAQ answer's ``metadata.title`` in ``data/faq/<topic>.yml``,
so content editors keep a topic's question, answer and title in one file.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from pluskod.core.names import (
    FAQ_TOPIC_ENTITY,
    HANDOFF_INTENT,
    answer_ranking,
    choose_faq_payload,
    faq_response,
)

MAX_SUGGESTIONS = 3
CONSULTANT_BUTTON = {"title": "Konsultant", "payload": f"/{HANDOFF_INTENT}"}


def faq_title(domain: Dict[Text, Any], topic: Text) -> Optional[Text]:
    """The customer-facing question of a FAQ topic, or None for an unknown topic."""
    variations = domain.get("responses", {}).get(faq_response(topic)) or []
    for variation in variations:
        title = (variation.get("metadata") or {}).get("title")
        if title:
            return title
    return None


def closest_topics(latest_message: Dict[Text, Any]) -> List[Text]:
    """FAQ topics ranked by the response selector for the latest message, best first."""
    topics: List[Text] = []
    for answer in answer_ranking(latest_message.get("response_selector")):
        if answer.topic and answer.topic not in topics:
            topics.append(answer.topic)
    return topics


class ActionSuggestFaq(Action):
    """Answer to ``nlu_fallback``: offer the closest questions and a consultant (an empty
    message gets asked for its question instead)."""

    def name(self) -> Text:
        return "action_suggest_faq"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        if not (latest.get("text") or "").strip():
            dispatcher.utter_message(response="utter_empty_message")
            return []
        buttons = []
        for topic in closest_topics(latest):
            title = faq_title(domain, topic)
            if title:
                buttons.append({"title": title, "payload": choose_faq_payload(topic)})
            if len(buttons) == MAX_SUGGESTIONS:
                break
        if buttons:
            dispatcher.utter_message(
                response="utter_ask_rephrase", buttons=buttons + [CONSULTANT_BUTTON]
            )
        else:
            dispatcher.utter_message(response="utter_not_understood")
        return []


class ActionAnswerChosenFaq(Action):
    """Answer the FAQ topic chosen with a button (``/choose_faq{"faq_topic": ...}``)."""

    def name(self) -> Text:
        return "action_answer_chosen_faq"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        topic = next(tracker.get_latest_entity_values(FAQ_TOPIC_ENTITY), None)
        if topic and faq_title(domain, topic):
            dispatcher.utter_message(response=faq_response(topic))
        else:
            dispatcher.utter_message(response="utter_not_understood")
        return []
