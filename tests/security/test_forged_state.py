"""Finding 2 (activation trusted a slot) and the proofs that replaced every trusted slot.

The attacker here holds an admin token - the worst case: a leaked token or an insider - and
writes events straight into conversations, runs actions and triggers intents. None of it may
verify anyone or change any code: only a proof sealed by the action server, in this very
conversation and session, for this number and this version of the code, counts.
"""

import time

import pytest
import requests

from tests.security.conftest import (
    PROOF_IDLE_SECONDS,
    VERIFIED_KOD4,
    VERIFIED_KOD5,
    Customer,
    server_directory,
)

pytestmark = pytest.mark.slow

NEW_CODE = "80416"


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def execute(customer, action):
    url = f"{customer.servers.rasa_url}/conversations/{customer.tracker_id}/execute"
    reply = requests.post(url,
                          json={"name": action}, headers=customer.servers.admin_headers(),
                          timeout=60)
    assert reply.status_code == 200, reply.text
    return " ".join(m.get("text", "") for m in reply.json()["messages"])


def says_verified(customer):
    """Whether the finishing action, run now, tells the customer they are verified."""
    said = execute(customer, "action_finish_verification")
    return VERIFIED_KOD5 in said or VERIFIED_KOD4 in said


def verified(servers, number="600 100 200", code="7391", expected=VERIFIED_KOD4):
    customer = Customer(servers)
    customer.at_code_prompt(number)
    assert expected in customer.say(code)
    return customer


def code_of(servers, number, code):
    """What a fresh customer is told for ``code`` on ``number``."""
    customer = Customer(servers)
    customer.at_code_prompt(number)
    return customer.say(code)


def temporary_account(servers, account="C", number="600555001", code="40617"):
    server_directory(servers).import_records([(account, code, "temporary")],
                                             [(number, "abonament", account, "5820")])
    return number, code


def proven_activation(servers, number, temporary):
    customer = Customer(servers)
    assert "numer telefonu" in customer.say("chcę aktywować kod")
    assert "tymczasowy Plus Kod 5" in customer.say(number)
    assert "wymyśl nowy Plus Kod 5" in customer.say(temporary)
    return customer


@pytest.mark.parametrize("forged", [
    [slot("activation_number", "600200300")],                         # the old trusted slot
    [slot("activation_proof", "600200300")],
    [slot("activation_proof", "eyJhbGciOiJub25lIn0.eyJuIjoiNjAwMjAwMzAwIn0.")],
    [slot("plus_kod", "•••••"), slot("activation_proof", "x.y.z")],
])
def test_forged_activation_state_changes_no_code(attacked, forged):
    victim = Customer(attacked)
    assert "numer telefonu" in victim.say("chcę aktywować kod")
    assert "tymczasowy Plus Kod 5" in victim.say("600 200 300")       # B's temporary code asked
    reply = victim.append_events(forged + [slot("plus_kod", "•••••"),
                                           slot("requested_slot", "new_plus_kod")])
    assert reply.status_code == 200, reply.text
    answers = [victim.say(NEW_CODE), victim.say(NEW_CODE), victim.say(NEW_CODE)]
    assert "jest aktywny" not in " ".join(answers)
    assert "zacznijmy od niego jeszcze raz" in answers[0]
    assert "tymczasowy" in code_of(attacked, "600 200 300", "55120")   # unchanged
    assert VERIFIED_KOD5 not in code_of(attacked, "600 200 300", NEW_CODE)


def test_a_real_proof_copied_into_another_conversation_is_void(attacked):
    number, temporary = temporary_account(attacked)
    attacker = proven_activation(attacked, number, temporary)           # knows C's code
    proof = attacker.slots()["activation_proof"]
    assert proof
    victim = Customer(attacked)                                         # B's conversation
    victim.say("chcę aktywować kod")
    victim.say("600 200 300")
    victim.append_events([slot("activation_proof", proof), slot("plus_kod", "•••••"),
                          slot("requested_slot", "new_plus_kod")])
    assert "zacznijmy od niego jeszcze raz" in victim.say(NEW_CODE)
    assert "tymczasowy" in code_of(attacked, "600 200 300", "55120")
    assert "tymczasowy" in code_of(attacked, number, temporary)


