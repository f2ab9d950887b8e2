"""The REST channel (``POST /webhooks/rest/webhook``) with the tracker-store guard.

Same URL and JSON as Rasa's ``rest`` channel; see :mod:`pluskod.channels.guard`.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from pluskod.channels.guard import DEFAULT_REQUIRED_STORE, attach


class StrictRestInput(RestInput):
    """Rasa's REST channel that refuses to serve without the required tracker store."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls((credentials or {}).get("required_tracker_store", DEFAULT_REQUIRED_STORE))

    def __init__(self, required_tracker_store: Text = DEFAULT_REQUIRED_STORE) -> None:
        self.required_tracker_store = required_tracker_store

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        attach(blueprint, self.required_tracker_store)
        return blueprint
