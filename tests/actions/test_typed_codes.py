"""Codes typed where none was asked for: never used, and the customer is told (real rasa_sdk
trackers, as the Rasa server sends them)."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.server import Services, actions_of
from actions.typed_codes import ActionAnswerData, asking_actions, prompt_of_latest_message


def tracker(text, *before):
    """A tracker whose latest message is ``text``, after the events ``before``."""
    events = [{"event": "session_started", "timestamp": 1.0}, *before,
              {"event": "user", "timestamp": 9.0, "text": text}]
    return Tracker.from_dict({"sender_id": "typed", "slots": {}, "events": events,
                              "paused": False, "latest_message": {"text": text},
                              "followup_action": None, "active_loop": {},
                              "latest_action_name": "action_listen"})


def asked(slot):
    return {"event": "slot", "name": "requested_slot", "value": slot}


def said(action, tracker_):
    dispatcher = CollectingDispatcher()
    assert asyncio.run(action.run(dispatcher, tracker_, {})) == []
    return [m["response"] for m in dispatcher.messages]


def test_the_prompt_of_the_latest_message_is_the_one_asked_before_it():
    assert prompt_of_latest_message(tracker("x")) is None
    assert prompt_of_latest_message(tracker("x", asked("phone_number"))) == "phone_number"
    assert prompt_of_latest_message(tracker("x", asked("phone_number"), asked("plus_kod"))) == \
        "plus_kod"
    left = [asked("plus_kod"), {"event": "active_loop", "name": None}]
    assert prompt_of_latest_message(tracker("x", *left)) is None
    # what the form does after the message does not change what the message answered
    after = tracker("48213", asked("plus_kod"))
    after.events.append(asked("phone_number"))
    assert prompt_of_latest_message(after) == "plus_kod"


@pytest.mark.parametrize("text, response", [
    ("48213", "utter_code_outside_prompt"), ("4 8 2 1 3", "utter_code_outside_prompt"),
    ("７３９１", "utter_code_outside_prompt"), ("600 100 200 48213", "utter_code_outside_prompt"),
    ("600 100 200", "utter_inform_without_context"),
    ("+48 600-100-200", "utter_inform_without_context"),
])
def test_data_alone_tells_a_code_from_a_number(text, response):
    assert said(ActionAnswerData(), tracker(text)) == [response]


ASKS = {action.name(): action for action in asking_actions()}


@pytest.mark.parametrize("name, response", [
    ("action_ask_phone_number", "utter_ask_phone_number"),
    ("action_ask_plus_kod", "utter_ask_plus_kod"),
    ("action_ask_activation_form_plus_kod", "utter_ask_activation_form_plus_kod")])
def test_each_question_comes_after_the_notice_only_when_a_code_was_typed_unasked(name, response):
    ask = ASKS[name]
    assert said(ask, tracker("zweryfikuj mnie, kod 48213")) == ["utter_code_not_used", response]
    assert said(ask, tracker("600 100 200 48213", asked("phone_number"))) == [
        "utter_code_not_used", response]
    assert said(ask, tracker("zweryfikuj mnie")) == [response]
    assert said(ask, tracker("600 100 200", asked("phone_number"))) == [response]
    for mistyped in ("600 100 20", "60010020", "6001002000"):   # a number, not a code
        assert said(ask, tracker(mistyped, asked("phone_number"))) == [response]
    assert said(ask, tracker("cztery osiem dwa", asked("phone_number"))) == [
        "utter_code_not_used", response]
    for prompt in ("plus_kod", "new_plus_kod", "new_plus_kod_confirmation"):
        assert said(ask, tracker("48213", asked(prompt))) == [response]   # asked: no notice


def test_the_questions_are_registered_once_each(demo_directory):
    from pluskod.core.proofs import ProofSealer
    names = [a.name() for a in actions_of(Services(demo_directory,
                                                   ProofSealer(demo_directory.hasher)))]
    assert sorted(set(ASKS) & set(names)) == sorted(ASKS) and len(names) == len(set(names))
