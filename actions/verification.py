"""Verification conversation (``verify_code``): phone number, then Plus Kod, checked against
the directory.

* Prepaid numbers (na Kartę, Mix) are refused before any code is asked.
* An unknown number is treated exactly like a known one: same messages, counted attempts,
  same hashing work (see :class:`actions.directory.CustomerDirectory`).
* The code is checked in the turn it is typed and never kept: the slot is replaced by a mask,
  and the redacting tracker store masks the message itself.
* A conversation that failed ``CONVERSATION_LIMIT`` times, on any numbers, stops taking codes.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.code_forms import CONVERSATION_LIMIT, MASK, DirectoryFormValidation
from actions.directory import Outcome

__all__ = ["CONVERSATION_LIMIT", "ValidateVerificationForm", "ActionFinishVerification"]


class ValidateVerificationForm(DirectoryFormValidation):
    """Validates ``verification_form``: ``phone_number`` then ``plus_kod``."""

    FINAL_OUTCOMES = frozenset({"verified", "temporary", "locked", "prepaid",
                                "too_many_failures"})

    def name(self) -> Text:
        return "validate_verification_form"

    def validate_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result, failed = self.check_typed_code(value, (4, 5), "utter_plus_kod_format",
                                               dispatcher, tracker)
        if result is None:
            return failed
        if result.outcome is Outcome.TEMPORARY:
            return {"plus_kod": MASK, "verification_outcome": "temporary", "code_failures": 0}
        return {"plus_kod": MASK, "verified": True, "verified_scope": result.scope,
                "verification_outcome": "verified", "code_failures": 0}


class ActionFinishVerification(Action):
    """Says what the outcome means and what the customer may do now; forgets the code."""

    MESSAGES = {
        ("verified", "account"): "utter_verified_kod5",
        ("verified", "number"): "utter_verified_kod4",
        ("temporary", None): "utter_code_temporary",
        ("locked", None): "utter_code_locked",
        ("too_many_failures", None): "utter_too_many_failures",
    }

    def name(self) -> Text:
        return "action_finish_verification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        outcome = tracker.get_slot("verification_outcome")
        scope = tracker.get_slot("verified_scope") if outcome == "verified" else None
        response = self.MESSAGES.get((outcome, scope))
        if response:
            dispatcher.utter_message(response=response)
        return [SlotSet("plus_kod", None), SlotSet("verification_outcome", None)]
