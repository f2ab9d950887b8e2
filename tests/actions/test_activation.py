"""Activation actions with real rasa_sdk objects, a real SQLite directory and real proofs."""

import asyncio
from datetime import timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.activation import (
    ACTIVATION_SLOTS,
    START_OVER,
    ActionFinishActivation,
    ValidateActivationForm,
)
from pluskod.core.directory import Asker, Outcome
from pluskod.core.masking import MASK
from pluskod.core.proofs import ProofSealer
from tests.actions.conftest import SESSION, form_tracker
from tests.conftest import FAST_HASHER, EpochClock


@pytest.fixture
def directory(demo_directory):
    return demo_directory


@pytest.fixture
def form(directory, sealer):
    return ValidateActivationForm(directory, sealer)


def tracker(**slots):
    return form_tracker("activation_form", **slots)


def validate(form, slot, text, tracker_=None, **slots):
    dispatcher = CollectingDispatcher()
    result = getattr(form, f"validate_{slot}")(text, dispatcher, tracker_ or tracker(**slots), {})
    return result, [m["response"] for m in dispatcher.messages]


def proven(form, number="600200300", temporary="55120"):
    """Slots after the temporary code was proven for ``number``."""
    result, said = validate(form, "plus_kod", temporary, phone_number=number)
    assert said == [] and set(result) == {"plus_kod", "activation_proof"}, (result, said)
    return {"phone_number": number, "activation_proof": result["activation_proof"]}


def new_code(form, code, slots):
    return validate(form, "new_plus_kod", code, **slots)


def activate(form, code, slots, confirmation=None):
    first, said = new_code(form, code, slots)
    assert said == [], said
    slots = {**slots, **first}
    return validate(form, "new_plus_kod_confirmation", confirmation or code, **slots)


def check(directory, number, code):
    return directory.check_code(number, code, Asker("check", "check")).outcome


def test_the_temporary_code_is_proven_and_not_kept(form, sealer):
    result, said = validate(form, "plus_kod", "55 120", phone_number="600200300")
    assert result["plus_kod"] == MASK and said == [] and "55120" not in str(result)
    proof = sealer.open(result["activation_proof"], sender_id="conversation-1", session=SESSION,
                        scopes=("temporary",))
    assert proof.msisdn == "600200300" and sealer.is_proven_code(proof, "55120")


def test_a_kod4_is_not_a_temporary_code_and_costs_no_attempt(form, directory):
    assert validate(form, "plus_kod", "1357", phone_number="600200300") == (
        {"plus_kod": None}, ["utter_temporary_code_format"])
    assert directory.attempt_rows() == 0


def test_an_active_kod5_needs_no_activation(form):
    result, said = validate(form, "plus_kod", "48213", phone_number="600100200")
    assert result == {"plus_kod": MASK, "verification_outcome": "already_active"}


def test_a_wrong_temporary_code_and_an_unknown_number_look_the_same(form):
    wrong = validate(form, "plus_kod", "11223", phone_number="600200300")
    unknown = validate(form, "plus_kod", "11223", phone_number="699999999")
    assert wrong == unknown == ({"plus_kod": None}, ["utter_plus_kod_wrong"])


def test_wrong_temporary_codes_lock_the_account(form):
    for _ in range(3):
        result, _ = validate(form, "plus_kod", "11223", phone_number="600200300")
    assert result["verification_outcome"] == "locked"
    result, _ = validate(form, "plus_kod", "55120", phone_number="600200300")
    assert result["verification_outcome"] == "locked"          # even the right code now


@pytest.mark.parametrize("code, reason", [
    ("1234", "not_five_digits"), ("123456", "not_five_digits"),
    ("55120", "same_as_current"), ("55 120", "same_as_current"), ("77777", "repeated_digit"),
    ("34567", "sequence"), ("98765", "sequence"), ("00300", "part_of_phone_number"),
    ("60020", "part_of_phone_number"),
])
def test_each_weak_new_code_is_refused_with_its_reason(form, code, reason):
    assert new_code(form, code, proven(form)) == ({"new_plus_kod": None},
                                                  [f"utter_new_code_{reason}"])


@pytest.mark.parametrize("text", ["abcde", "/activate_code", "nie wiem jaki"])
def test_no_digit_at_all_is_told_a_code_is_awaited(form, text):
    slots = proven(form)
    assert new_code(form, text, slots) == ({"new_plus_kod": None}, ["utter_code_expected"])
    first, _ = new_code(form, "80416", slots)
    assert validate(form, "new_plus_kod_confirmation", text, **{**slots, **first}) == (
        {"new_plus_kod_confirmation": None}, ["utter_code_expected"])   # the first one kept


def test_the_new_code_step_compares_nothing_stored(form, directory):
    """Finding 4: the "differs from the temporary code" check reads the proof, not the
    directory, so it answers nothing about any account's stored code and counts nothing."""
    slots = proven(form)
    rows = directory.attempt_rows()
    compared = []
    directory.hasher.verify = lambda stored, *rest: compared.append(stored) or False
    try:
        new_code(form, "48213", slots)                 # account A's Kod 5: just a new code
        new_code(form, "55120", slots)
    finally:
        del directory.hasher.verify
    assert compared == [] and directory.attempt_rows() == rows


def test_a_good_new_code_is_kept_only_as_a_hash_and_renews_the_proof(form, sealer):
    slots = proven(form)
    result, said = new_code(form, "80416", slots)
    assert said == [] and result["new_plus_kod"] == MASK
    assert result["new_plus_kod_seal"].startswith("$argon2id$")
    assert "80416" not in result["new_plus_kod_seal"]
    assert result["activation_proof"] != slots["activation_proof"]


