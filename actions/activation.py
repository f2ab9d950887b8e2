"""Activation conversation (``activate_code``): the temporary Plus Kod 5 from the first invoice
becomes active when the customer changes it.

The form asks for the phone number, the temporary code (checked and counted exactly like a
verification attempt), then the new code twice. No code is kept between turns:

* the temporary code is checked in the turn it is typed; what remains is ``activation_number``,
  the number it was proven for (a custom slot that only this action sets, so neither a typed
  ``/intent{...}`` nor a later phone number in the chat can redirect the activation);
* the first new code is kept only as a salted, peppered argon2 hash (``new_plus_kod_seal``)
  to compare the confirmation with; the directory then stores its own hash and the temporary
  code stops working.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.code_forms import MASK, DirectoryFormValidation, digits_of
from actions.directory import Activation, Outcome
from actions.security import weak_code_reason

#: purpose under which the first entry of the new code is sealed (see CodeHasher)
SEAL_PURPOSE = "pending_kod5"
ACTIVATION_SLOTS = ("plus_kod", "new_plus_kod", "new_plus_kod_confirmation",
                    "new_plus_kod_seal", "activation_number", "verification_outcome")


class ValidateActivationForm(DirectoryFormValidation):
    """Validates ``activation_form``: ``phone_number``, ``plus_kod`` (the temporary Kod 5),
    ``new_plus_kod`` and ``new_plus_kod_confirmation``."""

    FINAL_OUTCOMES = frozenset({"activated", "already_active", "not_temporary", "locked",
                                "prepaid", "too_many_failures"})

    def name(self) -> Text:
        return "validate_activation_form"

    def validate_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result, failed = self.check_typed_code(value, (5,), "utter_temporary_code_format",
                                               dispatcher, tracker)
        if result is None:
            return failed
        if result.outcome is Outcome.TEMPORARY:
            return {"plus_kod": MASK, "activation_number": tracker.get_slot("phone_number"),
                    "code_failures": 0}
        return {"plus_kod": MASK, "verification_outcome": "already_active", "code_failures": 0}

    def validate_new_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        number = tracker.get_slot("activation_number")
        if not number:  # the temporary code was not proven in this conversation
            return {"new_plus_kod": None, "plus_kod": None}
        code = digits_of(str(value) if value is not None else None)
        reason = weak_code_reason(code, number)
        if reason is None and self.directory.is_current_kod5(number, code):
            reason = "same_as_current"
        if reason:
            dispatcher.utter_message(response=f"utter_new_code_{reason}")
            return {"new_plus_kod": None}
        seal = self.directory.hasher.hash(SEAL_PURPOSE, number, code)
        return {"new_plus_kod": MASK, "new_plus_kod_seal": seal}

    def validate_new_plus_kod_confirmation(self, value: Any, dispatcher: CollectingDispatcher,
                                           tracker: Tracker, domain: DomainDict
                                           ) -> Dict[Text, Any]:
        number = tracker.get_slot("activation_number")
        seal = tracker.get_slot("new_plus_kod_seal")
        code = digits_of(str(value) if value is not None else None)
        if not (number and seal and len(code) == 5
                and self.directory.hasher.verify(seal, SEAL_PURPOSE, number, code)):
            dispatcher.utter_message(response="utter_new_code_mismatch")
            return {"new_plus_kod": None, "new_plus_kod_confirmation": None,
                    "new_plus_kod_seal": None}
        outcome = self.directory.activate_kod5(number, code)
        if outcome is Activation.SAME_AS_CURRENT:  # checked before; only a concurrent change
            dispatcher.utter_message(response="utter_new_code_same_as_current")
            return {"new_plus_kod": None, "new_plus_kod_confirmation": None,
                    "new_plus_kod_seal": None}
        return {"new_plus_kod_confirmation": MASK, "new_plus_kod_seal": None,
                "verification_outcome": outcome.value}


class ActionFinishActivation(Action):
    """Says how the activation ended and forgets everything the form collected about codes."""

    MESSAGES = {
        "activated": "utter_code_activated",
        "already_active": "utter_code_already_active",
        "not_temporary": "utter_nothing_to_activate",
        "locked": "utter_code_locked",
        "too_many_failures": "utter_too_many_failures",
    }

    def name(self) -> Text:
        return "action_finish_activation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        response = self.MESSAGES.get(tracker.get_slot("verification_outcome"))
        if response:
            dispatcher.utter_message(response=response)
        return [SlotSet(slot, None) for slot in ACTIVATION_SLOTS]
