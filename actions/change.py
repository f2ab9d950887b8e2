"""Changing the account's Plus Kod 5 in the chat (``change_code_form``), for a customer verified
with that Plus Kod 5 in this conversation.

The verification opens the way and names the number: the form never asks for one, and the
code is changed for the account of the number in the verification proof. Then the form asks
for the **current** Plus Kod 5 again - checked and counted like any code
(:meth:`CustomerDirectory.check_code`) - so that whoever reaches a verified conversation
(a chat left open, an integration writing to its user's conversation) cannot change the code
without knowing it. The right code is sealed into ``change_proof``, bound to this conversation,
session, number and the code's version, and holding the typed code only as an argon2 hash to
refuse the same code as the new one. Then the new code twice (:mod:`actions.new_code`: the
activation's rules).

When the change is done, the old code stops working everywhere; the customer stays verified
with the new code (the verification proof is sealed again for the new code's version).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.code_forms import FAILED_MESSAGES, FAILED_OUTCOMES, MASK, session_started_at
from actions.new_code import NewCodeSteps
from actions.verification import verified_proof
from pluskod.core.codes import digits_of
from pluskod.core.directory import Change, CustomerDirectory, Outcome
from pluskod.core.names import (
    CHANGE_PROOF_SLOT,
    CODE_SLOT,
    NEW_CODE_CONFIRMATION_SLOT,
    NEW_CODE_SEAL_SLOT,
    OUTCOME_SLOT,
    SECRET_SLOTS,
    VERIFICATION_PROOF_SLOT,
)
from pluskod.core.proofs import ACCOUNT, CHANGE, NUMBER, Proof, ProofSealer

#: what the end of the form forgets (the verification proof is kept, or renewed on success)
CHANGE_SLOTS = (*SECRET_SLOTS, NEW_CODE_SEAL_SLOT, CHANGE_PROOF_SLOT, OUTCOME_SLOT)


class ValidateChangeCodeForm(NewCodeSteps):
    """Validates ``change_code_form``: ``plus_kod`` (the current Kod 5), ``new_plus_kod`` and
    ``new_plus_kod_confirmation``."""

    FINAL_OUTCOMES = frozenset({outcome.value for outcome in Change} | {
        "expired", *FAILED_OUTCOMES.values()})
    SAME_AS_OLD = "utter_new_code_same_as_old"

    def name(self) -> Text:
        return "validate_change_code_form"

    def _account_proof(self, tracker: Tracker) -> Optional[Proof]:
        proof = verified_proof(tracker, self.directory, self.sealer)
        return proof if proof is not None and proof.scope == ACCOUNT else None

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """Nothing to ask when the form starts without a Plus Kod 5 verification (the finishing
        action says what to do instead). Mid-form a lost proof is the validators' to handle,
        so that what was typed is always validated, and so masked, never left as typed."""
        starting = tracker.get_slot("requested_slot") is None
        if starting and self._account_proof(tracker) is None:
            return []
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    def number_of(self, tracker: Tracker) -> Optional[str]:
        """The verified number (the proof's), never a phone number slot."""
        proof = self._account_proof(tracker)
        return proof.msisdn if proof is not None else None

    def validate_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if self._account_proof(tracker) is None:
            return self.proof_lost(dispatcher)
        result, failed = self.check_typed_code(value, (5,), "utter_change_current_format",
                                               dispatcher, tracker)
        if result is None:
            return failed
        if result.outcome is not Outcome.VERIFIED:     # set again as temporary meanwhile
            return {CODE_SLOT: MASK, OUTCOME_SLOT: Change.NOT_ACTIVE.value}
        proof = self.sealer.seal(sender_id=tracker.sender_id, session=session_started_at(tracker),
                                 msisdn=result.msisdn, scope=CHANGE, version=result.version,
                                 typed_code=digits_of(str(value)))
        return {CODE_SLOT: MASK, CHANGE_PROOF_SLOT: proof}

    # --- the new code (actions/new_code.py) ------------------------------------------------
    def proof_of_old_code(self, tracker: Tracker) -> Optional[Proof]:
        proof = self.sealer.open(tracker.get_slot(CHANGE_PROOF_SLOT),
                                 sender_id=tracker.sender_id,
                                 session=session_started_at(tracker), scopes=(CHANGE,))
        if proof is None or self.directory.current_version(proof.msisdn, ACCOUNT) != \
                proof.version:
            return None
        return proof

    def proof_lost(self, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        return {**{slot: MASK for slot in SECRET_SLOTS}, NEW_CODE_SEAL_SLOT: None,
                CHANGE_PROOF_SLOT: None, OUTCOME_SLOT: "expired"}

    def renewed(self, proof: Proof, tracker: Tracker) -> Dict[Text, Any]:
        return {CHANGE_PROOF_SLOT: self.sealer.renewed(proof, tracker.sender_id)}

    def replace(self, proof: Proof, code: str, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> Dict[Text, Any]:
        outcome = self.directory.change_kod5(proof.msisdn, proof.version, code)
        slots: Dict[Text, Any] = {NEW_CODE_CONFIRMATION_SLOT: MASK, NEW_CODE_SEAL_SLOT: None,
                                  CHANGE_PROOF_SLOT: None, OUTCOME_SLOT: outcome.value}
        if outcome is Change.CHANGED:
            version = self.directory.current_version(proof.msisdn, ACCOUNT)
            if version is not None:   # None only if the account vanished meanwhile
                slots[VERIFICATION_PROOF_SLOT] = self.sealer.seal(
                    sender_id=tracker.sender_id, session=session_started_at(tracker),
                    msisdn=proof.msisdn, scope=ACCOUNT, version=version)
        elif outcome is Change.STALE:
            slots[VERIFICATION_PROOF_SLOT] = None   # the code it proved is gone
        return slots


class ActionFinishChange(Action):
    """Says how the change ended, or why it could not start, and forgets the new codes."""

    MESSAGES = {
        "changed": "utter_code_changed",
        "stale": "utter_change_expired",     # the code changed meanwhile: verify again
        "expired": "utter_change_expired",
        **FAILED_MESSAGES,
        Change.NOT_ACTIVE.value: "utter_change_not_active",
    }

    def __init__(self, directory: CustomerDirectory, sealer: ProofSealer) -> None:
        self.directory, self.sealer = directory, sealer

    def name(self) -> Text:
        return "action_finish_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        response = self.MESSAGES.get(tracker.get_slot(OUTCOME_SLOT))
        if response is None:   # the form did not start: say what it needs
            proof = verified_proof(tracker, self.directory, self.sealer)
            response = ("utter_change_needs_kod5" if proof is not None and proof.scope == NUMBER
                        else "utter_change_needs_verification")
        dispatcher.utter_message(response=response)
        return [SlotSet(slot, None) for slot in CHANGE_SLOTS]
