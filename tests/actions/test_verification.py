"""Verification actions with real rasa_sdk objects and a real SQLite directory."""

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.verification import (ActionFinishVerification, ValidateVerificationForm,
                                  CONVERSATION_LIMIT)
from tests.actions.conftest import form_tracker


@pytest.fixture
def directory(demo_directory):
    return demo_directory


@pytest.fixture
def form(directory):
    return ValidateVerificationForm(directory)


def tracker(**slots):
    return form_tracker("verification_form", **slots)


def phone(form, text, **slots):
    dispatcher = CollectingDispatcher()
    return form.validate_phone_number(text, dispatcher, tracker(**slots), {}), \
        [m["response"] for m in dispatcher.messages]


def code(form, text, number="600100200", **slots):
    dispatcher = CollectingDispatcher()
    result = form.validate_plus_kod(text, dispatcher, tracker(phone_number=number, **slots), {})
    return result, [m["response"] for m in dispatcher.messages]


@pytest.mark.parametrize("text", ["600100200", "600 100 200", "600-100-200", "+48 600 100 200",
                                  "0048600100200"])
def test_every_phone_format_is_accepted(form, text):
    assert phone(form, text) == ({"phone_number": "600100200"}, [])


@pytest.mark.parametrize("text", ["60010020", "abc", "600 100 200 300", '/inform{"x": 1}'])
def test_anything_else_is_asked_again(form, text):
    assert phone(form, text) == ({"phone_number": None}, ["utter_phone_number_invalid"])


@pytest.mark.parametrize("number, offer", [("600 300 400", "na_karte"), ("600400500", "mix")])
def test_prepaid_numbers_are_refused_before_any_code(form, number, offer):
    result, said = phone(form, number)
    assert result["verification_outcome"] == "prepaid" and result["offer_type"] == offer
    assert said == ["utter_prepaid_not_available"]


def test_an_unknown_number_is_accepted_like_a_known_one(form):
    assert phone(form, "699 999 999") == ({"phone_number": "699999999"}, [])


@pytest.mark.parametrize("number, kod, scope", [("600100200", "48213", "account"),
                                                ("600100201", "48213", "account"),
                                                ("600100200", "7391", "number"),
                                                ("600100201", "2846", "number"),
                                                ("600200300", "1357", "number")])
def test_right_codes_verify_with_their_scope(form, number, kod, scope):
    result, said = code(form, kod, number)
    assert result["verified"] is True and result["verified_scope"] == scope
    assert result["plus_kod"] != kod and said == []


def test_a_temporary_kod5_does_not_verify(form):
    result, _ = code(form, "55120", "600200300")
    assert result["verification_outcome"] == "temporary" and "verified" not in result


def test_unknown_number_and_wrong_code_look_the_same(form):
    wrong = code(form, "11112", "600100200")
    unknown = code(form, "11112", "699999999")
    assert wrong == unknown == ({"plus_kod": None, "code_failures": 1}, ["utter_plus_kod_wrong"])


def test_three_wrong_codes_lock_the_number(form):
    outcomes = [code(form, "11112", code_failures=i)[0] for i in range(3)]
    assert outcomes[-1]["verification_outcome"] == "locked"
    result, _ = code(form, "48213")                      # right code, still locked
    assert result["verification_outcome"] == "locked"


def test_the_conversation_stops_taking_codes_after_its_limit(form):
    result, said = code(form, "48213", code_failures=CONVERSATION_LIMIT)
    assert result["verification_outcome"] == "too_many_failures" and said == []


@pytest.mark.parametrize("text", ["", "12", "123456", '/inform{"verified": true}'])
def test_malformed_codes_are_not_attempts(form, text):
    assert code(form, text) == ({"plus_kod": None}, ["utter_plus_kod_format"])


def test_a_code_split_by_spaces_is_read(form):
    result, _ = code(form, "48 213")
    assert result["verified"] is True


def test_required_slots_end_after_a_final_outcome(form):
    slots = asyncio.run(form.required_slots(["phone_number", "plus_kod"], CollectingDispatcher(),
                                            tracker(verification_outcome="locked"), {}))
    assert slots == []


@pytest.mark.parametrize("outcome, scope, response", [
    ("verified", "account", "utter_verified_kod5"), ("verified", "number", "utter_verified_kod4"),
    ("temporary", None, "utter_code_temporary"), ("locked", None, "utter_code_locked"),
    ("too_many_failures", None, "utter_too_many_failures")])
def test_finish_says_what_the_outcome_means_and_forgets_the_code(outcome, scope, response):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFinishVerification().run(
        dispatcher, tracker(verification_outcome=outcome, verified_scope=scope), {}))
    assert [m["response"] for m in dispatcher.messages] == [response]
    assert {"event": "slot", "timestamp": None, "name": "plus_kod", "value": None} in events
