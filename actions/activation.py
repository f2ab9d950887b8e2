"""Activation conversation (``activate_code``): the temporary Plus Kod 5 from the first invoice
becomes active when the customer changes it.

The form asks for the phone number, the temporary code (checked and counted exactly like a
verification attempt), then the new code twice. No code is kept between turns, and nothing
the activation relies on is a plain slot:

* the temporary code, once the directory confirmed it, becomes a sealed proof in
  ``activation_proof`` (:mod:`pluskod.core.proofs`): bound to this conversation and session,
  to the number, and to the version of the temporary code, and expiring when idle. The
  activation applies to the proof's number only - never to a phone number typed or set later -
  and only while the temporary code is still the one proven;
* "the new code differs from the temporary one" is checked against the code as typed, kept
  (hashed) inside the proof: nothing stored in the directory is compared, so the step is no
  oracle;
* the first new code is kept only as a salted, peppered argon2 hash (``new_plus_kod_seal``)
  to compare the confirmation with; the directory then stores its own hash and the temporary
  code stops working.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.code_forms import FAILED_MESSAGES, MASK, session_started_at
from actions.new_code import NewCodeSteps
from pluskod.core.codes import digits_of
from pluskod.core.directory import Activation, Outcome
from pluskod.core.names import (
    ACTIVATION_PROOF_SLOT,
    CODE_SLOT,
    NEW_CODE_CONFIRMATION_SLOT,
    NEW_CODE_SEAL_SLOT,
    OUTCOME_SLOT,
    SECRET_SLOTS,
)
from pluskod.core.proofs import TEMPORARY, Proof

#: what the form forgets when its proof no longer holds: it asks for the temporary code again
START_OVER = {slot: None for slot in (*SECRET_SLOTS, NEW_CODE_SEAL_SLOT, ACTIVATION_PROOF_SLOT)}
#: what the end of the form forgets: everything it collected
ACTIVATION_SLOTS = (*START_OVER, OUTCOME_SLOT)


class ValidateActivationForm(NewCodeSteps):
    """Validates ``activation_form``: ``phone_number``, ``plus_kod`` (the temporary Kod 5),
    ``new_plus_kod`` and ``new_plus_kod_confirmation``."""

    FINAL_OUTCOMES = frozenset({"activated", "already_active", "not_temporary", "locked",
                                "prepaid", "too_many_failures", "client_blocked"})

    def name(self) -> Text:
        return "validate_activation_form"

    def _proof(self, tracker: Tracker) -> Optional[Proof]:
        return self.sealer.open(tracker.get_slot(ACTIVATION_PROOF_SLOT),
                                sender_id=tracker.sender_id,
                                session=session_started_at(tracker), scopes=(TEMPORARY,))

    def _start_over(self, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        dispatcher.utter_message(response="utter_activation_start_over")
        return dict(START_OVER)

    def validate_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result, failed = self.check_typed_code(value, (5,), "utter_temporary_code_format",
                                               dispatcher, tracker)
        if result is None:
            return failed
        if result.outcome is Outcome.TEMPORARY:
            proof = self.sealer.seal(
                sender_id=tracker.sender_id, session=session_started_at(tracker),
                msisdn=result.msisdn, scope=TEMPORARY,
                version=result.version, typed_code=digits_of(str(value)))
            return {CODE_SLOT: MASK, ACTIVATION_PROOF_SLOT: proof}
        return {CODE_SLOT: MASK, OUTCOME_SLOT: "already_active"}

    # --- the new code (actions/new_code.py) ------------------------------------------------
    def proof_of_old_code(self, tracker: Tracker) -> Optional[Proof]:
        return self._proof(tracker)

    def proof_lost(self, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        return self._start_over(dispatcher)   # not proven in this session, or idle too long

    def renewed(self, proof: Proof, tracker: Tracker) -> Dict[Text, Any]:
        return {ACTIVATION_PROOF_SLOT: self.sealer.renewed(proof, tracker.sender_id)}

    def replace(self, proof: Proof, code: str, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> Dict[Text, Any]:
        outcome = self.directory.activate_kod5(proof.msisdn, proof.version, code)
        if outcome is Activation.STALE:  # the temporary code was set again meanwhile
            return self._start_over(dispatcher)
        return {NEW_CODE_CONFIRMATION_SLOT: MASK, NEW_CODE_SEAL_SLOT: None,
                ACTIVATION_PROOF_SLOT: None, OUTCOME_SLOT: outcome.value}


class ActionFinishActivation(Action):
    """Says how the activation ended and forgets everything the form collected about codes."""

    MESSAGES = {
        "activated": "utter_code_activated",
        "already_active": "utter_code_already_active",
        "not_temporary": "utter_nothing_to_activate",
        **FAILED_MESSAGES,
    }

    def name(self) -> Text:
        return "action_finish_activation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        response = self.MESSAGES.get(tracker.get_slot(OUTCOME_SLOT))
        if response:
            dispatcher.utter_message(response=response)
        return [SlotSet(slot, None) for slot in ACTIVATION_SLOTS]
