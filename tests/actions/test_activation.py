"""Activation actions with real rasa_sdk objects and a real SQLite directory."""

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.activation import (ACTIVATION_SLOTS, ActionFinishActivation,
                                ValidateActivationForm)
from actions.code_forms import CONVERSATION_LIMIT, MASK
from actions.directory import Outcome
from tests.actions.conftest import form_tracker


@pytest.fixture
def directory(demo_directory):
    return demo_directory


@pytest.fixture
def form(directory):
    return ValidateActivationForm(directory)


def tracker(**slots):
    return form_tracker("activation_form", **slots)


def validate(form, slot, text, **slots):
    dispatcher = CollectingDispatcher()
    result = getattr(form, f"validate_{slot}")(text, dispatcher, tracker(**slots), {})
    return result, [m["response"] for m in dispatcher.messages]


def proven(form, number="600200300", temporary="55120"):
    """Slots after the temporary code was proven for ``number``."""
    result, said = validate(form, "plus_kod", temporary, phone_number=number)
    assert said == [] and result["activation_number"] == number, (result, said)
    return {"phone_number": number, "activation_number": number}


def new_code(form, code, slots):
    result, said = validate(form, "new_plus_kod", code, **slots)
    return result, said


def activate(form, code, slots, confirmation=None):
    first, said = new_code(form, code, slots)
    assert said == [], said
    slots = {**slots, **first}
    return validate(form, "new_plus_kod_confirmation", confirmation or code, **slots)


def test_the_temporary_code_is_proven_and_not_kept(form):
    result, said = validate(form, "plus_kod", "55 120", phone_number="600200300")
    assert result == {"plus_kod": MASK, "activation_number": "600200300", "code_failures": 0}
    assert said == []


def test_a_kod4_is_not_a_temporary_code_and_costs_no_attempt(form):
    assert validate(form, "plus_kod", "1357", phone_number="600200300") == (
        {"plus_kod": None}, ["utter_temporary_code_format"])


def test_an_active_kod5_needs_no_activation(form):
    result, said = validate(form, "plus_kod", "48213", phone_number="600100200")
    assert result["verification_outcome"] == "already_active" and "activation_number" not in result


def test_a_wrong_temporary_code_and_an_unknown_number_look_the_same(form):
    wrong = validate(form, "plus_kod", "11223", phone_number="600200300")
    unknown = validate(form, "plus_kod", "11223", phone_number="699999999")
    assert wrong == unknown == ({"plus_kod": None, "code_failures": 1}, ["utter_plus_kod_wrong"])


def test_wrong_temporary_codes_lock_the_number(form, directory):
    for failures in range(3):
        result, _ = validate(form, "plus_kod", "11223", phone_number="600200300",
                             code_failures=failures)
    assert result["verification_outcome"] == "locked"
    result, _ = validate(form, "plus_kod", "55120", phone_number="600200300")
    assert result["verification_outcome"] == "locked"          # even the right code now


def test_the_conversation_limit_holds_in_the_activation_too(form):
    result, said = validate(form, "plus_kod", "55120", phone_number="600200300",
                            code_failures=CONVERSATION_LIMIT)
    assert result["verification_outcome"] == "too_many_failures" and said == []


@pytest.mark.parametrize("code, reason", [
    ("1234", "not_five_digits"), ("123456", "not_five_digits"), ("abcde", "not_five_digits"),
    ("55120", "same_as_current"), ("77777", "repeated_digit"), ("34567", "sequence"),
    ("98765", "sequence"), ("00300", "part_of_phone_number"), ("60020", "part_of_phone_number"),
])
def test_each_weak_new_code_is_refused_with_its_reason(form, code, reason):
    assert new_code(form, code, proven(form)) == ({"new_plus_kod": None},
                                                  [f"utter_new_code_{reason}"])


def test_a_good_new_code_is_kept_only_as_a_hash(form):
    result, said = new_code(form, "80416", proven(form))
    assert said == [] and result["new_plus_kod"] == MASK
    assert result["new_plus_kod_seal"].startswith("$argon2id$")
    assert "80416" not in result["new_plus_kod_seal"]


def test_no_new_code_is_taken_before_the_temporary_code_was_proven(form):
    result, said = new_code(form, "80416", {"phone_number": "600200300"})
    assert result == {"new_plus_kod": None, "plus_kod": None} and said == []


def test_a_confirmation_that_differs_starts_the_new_code_again(form, directory):
    result, said = activate(form, "80416", proven(form), confirmation="80417")
    assert said == ["utter_new_code_mismatch"]
    assert result == {"new_plus_kod": None, "new_plus_kod_confirmation": None,
                      "new_plus_kod_seal": None}
    assert directory.check_code("600200300", "55120").outcome is Outcome.TEMPORARY


def test_activation_makes_the_new_code_work_and_the_old_one_fail(form, directory):
    result, said = activate(form, "80416", proven(form))
    assert said == [] and result["verification_outcome"] == "activated"
    assert result["new_plus_kod_confirmation"] == MASK
    assert directory.check_code("600200300", "80416").outcome is Outcome.VERIFIED
    assert directory.check_code("600200300", "55120").outcome is Outcome.REJECTED


def test_the_activation_goes_to_the_proven_number_not_a_later_one(form, directory):
    slots = {**proven(form), "phone_number": "600100200"}    # a number typed later in the chat
    result, _ = activate(form, "80416", slots)
    assert result["verification_outcome"] == "activated"
    assert directory.check_code("600200300", "80416").outcome is Outcome.VERIFIED
    assert directory.check_code("600100200", "48213").outcome is Outcome.VERIFIED


def test_a_second_activation_finds_nothing_to_activate(form, directory):
    slots = proven(form)
    activate(form, "80416", slots)
    result, _ = activate(form, "80418", slots)
    assert result["verification_outcome"] == "not_temporary"


def test_a_typed_seal_is_useless(form):
    slots = {**proven(form), "new_plus_kod": MASK, "new_plus_kod_seal": "80416"}
    result, said = validate(form, "new_plus_kod_confirmation", "80416", **slots)
    assert said == ["utter_new_code_mismatch"] and "verification_outcome" not in result


@pytest.mark.parametrize("outcome, response", [
    ("activated", "utter_code_activated"), ("already_active", "utter_code_already_active"),
    ("not_temporary", "utter_nothing_to_activate"), ("locked", "utter_code_locked"),
    ("too_many_failures", "utter_too_many_failures"), ("prepaid", None), (None, None)])
def test_the_finish_says_the_outcome_and_forgets_every_code_slot(outcome, response):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFinishActivation().run(
        dispatcher, tracker(verification_outcome=outcome, new_plus_kod_seal="$argon2id$x"), {}))
    assert [m["response"] for m in dispatcher.messages] == ([response] if response else [])
    assert {e["name"]: e["value"] for e in events} == {s: None for s in ACTIVATION_SLOTS}


def test_required_slots_end_after_a_final_outcome(form):
    slots = asyncio.run(form.required_slots(
        ["phone_number", "plus_kod", "new_plus_kod", "new_plus_kod_confirmation"],
        CollectingDispatcher(), tracker(verification_outcome="activated"), {}))
    assert slots == []
