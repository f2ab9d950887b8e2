"""First component of the NLU pipeline: what a customer types is text, not a command.

Rasa treats any message that starts with ``/`` as a command (``/intent{"slot": "value"}``)
and skips NLU for it. Buttons need a few such payloads, so this component lets through only
the commands listed in ``allowed_commands`` (intent -> entity names it may carry; default
and contract: :data:`pluskod.core.names.BUTTON_COMMANDS`) and turns
any other ``/...`` message into plain text for the classifiers. It also caps the text the
pipeline looks at, so a huge message costs no more than ``max_characters``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from pluskod.core.names import BUTTON_COMMANDS, is_allowed_command


def neutralise(text: Text) -> Text:
    """Drop the leading slashes so Rasa's command parser leaves the text to NLU."""
    return text.lstrip().lstrip("/")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class InputGuard(GraphComponent):
    """Neutralises typed commands that are not button payloads and caps message length."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # None, not the commands themselves: Rasa merges a dict default with the configured
        # dict, so a configured list could then only add commands, never narrow them
        return {"allowed_commands": None, "max_characters": 1000}

    def __init__(self, config: Dict[Text, Any]) -> None:
        allowed = config.get("allowed_commands")
        self.allowed: Mapping[Text, Sequence[Text]] = dict(
            BUTTON_COMMANDS if allowed is None else allowed)
        self.max_characters: int = int(config["max_characters"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        return cls({**cls.get_default_config(), **config})

    def guard_text(self, text: Optional[Text]) -> Optional[Text]:
        if not text:
            return text
        if text.lstrip().startswith("/") and not is_allowed_command(text, self.allowed):
            text = neutralise(text)
        return text[: self.max_characters]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            guarded = self.guard_text(message.get(TEXT))
            if guarded != message.get(TEXT):
                message.set(TEXT, guarded)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
