"""Codes typed where no code was asked for: never used, and the customer is told so, gently.

A code is read only at a code prompt, in its own turn (:mod:`actions.code_forms`); the slot
mappings take nothing else. A code typed anywhere else - on its own ("48213"), with a request
("zweryfikuj mnie, kod 48213") or with the number ("600 100 200 48213") - is not compared and
not kept (the tracker store and the logs mask it, :mod:`pluskod.core.masking`). These actions
say that, and ask the customer to type a code only when asked for it; the form asks its
question right after.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pluskod.core.masking import code_runs
from pluskod.core.names import ACTIVATION_FORM, CODE_SLOT, PHONE_SLOT, SECRET_SLOTS


def prompt_of_latest_message(tracker: Tracker) -> Optional[Text]:
    """The slot a form was asking for when the customer sent their latest message (``None``
    outside a form)."""
    prompt: Optional[Text] = None
    latest_user = max((n for n, e in enumerate(tracker.events or []) if e.get("event") == "user"),
                      default=-1)
    for event in (tracker.events or [])[:max(latest_user, 0)]:
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            prompt = event.get("value")
        elif event.get("event") == "active_loop" and not event.get("name"):
            prompt = None
    return prompt


#: digits of a run that, typed at the number prompt, is a mistyped phone number rather than a
#: code (a code has 4 or 5; a number with a code glued to it, 13 or more)
MISTYPED_NUMBER = range(6, 13)


def code_typed_unasked(tracker: Tracker) -> bool:
    """Whether the latest message may hold a code although no code prompt asked for one."""
    text = (tracker.latest_message or {}).get("text") or ""
    prompt = prompt_of_latest_message(tracker)
    if prompt in SECRET_SLOTS:
        return False
    runs = code_runs(text)
    if prompt == PHONE_SLOT:
        return any(words or digits not in MISTYPED_NUMBER for digits, words in runs)
    return bool(runs)


class ActionAnswerData(Action):
    """Data given with no question (``inform`` outside a form: "600 100 200", "48213"): a code
    gets the gentle warning, anything else the offer of what the assistant can do."""

    def name(self) -> Text:
        return "action_answer_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_code_outside_prompt" if code_typed_unasked(tracker)
                                 else "utter_inform_without_context")
        return []


class AskTellingOfUnusedCode(Action):
    """A form's question for a slot (Rasa runs ``action_ask_[<form>_]<slot>`` instead of the
    response of that name): when the message that led here held a code no prompt asked for -
    the request itself, or an answer to the number prompt - the customer is first told that it
    was not used."""

    def __init__(self, slot: Text, form: Optional[Text] = None) -> None:
        self._name = f"action_ask_{form}_{slot}" if form else f"action_ask_{slot}"
        self.response = self._name.replace("action_", "utter_", 1)

    def name(self) -> Text:
        return self._name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        if code_typed_unasked(tracker):
            dispatcher.utter_message(response="utter_code_not_used")
        dispatcher.utter_message(response=self.response)
        return []


def asking_actions() -> List[AskTellingOfUnusedCode]:
    """The questions asked right after a message that may hold an unasked code: the number
    (after the request), and the code (after the number)."""
    return [AskTellingOfUnusedCode(PHONE_SLOT), AskTellingOfUnusedCode(CODE_SLOT),
            AskTellingOfUnusedCode(CODE_SLOT, ACTIVATION_FORM)]
