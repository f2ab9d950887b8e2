"""Changing an active Plus Kod 5: real rasa_sdk objects, a real SQLite directory, real proofs."""

import asyncio
from datetime import timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.change import CHANGE_SLOTS, ActionFinishChange, ValidateChangeCodeForm
from actions.verification import ValidateVerificationForm
from pluskod.core.directory import Asker, Outcome
from pluskod.core.masking import MASK
from pluskod.core.proofs import ACCOUNT, CHANGE, ProofSealer
from tests.actions.conftest import SESSION, form_tracker
from tests.conftest import FAST_HASHER, EpochClock

FORM_SLOTS = ["plus_kod", "new_plus_kod", "new_plus_kod_confirmation"]
EXPIRED = {"plus_kod": MASK, "new_plus_kod": MASK, "new_plus_kod_confirmation": MASK,
           "new_plus_kod_seal": None, "change_proof": None, "verification_outcome": "expired"}


@pytest.fixture
def directory(demo_directory):
    return demo_directory


@pytest.fixture
def form(directory, sealer):
    return ValidateChangeCodeForm(directory, sealer)


def verified(directory, sealer, code="48213", number="600100200", sender="conversation-1"):
    """The verification proof a right code leaves (as the verification form seals it)."""
    dispatcher = CollectingDispatcher()
    tracker = form_tracker("verification_form", sender=sender, phone_number=number)
    result = ValidateVerificationForm(directory, sealer).validate_plus_kod(code, dispatcher,
                                                                           tracker, {})
    assert result["verification_outcome"] == "verified", (result, dispatcher.messages)
    return {"verification_proof": result["verification_proof"]}


def proven(form, slots, code="48213"):
    """Slots after the current code was typed again in the change form."""
    result, said = validate(form, "plus_kod", code, requested="plus_kod", **slots)
    assert said == [] and set(result) == {"plus_kod", "change_proof"}, (result, said)
    return {**slots, "change_proof": result["change_proof"]}


def tracker(requested="new_plus_kod", **slots):
    return form_tracker("change_code_form", requested_slot=requested, **slots)


def validate(form, slot, text, tracker_=None, **slots):
    dispatcher = CollectingDispatcher()
    result = getattr(form, f"validate_{slot}")(text, dispatcher, tracker_ or tracker(**slots), {})
    return result, [m["response"] for m in dispatcher.messages]


def change(form, code, slots, confirmation=None):
    slots = proven(form, slots)
    first, said = validate(form, "new_plus_kod", code, **slots)
    assert said == [], said
    return validate(form, "new_plus_kod_confirmation", confirmation or code,
                    requested="new_plus_kod_confirmation", **{**slots, **first})


def check(directory, number, code):
    return directory.check_code(number, code, Asker("check", "check")).outcome


def required(form, **slots):
    return asyncio.run(form.required_slots(FORM_SLOTS, CollectingDispatcher(),
                                           tracker(**slots), {}))


def finish(directory, sealer, **slots):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFinishChange(directory, sealer).run(
        dispatcher, tracker(requested=None, **slots), {}))
    return [m["response"] for m in dispatcher.messages], events


def test_the_form_starts_only_for_a_kod5_verification(form, directory, sealer):
    assert required(form, requested=None, **verified(directory, sealer)) == FORM_SLOTS
    assert required(form, requested=None) == []
    assert required(form, requested=None, **verified(directory, sealer, "7391")) == []
    assert required(form, requested=None, verification_proof="forged") == []


def test_without_a_kod5_verification_the_finish_says_what_is_needed(directory, sealer):
    assert finish(directory, sealer)[0] == ["utter_change_needs_verification"]
    kod4 = verified(directory, sealer, "7391")
    assert finish(directory, sealer, **kod4)[0] == ["utter_change_needs_kod5"]


def test_the_current_code_is_asked_again_and_counted(form, directory, sealer):
    """Whoever reaches a verified conversation must still know the code to change it."""
    slots = verified(directory, sealer)
    assert validate(form, "plus_kod", "11111", requested="plus_kod", **slots) == (
        {"plus_kod": None}, ["utter_plus_kod_wrong"])
    assert [s.failures for s in directory.lock_state("600100200")][0] == 1
    assert validate(form, "plus_kod", "7391", requested="plus_kod", **slots) == (
        {"plus_kod": None}, ["utter_change_current_format"])         # a Kod 4: no attempt
    assert validate(form, "plus_kod", "/verify_code", requested="plus_kod", **slots) == (
        {"plus_kod": None}, ["utter_code_expected"])
    assert [s.failures for s in directory.lock_state("600100200")][0] == 1
    result = proven(form, slots, "48 213")
    proof = sealer.open(result["change_proof"], sender_id="conversation-1", session=SESSION,
                        scopes=(CHANGE,))
    assert (proof.msisdn, sealer.is_proven_code(proof, "48213")) == ("600100200", True)
    assert "48213" not in str(result)


