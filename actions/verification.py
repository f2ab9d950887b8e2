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

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directory import PREPAID, Outcome, directory_from_env
from actions.security import normalize_phone

CONVERSATION_LIMIT = 5
MASK = "•••••"
#: verification_outcome values after which the form asks nothing more
FINAL_OUTCOMES = {"verified", "temporary", "locked", "prepaid", "too_many_failures"}


def digits_of(text: Optional[Text]) -> Text:
    return re.sub(r"\D", "", text or "")


class ValidateVerificationForm(FormValidationAction):
    """Validates ``verification_form``: ``phone_number`` then ``plus_kod``."""

    def __init__(self, directory=None) -> None:
        self._directory = directory

    @property
    def directory(self):
        return self._directory or directory_from_env()

    def name(self) -> Text:
        return "validate_verification_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("verification_outcome") in FINAL_OUTCOMES:
            return []
        return domain_slots

    def validate_phone_number(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        number = normalize_phone(str(value) if value is not None else None)
        if number is None:
            dispatcher.utter_message(response="utter_phone_number_invalid")
            return {"phone_number": None}
        offer = self.directory.offer_of(number)
        if offer in PREPAID:
            dispatcher.utter_message(response="utter_prepaid_not_available")
            return {"phone_number": number, "offer_type": offer,
                    "verification_outcome": "prepaid"}
        return {"phone_number": number}

    def validate_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        code = digits_of(str(value) if value is not None else None)
        if len(code) not in (4, 5):
            dispatcher.utter_message(response="utter_plus_kod_format")
            return {"plus_kod": None}
        failures = int(tracker.get_slot("code_failures") or 0)
        if failures >= CONVERSATION_LIMIT:
            return {"plus_kod": MASK, "verification_outcome": "too_many_failures"}
        result = self.directory.check_code(tracker.get_slot("phone_number"), code)
        if result.outcome is Outcome.VERIFIED:
            return {"plus_kod": MASK, "verified": True, "verified_scope": result.scope,
                    "verification_outcome": "verified", "code_failures": 0}
        if result.outcome is Outcome.TEMPORARY:
            return {"plus_kod": MASK, "verification_outcome": "temporary"}
        failures += 1
        if result.outcome is Outcome.LOCKED:
            return {"plus_kod": MASK, "verification_outcome": "locked",
                    "code_failures": failures}
        if failures >= CONVERSATION_LIMIT:
            return {"plus_kod": MASK, "verification_outcome": "too_many_failures",
                    "code_failures": failures}
        dispatcher.utter_message(response="utter_plus_kod_wrong")
        return {"plus_kod": None, "code_failures": failures}


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
