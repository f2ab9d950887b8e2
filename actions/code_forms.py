"""What the verification and activation forms share.

Both ask for a phone number (prepaid numbers are refused before any code is asked) and then a
code that the directory checks and counts. The counting lives here once: a wrong code and an
unknown number fail alike, a lock ends the form, and a conversation that failed
``CONVERSATION_LIMIT`` times, on any numbers, stops taking codes.
"""

from __future__ import annotations

import abc
import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directory import PREPAID, Outcome, Verification, directory_from_env
from actions.security import normalize_phone
from pluskod.masking import MASK  # what a slot holds once its code was checked

CONVERSATION_LIMIT = 5


def digits_of(text: Optional[Text]) -> Text:
    return re.sub(r"\D", "", text or "")


class DirectoryFormValidation(FormValidationAction, metaclass=abc.ABCMeta):
    """Base of the forms that check codes against :class:`actions.directory.CustomerDirectory`.

    ``verification_outcome`` (set only by actions) ends a form once it holds one of
    ``FINAL_OUTCOMES``. Abstract, so rasa-sdk does not register it as an action itself.
    """

    FINAL_OUTCOMES: frozenset = frozenset()

    def __init__(self, directory=None) -> None:
        self._directory = directory

    @property
    def directory(self):
        return self._directory or directory_from_env()

    @abc.abstractmethod
    def name(self) -> Text:
        """``validate_<form name>``."""

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("verification_outcome") in self.FINAL_OUTCOMES:
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

    def check_typed_code(self, value: Any, lengths: Tuple[int, ...], format_response: Text,
                         dispatcher: CollectingDispatcher, tracker: Tracker
                         ) -> Tuple[Optional[Verification], Dict[Text, Any]]:
        """Check what was typed for ``plus_kod``; a code of the wrong length is asked again
        with ``format_response`` and costs no attempt. Returns as :meth:`counted_check`."""
        code = digits_of(str(value) if value is not None else None)
        if len(code) not in lengths:
            dispatcher.utter_message(response=format_response)
            return None, {"plus_kod": None}
        return self.counted_check(code, dispatcher, tracker)

    def counted_check(self, code: Text, dispatcher: CollectingDispatcher,
                      tracker: Tracker) -> Tuple[Optional[Verification], Dict[Text, Any]]:
        """Check ``code`` for the form's phone number.

        Returns the verification when the code was right (verified or temporary); otherwise
        ``None`` and the slots that record the failure (the form asks again, or ends on a lock
        or the conversation limit)."""
        failures = int(tracker.get_slot("code_failures") or 0)
        if failures >= CONVERSATION_LIMIT:
            return None, {"plus_kod": MASK, "verification_outcome": "too_many_failures"}
        result = self.directory.check_code(tracker.get_slot("phone_number"), code)
        if result.outcome in (Outcome.VERIFIED, Outcome.TEMPORARY):
            return result, {}
        failures += 1
        if result.outcome is Outcome.LOCKED:
            return None, {"plus_kod": MASK, "verification_outcome": "locked",
                          "code_failures": failures}
        if failures >= CONVERSATION_LIMIT:
            return None, {"plus_kod": MASK, "verification_outcome": "too_many_failures",
                          "code_failures": failures}
        dispatcher.utter_message(response="utter_plus_kod_wrong")
        return None, {"plus_kod": None, "code_failures": failures}
