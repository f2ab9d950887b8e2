"""Leaving a form forgets what it collected, keeps a verification already proven, says and
counts nothing."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.code_forms import ActionLeaveForm


def test_leaving_forgets_the_number_and_every_code_slot_but_not_the_proof():
    tracker = Tracker("leaver", {"phone_number": "600100200", "plus_kod": "***",
                                 "verification_proof": "sealed"}, {}, [], False, None, {}, "")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionLeaveForm().run(dispatcher, tracker, {}))
    assert events == [{"event": "slot", "timestamp": None, "name": name, "value": None}
                      for name in ("phone_number", "plus_kod", "new_plus_kod",
                                   "new_plus_kod_confirmation", "new_plus_kod_seal",
                                   "activation_proof", "change_proof", "verification_outcome")]
    assert dispatcher.messages == []


def test_help_at_a_prompt_fits_the_prompt_being_asked():
    from actions.code_forms import ActionHelpAtPrompt

    said = {}
    for requested in ("phone_number", "plus_kod", "new_plus_kod", "new_plus_kod_confirmation",
                      None):
        tracker = Tracker("unsure", {"requested_slot": requested}, {}, [], False, None, {}, "")
        dispatcher = CollectingDispatcher()
        assert asyncio.run(ActionHelpAtPrompt().run(dispatcher, tracker, {})) == []
        said[requested] = [m["response"] for m in dispatcher.messages]
    assert said == {"phone_number": ["utter_help_phone_number"],
                    "plus_kod": ["utter_help_plus_kod"],
                    "new_plus_kod": ["utter_help_new_plus_kod"],
                    "new_plus_kod_confirmation": ["utter_help_new_plus_kod"],
                    None: ["utter_help_phone_number"]}