def test_wrong_current_codes_lock_the_account_and_end_the_form(form, directory, sealer):
    slots = verified(directory, sealer)
    answers = [validate(form, "plus_kod", code, requested="plus_kod", **slots)
               for code in ("11111", "22222", "33333")]
    assert [a[1] for a in answers] == [["utter_plus_kod_wrong"]] * 2 + [[]]
    assert answers[2][0] == {"plus_kod": MASK, "verification_outcome": "locked"}
    assert finish(directory, sealer, verification_outcome="locked")[0] == ["utter_code_locked"]


def test_no_current_code_is_compared_without_a_kod5_verification(form, directory, sealer):
    for slots in ({}, {"verification_proof": "forged"}, verified(directory, sealer, "7391")):
        assert validate(form, "plus_kod", "48213", requested="plus_kod", **slots) == (
            EXPIRED, [])
    assert [s.failures for s in directory.lock_state("600100200")] == [0, 0]


def test_mid_form_a_lost_proof_is_the_validators_to_handle(form):
    """What was typed must still be validated (and so masked), never left as typed."""
    assert required(form, requested="new_plus_kod") == FORM_SLOTS


@pytest.mark.parametrize("code, response", [
    ("1234", "utter_new_code_not_five_digits"), ("abcde", "utter_code_expected"),
    ("48213", "utter_new_code_same_as_old"), ("48 213", "utter_new_code_same_as_old"),
    ("77777", "utter_new_code_repeated_digit"), ("34567", "utter_new_code_sequence"),
    ("00200", "utter_new_code_part_of_phone_number"),
    ("00201", "utter_new_code_part_of_phone_number"),     # another number of the account
    ("/verify_code", "utter_code_expected"),
])
def test_each_weak_new_code_is_refused_with_its_reason(form, directory, sealer, code, response):
    slots = proven(form, verified(directory, sealer))
    assert validate(form, "new_plus_kod", code, **slots) == ({"new_plus_kod": None}, [response])


def test_the_new_code_step_compares_nothing_stored(form, directory, sealer):
    slots = proven(form, verified(directory, sealer))
    rows = directory.attempt_rows()
    compared = []
    directory.hasher.verify = lambda stored, *rest: compared.append(stored) or False
    try:
        validate(form, "new_plus_kod", "55120", **slots)   # account B's temporary code
        validate(form, "new_plus_kod", "48213", **slots)
    finally:
        del directory.hasher.verify
    assert compared == [] and directory.attempt_rows() == rows


def test_a_change_makes_the_new_code_work_and_keeps_the_customer_verified(form, directory,
                                                                          sealer):
    slots = verified(directory, sealer)
    result, said = change(form, "80416", slots)
    assert said == [] and result["verification_outcome"] == "changed"
    assert result["new_plus_kod_confirmation"] == MASK and result["new_plus_kod_seal"] is None
    assert result["change_proof"] is None
    assert check(directory, "600100201", "80416") is Outcome.VERIFIED   # the whole account
    assert check(directory, "600100200", "48213") is Outcome.REJECTED
    proof = sealer.open(result["verification_proof"], sender_id="conversation-1",
                        session=SESSION, scopes=(ACCOUNT,))
    assert proof.version == directory.current_version("600100200", ACCOUNT)
    assert proof.typed is None            # a verification proof holds no trace of the code
    assert "80416" not in str(result)
    assert finish(directory, sealer, verification_outcome="changed")[0] == ["utter_code_changed"]


def test_a_confirmation_that_differs_changes_nothing(form, directory, sealer):
    result, said = change(form, "80416", verified(directory, sealer), confirmation="80417")
    assert said == ["utter_new_code_mismatch"]
    assert result == {"new_plus_kod": None, "new_plus_kod_confirmation": None,
                      "new_plus_kod_seal": None}
    assert check(directory, "600100200", "48213") is Outcome.VERIFIED


@pytest.mark.parametrize("forged", [None, "", "true", "eyJhbGciOiJub25lIn0.e30."])
def test_no_code_is_changed_without_a_proof_of_the_current_code(form, directory, sealer, forged):
    """A verification alone (or a verification proof put in the change's slot) is not enough:
    the current code must have been typed in the change form."""
    verification = verified(directory, sealer)
    for slots in ({**verification, "change_proof": forged},
                  {**verification, "change_proof": verification["verification_proof"]}):
        assert validate(form, "new_plus_kod", "80416", **slots) == (EXPIRED, [])
    assert check(directory, "600100200", "48213") is Outcome.VERIFIED