@pytest.mark.parametrize("forged", [None, "", "600200300", "true", "eyJhbGciOiJub25lIn0.e30."])
def test_no_new_code_is_taken_without_a_proof(form, forged):
    """Finding 2: a forged ``activation_proof`` (or the old ``activation_number``) is void."""
    slots = {"phone_number": "600200300", "activation_proof": forged,
             "activation_number": "600200300"}
    assert new_code(form, "80416", slots) == (START_OVER, ["utter_activation_start_over"])


def test_a_proof_from_another_conversation_or_session_is_void(form, directory):
    slots = proven(form)
    moved = form_tracker("activation_form", sender="attacker", **slots)
    assert validate(form, "new_plus_kod", "80416", moved)[0] == START_OVER
    later = form_tracker("activation_form", session=SESSION + 1, **slots)
    assert validate(form, "new_plus_kod", "80416", later)[0] == START_OVER
    first, _ = new_code(form, "80416", slots)
    moved = form_tracker("activation_form", sender="attacker", **{**slots, **first})
    assert validate(form, "new_plus_kod_confirmation", "80416", moved)[0] == START_OVER
    assert check(directory, "600200300", "55120") is Outcome.TEMPORARY


def test_a_proof_of_another_scope_is_no_activation_proof(form, directory, sealer):
    """A change's proof (the active code typed again) or a verification's, put in the
    activation's slot, proves no temporary code."""
    for scope, typed in (("change", "48213"), ("account", None)):
        token = sealer.seal(sender_id="conversation-1", session=SESSION, msisdn="600200300",
                            scope=scope, version=directory.current_version("600200300",
                                                                           "account"),
                            typed_code=typed)
        slots = {"phone_number": "600200300", "activation_proof": token}
        assert new_code(form, "80416", slots) == (START_OVER, ["utter_activation_start_over"])


def test_an_idle_proof_expires(directory):
    clock = EpochClock()
    sealer = ProofSealer(FAST_HASHER, idle=timedelta(minutes=10), clock=clock)
    form = ValidateActivationForm(directory, sealer)
    slots = proven(form)
    clock.now += 11 * 60
    assert new_code(form, "80416", slots) == (START_OVER, ["utter_activation_start_over"])


def test_a_confirmation_that_differs_starts_the_new_code_again(form, directory):
    result, said = activate(form, "80416", proven(form), confirmation="80417")
    assert said == ["utter_new_code_mismatch"]
    assert result == {"new_plus_kod": None, "new_plus_kod_confirmation": None,
                      "new_plus_kod_seal": None}
    assert check(directory, "600200300", "55120") is Outcome.TEMPORARY


def test_activation_makes_the_new_code_work_and_the_old_one_fail(form, directory):
    result, said = activate(form, "80416", proven(form))
    assert said == [] and result["verification_outcome"] == "activated"
    assert result["new_plus_kod_confirmation"] == MASK and result["activation_proof"] is None
    assert check(directory, "600200300", "80416") is Outcome.VERIFIED
    assert check(directory, "600200300", "55120") is Outcome.REJECTED


def test_the_activation_goes_to_the_proven_number_not_a_later_one(form, directory):
    slots = {**proven(form), "phone_number": "600100200"}    # a number typed or forged later
    result, _ = activate(form, "80416", slots)
    assert result["verification_outcome"] == "activated"
    assert check(directory, "600200300", "80416") is Outcome.VERIFIED
    assert check(directory, "600100200", "48213") is Outcome.VERIFIED


def test_a_replayed_proof_cannot_activate_twice(form, directory):
    slots = proven(form)
    activate(form, "80416", slots)
    first, said = new_code(form, "80418", slots)           # the proof is bound to the old code
    assert said == []
    result, said = validate(form, "new_plus_kod_confirmation", "80418", **{**slots, **first})
    assert result["verification_outcome"] == "not_temporary"
    assert check(directory, "600200300", "80416") is Outcome.VERIFIED


def test_a_new_first_invoice_voids_the_proof_of_the_old_one(form, directory):
    slots = proven(form)
    first, _ = new_code(form, "80416", slots)
    directory.set_temporary_kod5("B", "40617")
    result, said = validate(form, "new_plus_kod_confirmation", "80416", **{**slots, **first})
    assert (result, said) == (START_OVER, ["utter_activation_start_over"])
    assert check(directory, "600200300", "40617") is Outcome.TEMPORARY


def test_a_typed_or_copied_seal_is_useless(form, directory):
    slots = {**proven(form), "new_plus_kod": MASK, "new_plus_kod_seal": "80416"}
    result, said = validate(form, "new_plus_kod_confirmation", "80416", **slots)
    assert said == ["utter_new_code_mismatch"] and "verification_outcome" not in result
    other = directory.hasher.hash("pending_kod5", "attacker:600200300", "80416")
    slots["new_plus_kod_seal"] = other                     # sealed for another conversation
    result, said = validate(form, "new_plus_kod_confirmation", "80416", **slots)
    assert said == ["utter_new_code_mismatch"]


@pytest.mark.parametrize("outcome, response", [
    ("activated", "utter_code_activated"), ("already_active", "utter_code_already_active"),
    ("not_temporary", "utter_nothing_to_activate"), ("locked", "utter_code_locked"),
    ("too_many_failures", "utter_too_many_failures"),
    ("client_blocked", "utter_client_blocked"), ("prepaid", None), (None, None)])
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
