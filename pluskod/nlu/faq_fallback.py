"""``FallbackClassifier`` that also distrusts an uncertain FAQ answer.

Rasa 3.6 checks only the intent's confidence: ``faq`` can be near certain while the answer
chosen for it (``response_selector``, written here by the linear classifier as a
``ResponseSelector`` would) is a guess (rasa issue 9723), and the wrong answer goes out. This
subclass adds a threshold on the chosen answer's confidence, and an ambiguity margin between
the two best answers; either turns the prediction into ``nlu_fallback``, which the assistant
answers with the closest questions and a consultant.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from pluskod.core.names import RETRIEVAL_INTENT, answer_ranking, chosen_answer

RETRIEVAL_INTENT_KEY = "retrieval_intent"
RESPONSE_THRESHOLD_KEY = "response_selector_threshold"
RESPONSE_AMBIGUITY_KEY = "response_selector_ambiguity_threshold"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class FaqAwareFallbackClassifier(FallbackClassifier):
    """Falls back on low intent confidence *or* an uncertain retrieval answer."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **FallbackClassifier.get_default_config(),
            RETRIEVAL_INTENT_KEY: RETRIEVAL_INTENT,
            RESPONSE_THRESHOLD_KEY: 0.5,
            RESPONSE_AMBIGUITY_KEY: 0.0,
        }

    def _should_fallback(self, message: Message) -> bool:
        return super()._should_fallback(message) or self.answer_uncertain(message)

    def answer_uncertain(self, message: Message) -> bool:
        """True when the intent is the retrieval intent and its answer is not trusted."""
        retrieval_intent = self.component_config[RETRIEVAL_INTENT_KEY]
        if message.get(INTENT, {}).get(INTENT_NAME_KEY) != retrieval_intent:
            return False
        best, runner_up = self._answer_confidences(message, retrieval_intent)
        if best is None:
            return True
        if best < self.component_config[RESPONSE_THRESHOLD_KEY]:
            return True
        margin = self.component_config[RESPONSE_AMBIGUITY_KEY]
        return runner_up is not None and best - runner_up < margin

    @staticmethod
    def _answer_confidences(
        message: Message, retrieval_intent: Text
    ) -> Tuple[Optional[float], Optional[float]]:
        selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME)
        chosen = chosen_answer(selectors, retrieval_intent)
        if chosen is None:
            return None, None
        ranking = answer_ranking(selectors, retrieval_intent)
        return chosen.confidence, ranking[1].confidence if len(ranking) > 1 else None
