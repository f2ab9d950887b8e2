"""Finding 4: the activation's "new code" step answered, for any account, whether a code was
its current Kod 5, counted nothing and ignored the lock. Now it compares only with the code
typed and proven in this conversation, and the activation respects the lock."""

import pytest

from tests.security.conftest import LOCKED, WRONG, Customer, server_directory

pytestmark = pytest.mark.slow

DIFFERENT = "inny niż tymczasowy"


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def proven_b(servers):
    customer = Customer(servers)
    customer.say("chcę aktywować kod")
    customer.say("600 200 300")
    assert "wymyśl nowy Plus Kod 5" in customer.say("55120")
    return customer


@pytest.mark.parametrize("target", ["600100200", "600200300"])
def test_no_account_can_be_probed_through_a_forged_new_code_step(attacked, target):
    """The attack as found: point the step at an account, then type candidate codes."""
    attacker = Customer(attacked)
    attacker.say("chcę aktywować kod")
    attacker.say("600 200 300")
    attacker.append_events([slot("activation_number", target), slot("activation_proof", target),
                            slot("plus_kod", "•••••"), slot("requested_slot", "new_plus_kod")])
    for candidate in ("48213", "55120", "31894"):
        answer = attacker.say(candidate)
        assert DIFFERENT not in answer and "zacznijmy od niego jeszcze raz" in answer
        attacker.append_events([slot("plus_kod", "•••••"), slot("requested_slot",
                                                                "new_plus_kod")])


def test_the_step_tells_only_what_the_customer_just_proved(attacked):
    customer = proven_b(attacked)
    assert DIFFERENT in customer.say("55120")                # the code proven a moment ago
    assert "jeszcze raz" in customer.say("48213")            # account A's code: just a code
    assert "różnią się" in customer.say("31894")             # (a mismatch restarts the step)
    assert "jeszcze raz" in customer.say("31894")
    directory = server_directory(attacked)
    for number in ("600100200", "600200300"):                # nothing was counted anywhere
        assert [s.failures for s in directory.lock_state(number)] == [0, 0]


def test_a_lock_that_comes_during_the_activation_is_respected(attacked):
    customer = proven_b(attacked)
    for guess in ("11111", "11112", "11113"):                # someone else hammers account B
        other = Customer(attacked)
        other.at_code_prompt("600 200 300")
        answer = other.say(guess)
    assert LOCKED in answer
    assert "jeszcze raz" in customer.say("80416")
    assert LOCKED in customer.say("80416")
    server_directory(attacked).unlock("600200300")
    verify = Customer(attacked)
    verify.at_code_prompt("600 200 300")
    assert "tymczasowy" in verify.say("55120")                # nothing was activated
    check = Customer(attacked)
    check.at_code_prompt("600 200 300")
    assert WRONG in check.say("80416")
