"""Verification actions with real rasa_sdk objects, a real SQLite directory and real proofs."""

import asyncio
from datetime import timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.verification import (
    ActionFinishVerification,
    ActionVerificationStatus,
    ValidateVerificationForm,
)
from pluskod.core.demo import seed_demo
from pluskod.core.directory import CustomerDirectory
from pluskod.core.lockout import Limit, LockoutPolicy
from pluskod.core.masking import MASK
from pluskod.core.proofs import ACCOUNT, NUMBER
from tests.actions.conftest import SESSION, form_tracker
from tests.conftest import FAST_HASHER


@pytest.fixture
def directory(demo_directory):
    return demo_directory


@pytest.fixture
def form(directory, sealer):
    return ValidateVerificationForm(directory, sealer)


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


def finish(directory, sealer, **slots):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFinishVerification(directory, sealer).run(
        dispatcher, tracker(**slots), {}))
    return [m["response"] for m in dispatcher.messages], events


@pytest.mark.parametrize("text", ["600100200", "600 100 200", "600-100-200", "+48 600 100 200",
                                  "0048600100200", "600.100.200", "６００１００２００"])
def test_every_phone_format_is_accepted(form, text):
    assert phone(form, text) == ({"phone_number": "600100200"}, [])


@pytest.mark.parametrize("text", ["60010020", "abc", "600 100 200 300", '/inform{"x": 1}',
                                  "48213", "48213 7391"])
def test_anything_else_is_asked_again(form, text):
    assert phone(form, text) == ({"phone_number": None}, ["utter_phone_number_invalid"])


@pytest.mark.parametrize("number, offer", [("600 300 400", "na_karte"), ("600400500", "mix")])
def test_prepaid_numbers_are_refused_before_any_code(form, number, offer):
    result, said = phone(form, number)
    assert result["verification_outcome"] == "prepaid" and result["offer_type"] == offer
    assert said == ["utter_prepaid_not_available"]


def test_an_unknown_number_is_accepted_like_a_known_one(form):
    assert phone(form, "699 999 999") == ({"phone_number": "699999999"}, [])


@pytest.mark.parametrize("number, kod, scope", [("600100200", "48213", ACCOUNT),
                                                ("600100201", "48213", ACCOUNT),
                                                ("600100200", "7391", NUMBER),
                                                ("600100201", "2846", NUMBER),
                                                ("600200300", "1357", NUMBER)])
def test_right_codes_leave_a_proof_of_their_scope(form, sealer, number, kod, scope):
    result, said = code(form, kod, number)
    assert said == [] and result["plus_kod"] == MASK
    assert result["verification_outcome"] == "verified"
    proof = sealer.open(result["verification_proof"], sender_id="conversation-1",
                        session=SESSION)
    assert (proof.msisdn, proof.scope) == (number, scope)
    assert kod not in result["verification_proof"]


def test_a_temporary_kod5_does_not_verify(form):
    result, _ = code(form, "55120", "600200300")
    assert result == {"plus_kod": MASK, "verification_outcome": "temporary"}


def test_unknown_number_and_wrong_code_look_the_same(form):
    wrong = code(form, "11112", "600100200")
    unknown = code(form, "11112", "699999999")
    assert wrong == unknown == ({"plus_kod": None}, ["utter_plus_kod_wrong"])


def test_three_wrong_codes_lock_the_account_even_from_new_conversations(form):
    results = [form.validate_plus_kod("11112", CollectingDispatcher(), form_tracker(
        "verification_form", sender=f"c{n}", phone_number="600100200"), {}) for n in range(3)]
    assert results[-1] == {"plus_kod": MASK, "verification_outcome": "locked"}
    result, _ = code(form, "48213", "600100201")        # the right code, on the other number
    assert result["verification_outcome"] == "locked"


def test_the_conversation_stops_taking_codes_and_a_success_does_not_reset_it(form):
    numbers = ["600100200", "600100201", "699999999", "600200300", "699999998"]
    code(form, "7391", "600100200")                        # a success first
    results = [code(form, "11223", n)[0] for n in numbers]
    assert results[:4] == [{"plus_kod": None}] * 4
    assert results[4] == {"plus_kod": MASK, "verification_outcome": "too_many_failures"}
    assert code(form, "48213")[0]["verification_outcome"] == "too_many_failures"


