"""Intents and FAQ answers from one linear model over TF-IDF n-grams of the folded lemmas.

Why not DIET and the ResponseSelector: with a few thousand short examples, a linear SVM on
word (1-2) and character (2-4) n-grams, each block TF-IDF weighted and L2-normalised, read
the development sets better than both and trains in seconds (docs/nlu-history.md). The
normalisation is what matters: the same model on Rasa's raw n-gram counts did worse.

One model decides among the plain intents and every ``faq/<topic>`` at once, so there is no
second stage to disagree with the first (rasa issue 9723). Its scores are made into
probabilities by sigmoid calibration on cross-validated predictions, and the output has the
shape Rasa's own components give:

- ``intent``/``intent_ranking``: each intent's probability is the sum of its labels'
  (``faq`` = the probability that the message is one of the FAQ questions);
- ``response_selector.<retrieval intent>``: the FAQ answer, ranked by its probability
  *given* that the message is a FAQ question - what a ResponseSelector reports, and what
  ``ActionRetrieveResponse``, the FAQ-aware fallback and the suggestions read.

Saved with skops, as Rasa's own LogisticRegressionClassifier is: loading a model runs no
pickled code.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from typing import Any, Dict, List, Optional, Text, Tuple, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    TOKENS_NAMES,
)
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key

from pluskod.core.names import RETRIEVAL_INTENT

logger = logging.getLogger(__name__)

MODEL_FILE = "model.skops"
RESPONSES_FILE = "responses.json"
#: Types a saved model may hold beyond skops' default trust list (sklearn's private
#: calibration classes, scipy's sparse matrix of the IDF weights); anything else is refused.
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.")
#: Words as the lemmatizer writes them, shape lemmas such as ``__phone__`` included.
WORD_PATTERN = r"(?u)\b\w+\b"


class TrainingDataError(RasaException):
    """The training data cannot train this classifier (said in words an editor can act on)."""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Plain intents and retrieval-intent answers from one calibrated linear SVM."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "word_ngram_range": [1, 2],
            "char_ngram_range": [2, 4],
            # the SVM's regularisation; sklearn's default
            "C": 1.0,
            # folds of the cross-validation the probabilities are calibrated on
            "calibration_folds": 5,
            "retrieval_intent": RETRIEVAL_INTENT,
            "ranking_length": 10,
            "random_seed": 42,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, model: Any = None,
                 responses: Optional[Dict[Text, List[Dict[Text, Any]]]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.responses = responses or {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    # --- features -----------------------------------------------------------------------
    @staticmethod
    def lemma_text(message: Message) -> Text:
        """The message as the tokenizer's lemmas, space-separated ('' without tokens)."""
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        return " ".join(token.lemma for token in tokens)

    def _new_model(self, folds: int) -> Any:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, Pipeline
        from sklearn.svm import LinearSVC

        def tfidf(**options: Any) -> TfidfVectorizer:
            # sublinear counts and L2 norm per block, so neither block drowns the other
            return TfidfVectorizer(sublinear_tf=True, **options)

        features = FeatureUnion([
            ("words", tfidf(ngram_range=tuple(self.config["word_ngram_range"]),
                            token_pattern=WORD_PATTERN)),
            ("chars", tfidf(analyzer="char_wb",
                            ngram_range=tuple(self.config["char_ngram_range"]))),
        ])
        svm = LinearSVC(C=self.config["C"], random_state=self.config["random_seed"])
        # ensemble=False: one SVM on all the data, calibrated on cross-validated scores
        classifier = CalibratedClassifierCV(svm, cv=folds, method="sigmoid", ensemble=False)
        return Pipeline([("features", features), ("classifier", classifier)])

    # --- training -----------------------------------------------------------------------
    @staticmethod
    def label_of(message: Message) -> Optional[Text]:
        return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)

    def train(self, training_data: TrainingData) -> Resource:
        import numpy as np

        examples = [m for m in training_data.intent_examples if self.label_of(m)]
        texts = [self.lemma_text(m) for m in examples]
        labels = np.array([self.label_of(m) for m in examples])
        if len(set(labels)) < 2:
            raise TrainingDataError(
                "LinearIntentClassifier needs examples of at least two intents; "
                f"the training data has {len(set(labels))}.")
        counts = {label: int((labels == label).sum()) for label in set(labels)}
        scarce = sorted(label for label, count in counts.items() if count < 2)
        if scarce:
            raise TrainingDataError(
                "Each intent and FAQ topic needs at least 2 training examples; these have "
                f"one: {', '.join(scarce)}.")
        folds = min(self.config["calibration_folds"], min(counts.values()))
        self.model = self._new_model(folds).fit(texts, labels)
        self.responses = {key: list(variations)
                          for key, variations in training_data.responses.items()}
        self.persist()
        logger.debug("Trained on %d examples of %d labels.", len(texts), len(counts))
        return self._resource

    # --- prediction ---------------------------------------------------------------------
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = self.lemma_text(message)
            if self.model is None or not text.strip():
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                            add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            probabilities = self.model.predict_proba([text])[0]
            label_probabilities = dict(zip(self.model.classes_, map(float, probabilities)))
            self._set_intent(message, label_probabilities)
            self._set_answer(message, label_probabilities)
        return messages

    def _set_intent(self, message: Message, label_probabilities: Dict[Text, float]) -> None:
        by_intent: Dict[Text, float] = defaultdict(float)
        for label, probability in label_probabilities.items():
            by_intent[label.split("/", 1)[0]] += probability
        ranking = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                   for name, confidence in sorted(by_intent.items(), key=lambda i: -i[1])]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking[: self.config["ranking_length"]],
                    add_to_output=True)

    def _set_answer(self, message: Message, label_probabilities: Dict[Text, float]) -> None:
        retrieval_intent = self.config["retrieval_intent"]
        answers = self._answers_given_retrieval_intent(label_probabilities, retrieval_intent)
        if not answers:
            return
        best_key, best_confidence = answers[0]
        template = intent_response_key_to_template_key(best_key)
        selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        selectors[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [retrieval_intent]
        selectors[retrieval_intent] = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(template, []),
                PREDICTED_CONFIDENCE_KEY: best_confidence,
                INTENT_RESPONSE_KEY: best_key,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: template,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {INTENT_RESPONSE_KEY: key, PREDICTED_CONFIDENCE_KEY: confidence}
                for key, confidence in answers[: self.config["ranking_length"]]
            ],
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)

    @staticmethod
    def _answers_given_retrieval_intent(
        label_probabilities: Dict[Text, float], retrieval_intent: Text
    ) -> List[Tuple[Text, float]]:
        """The retrieval intent's answers, best first, with P(answer | retrieval intent)."""
        prefix = f"{retrieval_intent}/"
        answers = {k: p for k, p in label_probabilities.items() if k.startswith(prefix)}
        total = sum(answers.values())
        if not answers or total <= 0.0:
            return []
        return sorted(((k, p / total) for k, p in answers.items()), key=lambda a: -a[1])

    # --- persistence --------------------------------------------------------------------
    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)
            (directory / RESPONSES_FILE).write_text(
                json.dumps(self.responses, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        import skops.io as sio

        with model_storage.read_from(resource) as directory:
            path = directory / MODEL_FILE
            untrusted = sio.get_untrusted_types(file=path)
            unexpected = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
            if unexpected:
                raise RasaException(
                    f"{path.name} holds types this classifier never saves "
                    f"({', '.join(unexpected)}): retrain the model with `make train`.")
            model = sio.load(path, trusted=untrusted)
            responses = json.loads((directory / RESPONSES_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, model=model, responses=responses)
