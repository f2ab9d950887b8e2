"""A verified customer's journey over the real servers (issue 16, part 2), attacked.

The change of an active Plus Kod 5 is the first feature that rewrites a code a customer already
uses, so it is attacked in every way the activation was: without a verification, with a Plus
Kod 4 one, with a real proof copied into another conversation or forged into events, replayed
after the code changed, raced from two conversations, after the proof expired, and with odd
spellings. Each test starts and ends with the demo directory of the README (``attacked``).
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.security.conftest import (
    LOCKED,
    PROOF_IDLE_SECONDS,
    VERIFIED_KOD4,
    VERIFIED_KOD5,
    WRONG,
    Customer,
)

pytestmark = pytest.mark.slow

CHANGE = "/change_kod5"
ASKS_CURRENT = "wpisz najpierw swój obecny Plus Kod 5"
ASKS_NEW = "Wpisz nowy Plus Kod 5"
ASKS_AGAIN = "jeszcze raz, żeby potwierdzić"
CHANGED = "Twój nowy Plus Kod 5 jest aktywny dla całego konta"
NEEDS_VERIFICATION = "najpierw potwierdź swój obecny Plus Kod 5"
NEEDS_KOD5 = "Plus Kod 4 nie daje możliwości wprowadzania zmian"
EXPIRED = "niczego nie zmieniłem. Zweryfikuj się ponownie"
STILL_VERIFIED = "Jesteś już zweryfikowany(-a) w tej rozmowie"
NOT_VERIFIED = "nie ma ważnego potwierdzenia Plus Kodu"


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def verified(servers, number="600 100 200", code="48213", expected=VERIFIED_KOD5):
    customer = Customer(servers)
    customer.at_code_prompt(number)
    answer = customer.say(code)
    assert expected in answer, answer
    return customer


def at_confirmation(customer, new_code, current="48213"):
    assert ASKS_CURRENT in customer.say(CHANGE)
    assert ASKS_NEW in customer.say(current)
    assert ASKS_AGAIN in customer.say(new_code)


def answer_for(servers, number, code):
    """What a fresh customer is told for ``code`` on ``number``."""
    customer = Customer(servers)
    customer.at_code_prompt(number)
    return customer.say(code)


def buttons(customer, text):
    reply = requests.post(f"{customer.servers.rasa_url}/webhooks/rest/webhook",
                          json={"sender": customer.sender, "message": text,
                                "client": customer.client},
                          headers=customer.headers, timeout=60)
    assert reply.status_code == 200, reply.text
    return [b["payload"] for m in reply.json() for b in m.get("buttons") or []]


def test_a_kod5_customer_changes_the_code_and_the_old_one_stops_working(attacked):
    customer = Customer(attacked)
    customer.at_code_prompt("600 100 200")
    assert buttons(customer, "48213")[0] == CHANGE          # the next step, first
    assert ASKS_CURRENT in customer.say(CHANGE)
    assert ASKS_NEW in customer.say("48-213")               # the current code, again
    assert "kolejnych cyfr" in customer.say("12345").lower()
    assert "nie może być fragmentem" in customer.say("00201")   # the account's other number
    assert "inny niż obecny" in customer.say("48 213")     # the code it replaces
    assert ASKS_AGAIN in customer.say("８０４１６")            # another script's digits
    assert CHANGED in customer.say("80-416")
    assert STILL_VERIFIED in customer.say("czy jestem zweryfikowany?")   # with the new code
    assert WRONG in answer_for(attacked, "600 100 201", "48213")   # everywhere on the account
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 201", "80416")
    assert VERIFIED_KOD4 in answer_for(attacked, "600 100 201", "2846")   # Kod 4 untouched
    slots = customer.slots()
    assert {k: slots[k] for k in ("new_plus_kod", "new_plus_kod_confirmation",
                                  "new_plus_kod_seal", "verification_outcome")} == dict.fromkeys(
        ("new_plus_kod", "new_plus_kod_confirmation", "new_plus_kod_seal",
         "verification_outcome"))


def test_a_verified_customer_is_not_asked_again_and_can_ask_whether_they_are(attacked):
    customer = verified(attacked)
    again = customer.say("chcę się zweryfikować")
    assert STILL_VERIFIED in again and "*** *** 200" in again
    assert "numer telefonu" not in again and "Wpisz swój Plus Kod" not in again
    assert "Plus Kodem 5" in customer.say("czy jestem zweryfikowany?")
    other = customer.say("chcę się zweryfikować, mój numer to 600 200 300")   # another number
    assert "Wpisz swój Plus Kod" in other and STILL_VERIFIED not in other
    assert "tymczasowy" in customer.say("55120")
    kod4 = verified(attacked, "600 100 201", "2846", VERIFIED_KOD4)   # Kod 5 may still follow
    assert "Wpisz swój Plus Kod" in kod4.say("chcę się zweryfikować, mój numer to 600 100 201")
    assert VERIFIED_KOD5 in kod4.say("48213")
    nobody = Customer(attacked)
    assert NOT_VERIFIED in nobody.say("czy jestem zweryfikowany?")
    assert "numer telefonu" in nobody.say("chcę się zweryfikować")


def test_without_a_kod5_verification_nothing_can_be_changed(attacked):
    nobody = Customer(attacked)
    assert NEEDS_VERIFICATION in nobody.say(CHANGE)
    assert "To wygląda na Plus Kod" in nobody.say("80416")      # not taken as a new code
    kod4 = verified(attacked, "600 100 201", "2846", VERIFIED_KOD4)
    assert NEEDS_KOD5 in kod4.say(CHANGE)
    assert "To wygląda na Plus Kod" in kod4.say("80416")
    typed = Customer(attacked)                              # a command carrying a proof
    answers = [typed.say('/change_kod5{"verification_proof": "x"}'), typed.say("48213"),
               typed.say("80416"), typed.say("80416")]
    assert not any(ASKS_NEW in a or CHANGED in a for a in answers), answers
    assert all("To wygląda na Plus Kod" in a for a in answers[1:]), answers
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 200", "48213")


@pytest.mark.parametrize("channel", ["rest", "web"])
def test_whoever_reaches_a_verified_conversation_cannot_change_the_code(attacked, channel):
    """The victim verified and walked away (a chat left open; an integration writing to its
    user's conversation). The change asks for the current code again, and counts each wrong
    one: the third locks the account, and nothing changed."""
    victim = verified(attacked) if channel == "rest" else Customer(attacked, "web")
    if channel == "web":
        victim.at_code_prompt("600 100 200")
        assert VERIFIED_KOD5 in victim.say("48213")
    assert ASKS_CURRENT in victim.say(CHANGE)               # the attacker, in that conversation
    assert ASKS_NEW not in victim.say("80416")              # a new code is no current code
    assert ASKS_NEW not in victim.say("11111")
    assert LOCKED in victim.say("22222")
    victim.say(CHANGE)
    assert ASKS_NEW not in victim.say("80416") and ASKS_NEW not in victim.say("80416")
    attacked_account = answer_for(attacked, "600 100 200", "80416")
    assert VERIFIED_KOD5 not in attacked_account and LOCKED in attacked_account


@pytest.mark.parametrize("forge", ["copied proof", "forged proof", "kod4 proof"])
def test_forged_or_copied_proofs_change_nothing(attacked, forge):
    """The worst case: an admin token writes the proof slot, the form and its prompt straight
    into a conversation."""
    victim = verified(attacked)                                      # a real Kod 5 proof
    proof = {"copied proof": victim.slots()["verification_proof"],
             "forged proof": "eyJhbGciOiJub25lIn0.eyJuIjoiNjAwMTAwMjAwIiwic2MiOiJhY2NvdW50In0.",
             "kod4 proof": verified(attacked, "600 100 201", "2846",
                                    VERIFIED_KOD4).slots()["verification_proof"]}[forge]
    attacker = Customer(attacked)
    reply = attacker.append_events([slot("verification_proof", proof)])
    assert reply.status_code == 200, reply.text
    assert NEEDS_VERIFICATION in attacker.say(CHANGE)   # sealed for another conversation
    attacker.append_events([{"event": "active_loop", "name": "change_code_form"},
                            slot("change_proof", proof), slot("requested_slot", "new_plus_kod")])
    answers = [attacker.say("80416"), attacker.say("80416")]
    assert CHANGED not in " ".join(answers) and EXPIRED in answers[0]
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 200", "48213")


def test_a_verification_proof_is_no_proof_of_the_current_code(attacked):
    """The worst case again, in the victim's own conversation: the admin token copies the
    conversation's real verification proof into the change's slot, to skip the current code."""
    victim = verified(attacked)
    proof = victim.slots()["verification_proof"]
    assert ASKS_CURRENT in victim.say(CHANGE)
    victim.append_events([slot("change_proof", proof), slot("plus_kod", "•••••"),
                          slot("requested_slot", "new_plus_kod")])
    answers = [victim.say("80416"), victim.say("80416")]
    assert CHANGED not in " ".join(answers) and EXPIRED in answers[0], answers
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 200", "48213")


def test_a_proof_of_the_old_code_is_void_once_the_code_changed(attacked):
    """Two conversations verified the same code; one changes it. The other, replaying its
    step, changes nothing - and its proof no longer says it is verified."""
    first, second = verified(attacked), verified(attacked, "600 100 201")
    at_confirmation(second, "61940")
    at_confirmation(first, "80416")
    assert CHANGED in first.say("80416")
    assert EXPIRED in second.say("61940")
    assert NEEDS_VERIFICATION in second.say(CHANGE)
    assert NOT_VERIFIED in second.say("czy jestem zweryfikowany?")
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 200", "80416")
    assert WRONG in answer_for(attacked, "600 100 200", "61940")


def test_two_changes_at_once_let_exactly_one_win(attacked):
    first, second = verified(attacked), verified(attacked)
    at_confirmation(first, "80416")
    at_confirmation(second, "61940")
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda pair: pair[0].say(pair[1]),
                                [(first, "80416"), (second, "61940")]))
    assert sorted(CHANGED in a for a in answers) == [False, True], answers
    winner = "80416" if CHANGED in answers[0] else "61940"
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 200", winner)


def test_an_idle_verification_changes_nothing(attacked):
    customer = verified(attacked)
    at_confirmation(customer, "80416")
    time.sleep(PROOF_IDLE_SECONDS + 1)
    assert EXPIRED in customer.say("80416")
    assert NEEDS_VERIFICATION in customer.say(CHANGE)
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 200", "48213")


@pytest.mark.parametrize("leaving", ["anuluj", "nie, zostawiam stary kod", "konsultant"])
def test_leaving_the_change_keeps_the_code_and_the_verification(attacked, leaving):
    customer = verified(attacked)
    at_confirmation(customer, "80416")
    left = customer.say(leaving)
    assert "przerywam zmianę" in left or "601 102 601" in left, left
    assert customer.slots()["new_plus_kod_seal"] is None
    assert STILL_VERIFIED in customer.say("czy jestem zweryfikowany?")
    assert VERIFIED_KOD5 in answer_for(attacked, "600 100 200", "48213")


def test_codes_typed_unasked_are_not_used_and_the_customer_is_told(attacked):
    customer = Customer(attacked)
    assert "nie użyłem go" in customer.say("48213")
    request = customer.say("zweryfikuj mnie, mój kod to 48213")
    assert "Kodu z Twojej wiadomości nie użyłem" in request and "numer telefonu" in request
    with_number = customer.say("600 100 200 i kod 48213")
    assert "Kodu z Twojej wiadomości nie użyłem" in with_number, with_number
    assert "Wpisz swój Plus Kod" in with_number and VERIFIED_KOD5 not in with_number
    assert VERIFIED_KOD5 in customer.say("48213")            # asked now: used
