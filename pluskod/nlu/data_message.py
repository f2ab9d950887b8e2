"""A message made only of digits and separators is the customer giving data: ``inform``.

When a form asks for a phone number or a Plus Kod, customers type ``600 100 200``, ``55 120``
or ``48213``. The classifiers see little in such text (digits become shape tokens, split
groups like ``55 120`` look like nothing they were trained on) and may call it
``out_of_scope`` or a FAQ question - and the forms do not take their slots from those intents.
This component runs after the classifiers and settles it: a message of digits, spaces and
``+ - ( ) .`` with at least ``min_digits`` digits is ``inform``, with full confidence.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

_DATA_ONLY = re.compile(r"^[\d\s+\-().]+$")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class DataMessageClassifier(GraphComponent):
    """Classifies digits-only messages as ``intent`` (default ``inform``)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": "inform", "min_digits": 4}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.intent: Text = config["intent"]
        self.min_digits: int = int(config["min_digits"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> DataMessageClassifier:
        return cls({**cls.get_default_config(), **config})

    def is_data(self, text: Text) -> bool:
        text = (text or "").strip()
        return bool(_DATA_ONLY.match(text)) and sum(c.isdigit() for c in text) >= self.min_digits

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not self.is_data(message.get(TEXT)):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get("name") != self.intent]
            message.set(INTENT, {"name": self.intent, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": self.intent, "confidence": 1.0}, *ranking],
                        add_to_output=True)
        return messages
