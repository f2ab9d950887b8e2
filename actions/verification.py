"""Verification conversation (``verify_code``): phone number, then Plus Kod, checked against
the directory.

* Prepaid numbers (na Kartę, Mix) are refused before any code is asked.
* An unknown number is treated exactly like a known one: same messages, same counting, same
  work (see :class:`pluskod.core.directory.CustomerDirectory`).
* The code is checked in the turn it is typed and never kept: the slot is replaced by a mask,
  and the redacting tracker store masks the message itself.
* A right code leaves a sealed proof in ``verification_proof``: that, not any slot, is what
  says the customer is verified, for which number and scope, until it expires.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.code_forms import MASK, DirectoryFormValidation, session_started_at
from pluskod.core.directory import CustomerDirectory, Outcome
from pluskod.core.names import CODE_SLOT, OUTCOME_SLOT, VERIFICATION_PROOF_SLOT
from pluskod.core.proofs import ACCOUNT, NUMBER, Proof, ProofSealer

__all__ = ["ValidateVerificationForm", "ActionFinishVerification", "verified_proof"]


def verified_proof(tracker: Tracker, directory: CustomerDirectory,
                   sealer: ProofSealer) -> Optional[Proof]:
    """The conversation's proof of a verified code, if it is sealed for this conversation and
    session, has not expired and its code has not changed since; else ``None``."""
    proof = sealer.open(tracker.get_slot(VERIFICATION_PROOF_SLOT), sender_id=tracker.sender_id,
                        session=session_started_at(tracker), scopes=(ACCOUNT, NUMBER))
    if proof is None or directory.current_version(proof.msisdn, proof.scope) != proof.version:
        return None
    return proof


class ValidateVerificationForm(DirectoryFormValidation):
    """Validates ``verification_form``: ``phone_number`` then ``plus_kod``."""

    FINAL_OUTCOMES = frozenset({"verified", "temporary", "locked", "prepaid",
                                "too_many_failures", "client_blocked"})

    def name(self) -> Text:
        return "validate_verification_form"

    def validate_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result, failed = self.check_typed_code(value, (4, 5), "utter_plus_kod_format",
                                               dispatcher, tracker)
        if result is None:
            return failed
        if result.outcome is Outcome.TEMPORARY:
            return {CODE_SLOT: MASK, OUTCOME_SLOT: "temporary"}
        proof = self.sealer.seal(sender_id=tracker.sender_id, session=session_started_at(tracker),
                                 msisdn=result.msisdn, scope=result.scope,
                                 version=result.version)
        return {CODE_SLOT: MASK, VERIFICATION_PROOF_SLOT: proof, OUTCOME_SLOT: "verified"}


class ActionFinishVerification(Action):
    """Says what the outcome means and what the customer may do now; forgets the code.

    "Verified" is said only when the proof holds (not because a slot says so)."""

    MESSAGES = {
        "temporary": "utter_code_temporary",
        "locked": "utter_code_locked",
        "too_many_failures": "utter_too_many_failures",
        "client_blocked": "utter_client_blocked",
    }
    VERIFIED = {ACCOUNT: "utter_verified_kod5", NUMBER: "utter_verified_kod4"}

    def __init__(self, directory: CustomerDirectory, sealer: ProofSealer) -> None:
        self.directory, self.sealer = directory, sealer

    def name(self) -> Text:
        return "action_finish_verification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        outcome = tracker.get_slot(OUTCOME_SLOT)
        response = self.MESSAGES.get(outcome)
        if outcome == "verified":
            proof = verified_proof(tracker, self.directory, self.sealer)
            response = self.VERIFIED[proof.scope] if proof else None
        if response:
            dispatcher.utter_message(response=response)
        return [SlotSet(CODE_SLOT, None), SlotSet(OUTCOME_SLOT, None)]
