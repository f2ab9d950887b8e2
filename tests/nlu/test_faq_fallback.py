"""The fallback gate on real Rasa messages shaped like the pipeline leaves them."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from pluskod.nlu.faq_fallback import FaqAwareFallbackClassifier


def gate(**overrides):
    config = {**FaqAwareFallbackClassifier.get_default_config(),
              "threshold": 0.5, "ambiguity_threshold": 0.1,
              "response_selector_threshold": 0.5,
              "response_selector_ambiguity_threshold": 0.1, **overrides}
    return FaqAwareFallbackClassifier(config)


def message(intent="faq", intent_confidence=0.99, answers=None,
            second_intent=0.01):
    answers = answers if answers is not None else [("faq/cost", 0.9), ("faq/how_to_get", 0.05)]
    data = {
        "text": "ile to kosztuje",
        "intent": {"name": intent, "confidence": intent_confidence},
        "intent_ranking": [{"name": intent, "confidence": intent_confidence},
                           {"name": "out_of_scope", "confidence": second_intent}],
    }
    if answers:
        data["response_selector"] = {"faq": {
            "response": {"intent_response_key": answers[0][0], "confidence": answers[0][1]},
            "ranking": [{"intent_response_key": k, "confidence": c} for k, c in answers],
        }}
    return Message(data=data)


def predicted(classifier, msg):
    classifier.process([msg])
    return msg.get("intent")["name"]


def test_a_confident_faq_answer_goes_out():
    assert predicted(gate(), message()) == "faq"


def test_a_confident_intent_with_an_uncertain_answer_falls_back():
    """rasa issue 9723: faq at 0.99, chosen answer at 0.2."""
    msg = message(answers=[("faq/cost", 0.2), ("faq/how_to_get", 0.15)])
    assert predicted(gate(), msg) == "nlu_fallback"


def test_two_answers_too_close_to_call_fall_back():
    msg = message(answers=[("faq/cost", 0.52), ("faq/how_to_get", 0.47)])
    assert predicted(gate(), msg) == "nlu_fallback"


def test_a_faq_without_any_selected_answer_falls_back():
    assert predicted(gate(), message(answers=[])) == "nlu_fallback"


def test_a_low_intent_confidence_still_falls_back_as_in_rasa():
    msg = message(intent="greet", intent_confidence=0.3, answers=[])
    assert predicted(gate(), msg) == "nlu_fallback"


def test_other_intents_ignore_the_answer_threshold():
    msg = message(intent="greet", answers=[("faq/cost", 0.1), ("faq/how_to_get", 0.09)])
    assert predicted(gate(), msg) == "greet"


def test_the_gate_keeps_the_faq_ranking_for_suggestions():
    msg = message(answers=[("faq/cost", 0.2), ("faq/how_to_get", 0.15)])
    gate().process([msg])
    ranking = msg.get("response_selector")["faq"]["ranking"]
    assert [r["intent_response_key"] for r in ranking] == ["faq/cost", "faq/how_to_get"]
    assert msg.get("intent_ranking")[0]["name"] == "nlu_fallback"


@pytest.mark.parametrize("threshold, expected", [(0.95, "nlu_fallback"), (0.85, "faq")])
def test_the_answer_threshold_is_configurable(threshold, expected):
    classifier = gate(response_selector_threshold=threshold,
                      response_selector_ambiguity_threshold=0.0)
    assert predicted(classifier, message()) == expected