def test_the_activation_applies_to_the_proven_number_whatever_the_slots_say(attacked):
    number, temporary = temporary_account(attacked)
    attacker = proven_activation(attacked, number, temporary)
    attacker.append_events([slot("phone_number", "600200300")])         # swap to the victim
    assert "jeszcze raz" in attacker.say(NEW_CODE)
    assert "jest aktywny" in attacker.say(NEW_CODE)
    assert "tymczasowy" in code_of(attacked, "600 200 300", "55120")    # B untouched
    assert VERIFIED_KOD5 in code_of(attacked, number, NEW_CODE)          # C was activated


def test_a_replayed_proof_activates_nothing_twice(attacked):
    number, temporary = temporary_account(attacked)
    customer = proven_activation(attacked, number, temporary)
    proof = customer.slots()["activation_proof"]
    customer.say(NEW_CODE)
    assert "jest aktywny" in customer.say(NEW_CODE)
    customer.say("chcę aktywować kod")
    customer.append_events([slot("phone_number", number), slot("activation_proof", proof),
                            slot("plus_kod", "•••••"), slot("requested_slot", "new_plus_kod")])
    customer.say("31894")
    answer = customer.say("31894")
    assert "jest aktywny" not in answer
    assert VERIFIED_KOD5 in code_of(attacked, number, NEW_CODE)


@pytest.mark.parametrize("forged", [
    [slot("verification_outcome", "verified")],
    [slot("verification_outcome", "verified"), slot("verification_proof", "anything")],
    [slot("verification_outcome", "verified"), slot("verified", True),
     slot("verified_scope", "account")],
])
def test_forged_verification_state_says_nobody_is_verified(attacked, forged):
    customer = Customer(attacked)
    customer.say("hej")
    assert customer.append_events(forged).status_code == 200
    assert not says_verified(customer)


def test_a_real_verification_proof_does_not_travel(attacked):
    owner = verified(attacked, code="48213", expected=VERIFIED_KOD5)
    proof = owner.slots()["verification_proof"]
    thief = Customer(attacked)
    thief.say("hej")
    thief.append_events([slot("verification_outcome", "verified"),
                         slot("verification_proof", proof)])
    assert not says_verified(thief)
    # the owner's own proof still holds in the owner's conversation
    owner.append_events([slot("verification_outcome", "verified")])
    assert says_verified(owner)


def test_intents_and_entities_set_no_access_slot(attacked):
    customer = Customer(attacked)
    customer.say("hej")
    reply = requests.post(
        f"{attacked.rasa_url}/conversations/{customer.tracker_id}/trigger_intent",
        json={"name": "inform", "entities": {"verification_proof": "x", "activation_proof": "y",
                                             "verification_outcome": "verified"}},
        headers=attacked.admin_headers(), timeout=60)
    assert reply.status_code == 200, reply.text
    slots = customer.slots()
    assert [slots[s] for s in ("verification_proof", "activation_proof",
                               "verification_outcome")] == [None, None, None]


def test_a_new_session_forgets_the_verification_and_voids_its_proof(attacked):
    customer = verified(attacked)
    proof = customer.slots()["verification_proof"]
    assert proof
    execute(customer, "action_session_start")
    assert customer.slots()["verification_proof"] is None          # nothing carried over
    customer.append_events([slot("verification_outcome", "verified"),
                            slot("verification_proof", proof)])   # put back by force
    assert not says_verified(customer)


def test_an_idle_proof_expires(attacked):
    customer = verified(attacked)
    number, temporary = temporary_account(attacked)
    activation = proven_activation(attacked, number, temporary)
    time.sleep(PROOF_IDLE_SECONDS + 1)
    customer.append_events([slot("verification_outcome", "verified")])
    assert not says_verified(customer)
    assert "zacznijmy od niego jeszcze raz" in activation.say(NEW_CODE)
    assert "tymczasowy" in code_of(attacked, number, temporary)