def test_a_client_is_counted_across_conversations(directory_url, sealer):
    directory = CustomerDirectory(directory_url, FAST_HASHER, LockoutPolicy(
        client=Limit(3, timedelta(hours=1), timedelta(hours=1))))
    directory.create_schema()
    seed_demo(directory)
    form = ValidateVerificationForm(directory, sealer)

    def attempt(sender, client, number, kod):
        return form.validate_plus_kod(kod, CollectingDispatcher(), form_tracker(
            "verification_form", sender=sender, client=client, phone_number=number), {})

    results = [attempt(f"c{n}", "attacker", f"69900000{n}", "11111") for n in range(3)]
    assert results[-1] == {"plus_kod": MASK, "verification_outcome": "client_blocked"}
    assert attempt("c9", "attacker", "600100200", "48213")["verification_outcome"] == \
        "client_blocked"
    assert attempt("c9", "customer", "600100200", "48213")["verification_outcome"] == "verified"


@pytest.mark.parametrize("text, response", [
    ("12", "utter_plus_kod_format"), ("123456", "utter_plus_kod_format"),
    ("", "utter_code_expected"), ('/inform{"verified": true}', "utter_code_expected"),
    ("abcde", "utter_code_expected"), ("/verify_code", "utter_code_expected")])
def test_malformed_codes_are_not_attempts(form, directory, text, response):
    """A wrong length is told the format; no digit at all (a button pressed at the prompt, a
    request) is told a code is awaited, and how to leave."""
    assert code(form, text) == ({"plus_kod": None}, [response])
    assert directory.attempt_rows() == 0


@pytest.mark.parametrize("text", ["48 213", "48-213", "４８２１３"])
def test_a_code_in_another_spelling_is_read(form, text):
    assert code(form, text)[0]["verification_outcome"] == "verified"


@pytest.mark.parametrize("number", [None, "", "anything", "48213"])
def test_without_a_phone_number_of_this_form_no_code_is_compared(form, directory, number):
    """A forged ``requested_slot`` that skips the phone step gets the phone step back."""
    assert code(form, "48213", number) == ({"plus_kod": None, "phone_number": None}, [])
    assert directory.attempt_rows() == 0


def test_required_slots_end_after_a_final_outcome(form):
    slots = asyncio.run(form.required_slots(["phone_number", "plus_kod"], CollectingDispatcher(),
                                            tracker(verification_outcome="locked"), {}))
    assert slots == []


@pytest.mark.parametrize("number, kod, response", [
    ("600100200", "48213", "utter_verified_kod5"), ("600100200", "7391", "utter_verified_kod4")])
def test_finish_says_verified_only_with_a_proof_that_holds(form, directory, sealer, number, kod,
                                                           response):
    proof = code(form, kod, number)[0]["verification_proof"]
    said, events = finish(directory, sealer, verification_outcome="verified",
                          verification_proof=proof)
    assert said == [response]
    assert {"event": "slot", "timestamp": None, "name": "plus_kod", "value": None} in events


def test_finish_says_nothing_of_verified_for_a_forged_or_moved_proof(form, directory, sealer):
    proof = code(form, "48213")[0]["verification_proof"]
    assert finish(directory, sealer, verification_outcome="verified")[0] == []
    assert finish(directory, sealer, verification_outcome="verified",
                  verification_proof="forged")[0] == []
    other_conversation = form_tracker("verification_form", sender="someone-else",
                                      verification_outcome="verified", verification_proof=proof)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFinishVerification(directory, sealer).run(dispatcher, other_conversation,
                                                                {}))
    assert dispatcher.messages == []
    new_session = form_tracker("verification_form", session=SESSION + 3600,
                               verification_outcome="verified", verification_proof=proof)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFinishVerification(directory, sealer).run(dispatcher, new_session, {}))
    assert dispatcher.messages == []


