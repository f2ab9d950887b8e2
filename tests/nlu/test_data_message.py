"""DataMessageClassifier on real Rasa messages."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from pluskod.nlu.data_message import DataMessageClassifier


def classified(text, intent="out_of_scope"):
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.7},
                            "intent_ranking": [{"name": intent, "confidence": 0.7},
                                               {"name": "inform", "confidence": 0.2}]})
    DataMessageClassifier(DataMessageClassifier.get_default_config()).process([message])
    return message.get("intent")["name"], [r["name"] for r in message.get("intent_ranking")]


@pytest.mark.parametrize("text", ["55 120", "48213", "7391", "600 100 200", "+48 600-100-200",
                                  " 0048600100200 ", "(600) 100.200"])
def test_digits_only_is_inform(text):
    assert classified(text) == ("inform", ["inform", "out_of_scope"])


@pytest.mark.parametrize("text", ["123", "mój kod to 48213", "PUK 12345678", "", "   ", "---"])
def test_anything_else_keeps_its_intent(text):
    assert classified(text)[0] == "out_of_scope"
