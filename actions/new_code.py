"""The two steps of a new Plus Kod 5, shared by the activation (from the temporary code) and the
change (from the active code of a verified customer).

The same rules hold for both: the new code is typed twice; a weak code is refused with the
reason (:func:`pluskod.core.codes.weak_code_reason`, against every number of the account); a
code equal to the one it replaces is
refused, told apart through the sealed proof (which holds that code only as an argon2 hash), so
nothing stored in the directory is compared and the step is no oracle. The first entry survives
only as a salted, peppered argon2 hash (``new_plus_kod_seal``) to compare the confirmation with;
the directory then stores its own hash, and the old code stops working.

Whatever the slots say, the code is changed for the number of the proof, and only while the
proof holds: a forged, copied, expired or stale proof changes nothing.
"""

from __future__ import annotations

import abc
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.code_forms import MASK, DirectoryFormValidation
from pluskod.core.codes import digits_of, weak_code_reason
from pluskod.core.names import NEW_CODE_CONFIRMATION_SLOT, NEW_CODE_SEAL_SLOT, NEW_CODE_SLOT
from pluskod.core.proofs import Proof

#: purpose under which the first entry of the new code is sealed (see CodeHasher)
SEAL_PURPOSE = "pending_kod5"


class NewCodeSteps(DirectoryFormValidation, metaclass=abc.ABCMeta):
    """``validate_new_plus_kod`` and ``validate_new_plus_kod_confirmation`` of a form that
    replaces a Plus Kod 5 proven in this conversation."""

    #: the message for a new code equal to the one it replaces
    SAME_AS_OLD: Text = "utter_new_code_same_as_current"

    @abc.abstractmethod
    def proof_of_old_code(self, tracker: Tracker) -> Optional[Proof]:
        """The proof of the code being replaced, if it still holds; ``None`` otherwise."""

    @abc.abstractmethod
    def proof_lost(self, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        """What the form does when the proof no longer holds (expired, forged, stale)."""

    @abc.abstractmethod
    def renewed(self, proof: Proof, tracker: Tracker) -> Dict[Text, Any]:
        """The slot holding the proof, renewed (typing the new code is activity)."""

    @abc.abstractmethod
    def replace(self, proof: Proof, code: str, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> Dict[Text, Any]:
        """Store ``code`` in the directory for the proof's number; the slots that end the form
        (or start over)."""

    def _pending(self, tracker: Tracker, proof: Proof) -> str:
        return f"{tracker.sender_id}:{proof.msisdn}"

    def validate_new_plus_kod(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        proof = self.proof_of_old_code(tracker)
        if proof is None:
            return self.proof_lost(dispatcher)
        code = digits_of(str(value) if value is not None else None)
        reason = weak_code_reason(code, self.directory.numbers_on_account(proof.msisdn))
        response = f"utter_new_code_{reason}" if reason else None
        if not code:   # a button or a request, not a mistyped code
            response = "utter_code_expected"
        if response is None and self.sealer.is_proven_code(proof, code):
            response = self.SAME_AS_OLD
        if response:
            dispatcher.utter_message(response=response)
            return {NEW_CODE_SLOT: None}
        seal = self.directory.hasher.hash(SEAL_PURPOSE, self._pending(tracker, proof), code)
        return {NEW_CODE_SLOT: MASK, NEW_CODE_SEAL_SLOT: seal, **self.renewed(proof, tracker)}

    def validate_new_plus_kod_confirmation(self, value: Any, dispatcher: CollectingDispatcher,
                                           tracker: Tracker, domain: DomainDict
                                           ) -> Dict[Text, Any]:
        proof = self.proof_of_old_code(tracker)
        if proof is None:
            return self.proof_lost(dispatcher)
        seal = tracker.get_slot(NEW_CODE_SEAL_SLOT)
        code = digits_of(str(value) if value is not None else None)
        if not code:
            dispatcher.utter_message(response="utter_code_expected")
            return {NEW_CODE_CONFIRMATION_SLOT: None}
        if not (seal and len(code) == 5 and self.directory.hasher.verify(
                seal, SEAL_PURPOSE, self._pending(tracker, proof), code)):
            dispatcher.utter_message(response="utter_new_code_mismatch")
            return {NEW_CODE_SLOT: None, NEW_CODE_CONFIRMATION_SLOT: None,
                    NEW_CODE_SEAL_SLOT: None}
        return self.replace(proof, code, dispatcher, tracker)
