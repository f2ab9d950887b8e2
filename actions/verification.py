"""Verification conversation (``verify_code``): phone number, then Plus Kod, checked against
the directory.

* Prepaid numbers (na Kartę, Mix) are refused before any code is asked.
* An unknown number is treated exactly like a known one: same messages, same counting, same
  work (see :class:`pluskod.core.directory.CustomerDirectory`).
* The code is checked in the turn it is typed and never kept: the slot is replaced by a mask,
  and the redacting tracker store masks the message itself.
* A right code leaves a sealed proof in ``verification_proof``: that, not any slot, is what
  says the customer is verified, for which number and scope, until it expires. It holds no
  trace of the code itself.
* While a Plus Kod 5 proof holds, the customer is not asked again (unless they give another
  number): the form ends at once and says so. ``action_verification_status`` answers "czy
  jestem zweryfikowany?" for either scope.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.code_forms import FAILED_MESSAGES, MASK, DirectoryFormValidation, session_started_at
from actions.typed_codes import code_typed_unasked
from pluskod.core.directory import CustomerDirectory, Outcome
from pluskod.core.names import CODE_SLOT, OUTCOME_SLOT, VERIFICATION_PROOF_SLOT
from pluskod.core.phones import phone_hint
from pluskod.core.proofs import ACCOUNT, NUMBER, Proof, ProofSealer

__all__ = ["ValidateVerificationForm", "ActionFinishVerification", "ActionVerificationStatus",
           "verified_proof"]


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

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """Nothing to ask when the form starts while a Plus Kod 5 verification holds for the
        number in question (the finishing action says so). A Plus Kod 4 verification does not
        stop a new one (for Kod 5, or another number), nor does another number given with the
        request. Mid-form, what the form asks is the base class's."""
        starting = tracker.get_slot("requested_slot") is None
        if starting:
            proof = verified_proof(tracker, self.directory, self.sealer)
            if proof is not None and proof.scope == ACCOUNT and \
                    self.number_of(tracker) in (None, proof.msisdn):
                return []
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

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


#: what being verified with each scope is called in the answers, and its next steps
VERIFIED = {ACCOUNT: "utter_verified_kod5", NUMBER: "utter_verified_kod4"}
STILL_VERIFIED = {ACCOUNT: "utter_still_verified_kod5", NUMBER: "utter_still_verified_kod4"}


def say_verified(dispatcher: CollectingDispatcher, responses: Dict[Text, Text],
                 proof: Proof) -> None:
    dispatcher.utter_message(response=responses[proof.scope], number=phone_hint(proof.msisdn))


def tell_of_unused_code(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answered without a code prompt, a message holding a code says so first: "czy jestem
    zweryfikowany? kod 48213" - the code was not used (:mod:`actions.typed_codes`)."""
    if code_typed_unasked(tracker):
        dispatcher.utter_message(response="utter_code_not_used")


class ActionFinishVerification(Action):
    """Says what the outcome means and what the customer may do now; forgets the code.

    "Verified" is said only when the proof holds (not because a slot says so); a form that
    ended at once because a verification still holds says that, with the same next steps."""

    MESSAGES = {
        "temporary": "utter_code_temporary",
        **FAILED_MESSAGES,
    }

    def __init__(self, directory: CustomerDirectory, sealer: ProofSealer) -> None:
        self.directory, self.sealer = directory, sealer

    def name(self) -> Text:
        return "action_finish_verification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        outcome = tracker.get_slot(OUTCOME_SLOT)
        if outcome in (None, "verified"):
            proof = verified_proof(tracker, self.directory, self.sealer)
            if proof is not None and outcome is None:   # the form did not ask: say why
                tell_of_unused_code(dispatcher, tracker)
            if proof is not None:
                say_verified(dispatcher, VERIFIED if outcome else STILL_VERIFIED, proof)
        elif outcome in self.MESSAGES:
            dispatcher.utter_message(response=self.MESSAGES[outcome])
        return [SlotSet(CODE_SLOT, None), SlotSet(OUTCOME_SLOT, None)]


class ActionVerificationStatus(Action):
    """Answers "czy jestem zweryfikowany?": yes, with the scope and the number's hint, while the
    proof holds; otherwise no, with the way to verify. Reading the status is no use of the
    verification: it does not renew the proof."""

    def __init__(self, directory: CustomerDirectory, sealer: ProofSealer) -> None:
        self.directory, self.sealer = directory, sealer

    def name(self) -> Text:
        return "action_verification_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        tell_of_unused_code(dispatcher, tracker)
        proof = verified_proof(tracker, self.directory, self.sealer)
        if proof is None:
            dispatcher.utter_message(response="utter_not_verified")
        else:
            say_verified(dispatcher, STILL_VERIFIED, proof)
        return []