def test_a_proof_of_another_conversation_or_session_changes_nothing(form, directory, sealer):
    slots = proven(form, verified(directory, sealer))
    first, _ = validate(form, "new_plus_kod", "80416", **slots)
    slots = {**slots, **first}
    for moved in (form_tracker("change_code_form", sender="attacker", **slots),
                  form_tracker("change_code_form", session=SESSION + 1, **slots)):
        assert validate(form, "new_plus_kod_confirmation", "80416", moved)[0] == EXPIRED
    assert check(directory, "600100200", "48213") is Outcome.VERIFIED


def test_an_idle_verification_changes_nothing(directory):
    clock = EpochClock()
    sealer = ProofSealer(FAST_HASHER, idle=timedelta(minutes=10), clock=clock)
    form = ValidateChangeCodeForm(directory, sealer)
    slots = proven(form, verified(directory, sealer))
    first, _ = validate(form, "new_plus_kod", "80416", **slots)
    clock.now += 11 * 60
    assert validate(form, "new_plus_kod_confirmation", "80416", **{**slots, **first})[0] == EXPIRED
    assert check(directory, "600100200", "48213") is Outcome.VERIFIED


def test_a_change_elsewhere_voids_this_conversation_s_proof(form, directory, sealer):
    """Two conversations verified the same code: once one changed it, the other's proof is
    void (its code is gone) and a replayed confirmation changes nothing."""
    mine = proven(form, verified(directory, sealer))
    theirs = verified(directory, sealer, sender="conversation-2")
    other = form_tracker("change_code_form", sender="conversation-2", requested_slot="plus_kod",
                         **theirs)
    theirs["change_proof"] = form.validate_plus_kod("48213", CollectingDispatcher(), other,
                                                    {})["change_proof"]
    first, _ = validate(form, "new_plus_kod", "80416", **mine)
    other = form_tracker("change_code_form", sender="conversation-2", **theirs)
    their_first = form.validate_new_plus_kod("61940", CollectingDispatcher(), other, {})
    other = form_tracker("change_code_form", sender="conversation-2", **{**theirs, **their_first})
    assert form.validate_new_plus_kod_confirmation("61940", CollectingDispatcher(), other,
                                                   {})["verification_outcome"] == "changed"
    assert validate(form, "new_plus_kod_confirmation", "80416", **{**mine, **first})[0] == EXPIRED
    assert check(directory, "600100200", "61940") is Outcome.VERIFIED


def test_a_locked_account_is_not_changed(form, directory, sealer):
    slots = proven(form, verified(directory, sealer))
    first, _ = validate(form, "new_plus_kod", "80416", **slots)
    for n in range(3):
        directory.check_code("600100201", "11111", Asker(f"guess-{n}", f"client-{n}"))
    result, said = validate(form, "new_plus_kod_confirmation", "80416",
                            requested="new_plus_kod_confirmation", **{**slots, **first})
    assert result["verification_outcome"] == "locked"
    directory.unlock("600100200")
    assert check(directory, "600100200", "48213") is Outcome.VERIFIED


def test_a_typed_seal_is_useless(form, directory, sealer):
    slots = {**proven(form, verified(directory, sealer)), "new_plus_kod": MASK,
             "new_plus_kod_seal": "80416"}
    result, said = validate(form, "new_plus_kod_confirmation", "80416",
                            requested="new_plus_kod_confirmation", **slots)
    assert said == ["utter_new_code_mismatch"] and "verification_outcome" not in result


@pytest.mark.parametrize("outcome, response", [
    ("changed", "utter_code_changed"), ("stale", "utter_change_expired"),
    ("expired", "utter_change_expired"), ("locked", "utter_code_locked"),
    ("too_many_failures", "utter_too_many_failures"), ("client_blocked", "utter_client_blocked"),
    ("not_active", "utter_change_not_active")])
def test_the_finish_says_the_outcome_and_forgets_the_new_codes(directory, sealer, outcome,
                                                               response):
    said, events = finish(directory, sealer, verification_outcome=outcome,
                          new_plus_kod_seal="$argon2id$x")
    assert said == [response]
    assert {e["name"]: e["value"] for e in events} == {s: None for s in CHANGE_SLOTS}


def test_required_slots_end_after_every_final_outcome(form, directory, sealer):
    slots = verified(directory, sealer)
    for outcome in ("changed", "stale", "expired", "locked", "not_active", "too_many_failures",
                    "client_blocked"):
        assert required(form, verification_outcome=outcome, **slots) == [], outcome