def test_a_proof_is_void_once_its_code_changes(form, directory, sealer):
    proof = code(form, "1357", "600200300")[0]["verification_proof"]     # Kod 4 of account B
    assert finish(directory, sealer, verification_outcome="verified",
                  verification_proof=proof)[0] == ["utter_verified_kod4"]
    directory.import_records([], [("600200300", "abonament", "B", "2468")])  # a new Kod 4
    assert finish(directory, sealer, verification_outcome="verified",
                  verification_proof=proof)[0] == []


@pytest.mark.parametrize("outcome, response", [
    ("temporary", "utter_code_temporary"), ("locked", "utter_code_locked"),
    ("too_many_failures", "utter_too_many_failures"), ("client_blocked", "utter_client_blocked"),
    ("prepaid", None), (None, None)])
def test_finish_says_what_the_other_outcomes_mean(directory, sealer, outcome, response):
    said, events = finish(directory, sealer, verification_outcome=outcome)
    assert said == ([response] if response else [])
    assert {e["name"] for e in events} == {"plus_kod", "verification_outcome"}


def status(directory, sealer, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionVerificationStatus(directory, sealer).run(dispatcher, tracker_, {}))
    return [(m["response"], m.get("number")) for m in dispatcher.messages], events


@pytest.mark.parametrize("number, kod, scope", [
    ("600100201", "48213", ACCOUNT), ("600100201", "2846", NUMBER)])
def test_a_verification_proof_holds_no_trace_of_the_code(form, sealer, number, kod, scope):
    proof = sealer.open(code(form, kod, number)[0]["verification_proof"],
                        sender_id="conversation-1", session=SESSION)
    assert (proof.scope, proof.typed, sealer.is_proven_code(proof, kod)) == (scope, None, False)


def test_the_verified_message_names_the_number_by_its_last_digits(form, directory, sealer):
    proof = code(form, "2846", "600100201")[0]["verification_proof"]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFinishVerification(directory, sealer).run(
        dispatcher, tracker(verification_outcome="verified", verification_proof=proof), {}))
    assert [(m["response"], m["number"]) for m in dispatcher.messages] == [
        ("utter_verified_kod4", "*** *** 201")]


def test_a_verified_customer_is_not_asked_again(form, directory, sealer):
    proof = code(form, "48213")[0]["verification_proof"]
    starting = form_tracker("verification_form", requested_slot=None, verification_proof=proof)
    slots = asyncio.run(form.required_slots(["phone_number", "plus_kod"], CollectingDispatcher(),
                                            starting, {}))
    assert slots == []
    assert finish(directory, sealer, verification_proof=proof)[0] == ["utter_still_verified_kod5"]
    kod4 = code(form, "7391")[0]["verification_proof"]
    for void, number in ((None, None), ("forged", None), (kod4, None), (kod4, "600100200"),
                         (proof, "600200300")):
        # no proof, a forged one, a Kod 4 one (Kod 5 may follow), another number: asked
        starting = form_tracker("verification_form", requested_slot=None, phone_number=number,
                                verification_proof=void)
        assert asyncio.run(form.required_slots(["phone_number", "plus_kod"],
                                               CollectingDispatcher(), starting, {})) == [
            "phone_number", "plus_kod"], (void, number)
    same_number = form_tracker("verification_form", requested_slot=None,
                               phone_number="600 100 200", verification_proof=proof)
    assert asyncio.run(form.required_slots(["phone_number", "plus_kod"],
                                           CollectingDispatcher(), same_number, {})) == []


def test_the_status_is_yes_with_scope_and_number_only_while_the_proof_holds(form, directory,
                                                                             sealer):
    proof = code(form, "48213")[0]["verification_proof"]
    assert status(directory, sealer, tracker(verification_proof=proof)) == (
        [("utter_still_verified_kod5", "*** *** 200")], [])      # no renewal: no events
    other = form_tracker("verification_form", sender="someone-else", verification_proof=proof)
    for void in (tracker(), tracker(verification_proof="forged"), other,
                 form_tracker("verification_form", session=SESSION + 1,
                              verification_proof=proof)):
        assert status(directory, sealer, void) == ([("utter_not_verified", None)], [])
    directory.import_records([("A", "61940", "active")], [])          # the code changed
    assert status(directory, sealer, tracker(verification_proof=proof))[0] == [
        ("utter_not_verified", None)]
