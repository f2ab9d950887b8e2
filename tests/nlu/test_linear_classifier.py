"""The linear intent-and-answer classifier, trained on a small real TrainingData, with Rasa's
own tokenizer, model storage and fallback gate around it."""

import pytest
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from pluskod.nlu.faq_fallback import FaqAwareFallbackClassifier
from pluskod.nlu.linear_classifier import (
    MODEL_FILE,
    LinearIntentClassifier,
    TrainingDataError,
)

EXAMPLES = {
    "faq/forgot_code": ["zapomniałem kodu", "nie pamiętam kodu", "zgubiłem kod co teraz",
                        "kod wyleciał mi z głowy", "jak odzyskać zapomniany kod"],
    "faq/cost": ["ile kosztuje kod", "czy kod jest płatny", "jaka jest cena kodu",
                 "czy za kod się płaci", "kod jest darmowy"],
    "greet": ["dzień dobry", "cześć", "witam", "hej", "dobry wieczór"],
    "out_of_scope": ["jaka jest pogoda", "zamów pizzę", "kto wygrał mecz",
                     "opowiedz dowcip", "ile waży słoń"],
}
RESPONSES = {"utter_faq/forgot_code": [{"text": "Zadzwoń do konsultanta."}],
             "utter_faq/cost": [{"text": "Źródła nie podają ceny."}]}


def tokenized(messages):
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


def training_data(examples=EXAMPLES):
    messages = []
    for label, texts in examples.items():
        intent, _, answer = label.partition("/")
        for text in texts:
            data = {"text": text, "intent": intent}
            if answer:
                data["intent_response_key"] = label
            messages.append(Message(data=data))
    return TrainingData(training_examples=tokenized(messages), responses=RESPONSES)


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "storage").mkdir()
    return LocalModelStorage(tmp_path / "storage")


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture
def resource():
    return Resource("linear_classifier")


@pytest.fixture
def trained(storage, resource, context):
    classifier = LinearIntentClassifier.create(
        {**LinearIntentClassifier.get_default_config(), "calibration_folds": 3},
        storage, resource, context)
    classifier.train(training_data())
    return classifier


def parse(classifier, text):
    message = tokenized([Message(data={"text": text})])[0]
    classifier.process([message])
    return message


def test_a_faq_question_gets_the_faq_intent_and_its_answer(trained):
    message = parse(trained, "nie pamiętam kodu")
    assert message.get("intent")["name"] == "faq"
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/forgot_code"
    assert selected["utter_action"] == "utter_faq/forgot_code"
    assert selected["responses"] == RESPONSES["utter_faq/forgot_code"]
    assert message.get("response_selector")["all_retrieval_intents"] == ["faq"]


def test_a_plain_intent_comes_out_as_itself(trained):
    assert parse(trained, "dzień dobry").get("intent")["name"] == "greet"
    assert parse(trained, "jaka pogoda jutro").get("intent")["name"] == "out_of_scope"


def test_the_faq_intent_has_the_summed_probability_of_its_answers(trained):
    message = parse(trained, "ile kosztuje kod")
    probabilities = dict(zip(trained.model.classes_,
                             trained.model.predict_proba([message.get("text")])[0]))
    faq = sum(p for label, p in probabilities.items() if label.startswith("faq/"))
    ranking = {r["name"]: r["confidence"] for r in message.get("intent_ranking")}
    assert ranking["faq"] == pytest.approx(faq)
    assert ranking["greet"] == pytest.approx(probabilities["greet"])
    assert sum(ranking.values()) == pytest.approx(1.0)
    assert message.get("intent")["confidence"] == max(ranking.values())


def test_answers_are_ranked_by_their_probability_given_a_faq_question(trained):
    message = parse(trained, "ile kosztuje kod")
    probabilities = dict(zip(trained.model.classes_,
                             trained.model.predict_proba([message.get("text")])[0]))
    faq = probabilities["faq/cost"] + probabilities["faq/forgot_code"]
    selector = message.get("response_selector")["faq"]
    ranking = selector["ranking"]
    assert [r["intent_response_key"] for r in ranking] == ["faq/cost", "faq/forgot_code"]
    assert ranking[0]["confidence"] == pytest.approx(probabilities["faq/cost"] / faq)
    assert selector["response"]["confidence"] == ranking[0]["confidence"]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_the_answer_ranking_is_there_even_when_the_intent_is_not_faq(trained):
    # the fallback's suggestions read it whatever the intent
    message = parse(trained, "cześć")
    assert message.get("intent")["name"] == "greet"
    assert len(message.get("response_selector")["faq"]["ranking"]) == 2


def test_a_message_without_words_gets_no_intent_instead_of_an_error(trained):
    message = parse(trained, "")
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_the_fallback_gate_distrusts_an_answer_the_model_is_unsure_of(trained):
    gate = FaqAwareFallbackClassifier({**FaqAwareFallbackClassifier.get_default_config(),
                                       "threshold": 0.0, "ambiguity_threshold": 0.0,
                                       "response_selector_threshold": 0.99})
    message = parse(trained, "kod")
    assert message.get("intent")["name"] == "faq"
    gate.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_saved_model_loads_and_answers_the_same(trained, storage, resource, context):
    loaded = LinearIntentClassifier.load(trained.config, storage, resource, context)
    for text in ["nie pamiętam kodu", "cześć", "ile to kosztuje"]:
        before, after = parse(trained, text), parse(loaded, text)
        assert after.get("intent") == before.get("intent")
        assert after.get("response_selector") == before.get("response_selector")


def test_a_saved_model_holding_a_foreign_function_is_refused(trained, storage, resource,
                                                             context):
    with storage.write_to(resource) as directory:
        sio.dump(Pipeline([("f", FunctionTransformer(func=print))]), directory / MODEL_FILE)
    with pytest.raises(RasaException, match=r"builtins\.print.*retrain the model"):
        LinearIntentClassifier.load(trained.config, storage, resource, context)


def test_a_topic_with_one_example_is_named_in_the_error(storage, resource, context):
    examples = {**EXAMPLES, "faq/change_code": ["jak zmienić kod"]}
    classifier = LinearIntentClassifier.create({}, storage, resource, context)
    with pytest.raises(TrainingDataError, match="faq/change_code"):
        classifier.train(training_data(examples))


def test_fewer_examples_than_folds_calibrate_on_fewer_folds(storage, resource, context):
    examples = {label: texts[:2] for label, texts in EXAMPLES.items()}
    classifier = LinearIntentClassifier.create({}, storage, resource, context)
    classifier.train(training_data(examples))
    assert classifier.model.named_steps["classifier"].cv == 2


def test_training_is_repeatable(storage, resource, context):
    first = LinearIntentClassifier.create({}, storage, resource, context)
    second = LinearIntentClassifier.create({}, storage, resource, context)
    first.train(training_data())
    second.train(training_data())
    text = ["czy płaci się za kod"]
    assert (first.model.predict_proba(text) == second.model.predict_proba(text)).all()
