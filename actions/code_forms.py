"""What the verification and activation forms share.

Both ask for a phone number (prepaid numbers are refused before any code is asked) and then a
code that the directory compares and counts (:meth:`CustomerDirectory.check_code`): against
the code's owner, this conversation and this client, all on the server, so no slot, event or
API call can reset a count. A wrong code and an unknown number fail alike.

What a success grants is a sealed proof (:mod:`pluskod.core.proofs`) in a slot that only these
actions write; whatever later relies on it opens the proof again, bound to this conversation,
its session, the number and the code's version. No slot is trusted on its own.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pluskod.core.clients import CLIENT_METADATA, UNKNOWN
from pluskod.core.codes import digits_of
from pluskod.core.directory import Asker, CustomerDirectory, Outcome
from pluskod.core.masking import MASK  # what a slot holds once its code was checked
from pluskod.core.names import (
    ACTIVATION_PROOF_SLOT,
    CHANGE_PROOF_SLOT,
    CODE_SLOT,
    NEW_CODE_CONFIRMATION_SLOT,
    NEW_CODE_SEAL_SLOT,
    NEW_CODE_SLOT,
    OFFER_ENTITY,
    OUTCOME_SLOT,
    PHONE_SLOT,
    PREPAID_OFFERS,
    PREPAID_REFUSAL,
    SECRET_SLOTS,
)
from pluskod.core.phones import parse_phone
from pluskod.core.proofs import ProofSealer

#: verification_outcome for each outcome that ends a form without a proof
FAILED_OUTCOMES = {Outcome.LOCKED: "locked", Outcome.TOO_MANY: "too_many_failures",
                   Outcome.CLIENT_BLOCKED: "client_blocked"}
#: what every form's finishing action says for those outcomes
FAILED_MESSAGES = {"locked": "utter_code_locked", "too_many_failures": "utter_too_many_failures",
                   "client_blocked": "utter_client_blocked"}


@dataclass(frozen=True)
class ProvenCode:
    """A code the directory confirmed in this form: for which number, of which scope
    (``account`` or ``number``) and version, and whether it is the temporary Kod 5."""

    msisdn: str
    outcome: Outcome
    scope: str
    version: str


def session_started_at(tracker: Tracker) -> float:
    """When the conversation's current session started (proofs are bound to it)."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "session_started":
            return float(event.get("timestamp") or 0.0)
    return 0.0


def asker_of(tracker: Tracker) -> Asker:
    """The conversation and the client (its pseudonym, from the channel) of the message."""
    client = UNKNOWN
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            value = metadata.get(CLIENT_METADATA) if isinstance(metadata, dict) else None
            client = value if isinstance(value, str) and value else UNKNOWN
            break
    return Asker(conversation=tracker.sender_id, client=client)


class DirectoryFormValidation(FormValidationAction, metaclass=abc.ABCMeta):
    """Base of the forms that check codes against :class:`CustomerDirectory`.

    :data:`~pluskod.core.names.OUTCOME_SLOT` (set only by actions) ends a form once it holds one of
    ``FINAL_OUTCOMES``. Abstract, so rasa-sdk does not register it as an action itself.
    """

    FINAL_OUTCOMES: frozenset = frozenset()

    def __init__(self, directory: CustomerDirectory, sealer: ProofSealer) -> None:
        self.directory, self.sealer = directory, sealer

    @abc.abstractmethod
    def name(self) -> Text:
        """``validate_<form name>``."""

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot(OUTCOME_SLOT) in self.FINAL_OUTCOMES:
            return []
        return domain_slots

    def validate_phone_number(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        number = parse_phone(str(value) if value is not None else None)
        if number is None:
            dispatcher.utter_message(response="utter_phone_number_invalid")
            return {PHONE_SLOT: None}
        offer = self.directory.offer_of(number)
        if offer in PREPAID_OFFERS:
            dispatcher.utter_message(response=PREPAID_REFUSAL)
            return {PHONE_SLOT: number, OFFER_ENTITY: offer, OUTCOME_SLOT: "prepaid"}
        return {PHONE_SLOT: number}

    def number_of(self, tracker: Tracker) -> Optional[str]:
        """The number this form checks codes for, as the phone step stored it (``None`` when
        no number was given in this form)."""
        return parse_phone(tracker.get_slot(PHONE_SLOT))

    def check_typed_code(self, value: Any, lengths: Tuple[int, ...], format_response: Text,
                         dispatcher: CollectingDispatcher, tracker: Tracker
                         ) -> Tuple[Optional[ProvenCode], Dict[Text, Any]]:
        """Check what was typed for ``plus_kod``; a code of the wrong length is asked again
        with ``format_response`` and costs no attempt (it compares nothing).

        Returns the proven code when it was right (verified or temporary); otherwise ``None``
        and the slots that record the failure (the form asks again, or ends)."""
        number = self.number_of(tracker)
        if number is None:  # no number was given in this form: ask for it first
            return None, {CODE_SLOT: None, PHONE_SLOT: None}
        code = digits_of(str(value) if value is not None else None)
        if not code:   # a button or a request, not a mistyped code
            dispatcher.utter_message(response="utter_code_expected")
            return None, {CODE_SLOT: None}
        if len(code) not in lengths:
            dispatcher.utter_message(response=format_response)
            return None, {CODE_SLOT: None}
        result = self.directory.check_code(number, code, asker_of(tracker))
        if result.outcome in (Outcome.VERIFIED, Outcome.TEMPORARY):
            if result.scope is None or result.version is None:
                raise RuntimeError("the directory confirmed a code without its scope and version")
            return ProvenCode(number, result.outcome, result.scope, result.version), {}
        if result.outcome in FAILED_OUTCOMES:
            return None, {CODE_SLOT: MASK, OUTCOME_SLOT: FAILED_OUTCOMES[result.outcome]}
        dispatcher.utter_message(response="utter_plus_kod_wrong")
        return None, {CODE_SLOT: None}


#: what a form collected, forgotten when the customer leaves it: the next verification or
#: activation asks for the number again instead of reusing one silently. A proof of a code
#: already verified is kept (it stays bound to its own number).
FORGOTTEN_ON_LEAVING = (PHONE_SLOT, *SECRET_SLOTS, NEW_CODE_SEAL_SLOT, ACTIVATION_PROOF_SLOT,
                        CHANGE_PROOF_SLOT, OUTCOME_SLOT)


class ActionLeaveForm(Action):
    """Run when a customer leaves a verification or activation form ("anuluj", "nie", a
    consultant): forgets what the form collected. Says nothing and counts nothing."""

    def name(self) -> Text:
        return "action_leave_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        return [SlotSet(slot, None) for slot in FORGOTTEN_ON_LEAVING]


#: the help that fits each prompt of the forms (the prompt itself follows once)
PROMPT_HELP = {PHONE_SLOT: "utter_help_phone_number", CODE_SLOT: "utter_help_plus_kod",
               NEW_CODE_SLOT: "utter_help_new_plus_kod",
               NEW_CODE_CONFIRMATION_SLOT: "utter_help_new_plus_kod"}


class ActionHelpAtPrompt(Action):
    """Run when a customer does not know what to answer ("nie wiem", "co mam tu wpisać?") at a
    prompt of a form: the help that fits the prompt being asked; the form asks again after."""

    def name(self) -> Text:
        return "action_help_at_prompt"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response=PROMPT_HELP.get(tracker.get_slot("requested_slot"),
                                                          "utter_help_phone_number"))
        return []
