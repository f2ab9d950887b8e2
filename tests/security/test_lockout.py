"""Finding 3 (a right Plus Kod 4 wiped the failures) and counting that cannot be gamed:
per account for a Kod 5, per conversation without reset, per client across conversations and
numbers, and under concurrency - over the real servers, through both channels."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.security.conftest import (
    CLIENT_BLOCKED,
    LOCKED,
    TOO_MANY,
    VERIFIED_KOD4,
    VERIFIED_KOD5,
    WRONG,
    Customer,
)

pytestmark = pytest.mark.slow


def attempt(servers, number, code, channel="rest", client=None):
    customer = Customer(servers, channel, client=client)
    customer.at_code_prompt(number)
    return customer.say(code)


@pytest.mark.parametrize("channel", ["rest", "web"])
def test_a_right_kod4_between_wrong_kod5_guesses_wipes_nothing(attacked, channel):
    """The attack as found: one number's right Kod 4, then a wrong Kod 5, over and over."""
    answers = []
    for guess in ("11111", "11112", "11113", "11114"):
        assert VERIFIED_KOD4 in attempt(attacked, "600 100 200", "7391", channel)
        answers.append(attempt(attacked, "600 100 200", guess, channel))
    assert [WRONG in a for a in answers[:2]] == [True, True]
    assert LOCKED in answers[2] and LOCKED in answers[3]
    assert LOCKED in attempt(attacked, "600 100 200", "48213", channel)   # the right Kod 5 too


def test_kod5_failures_are_counted_across_the_accounts_numbers(attacked):
    assert WRONG in attempt(attacked, "600 100 200", "11111")
    assert WRONG in attempt(attacked, "600 100 201", "11112")
    assert LOCKED in attempt(attacked, "+48 600 100 201", "11113")
    assert LOCKED in attempt(attacked, "600100200", "48213")
    assert "tymczasowy" in attempt(attacked, "600 200 300", "55120")   # account B is free


@pytest.mark.parametrize("channel", ["rest", "web"])
def test_one_conversation_stops_after_five_failures_and_a_success_does_not_reset_it(attacked,
                                                                                   channel):
    customer = Customer(attacked, channel)
    customer.at_code_prompt("699 000 001")
    answers = [customer.say("11111")]
    for number, code in [("699 000 002", "22222"), ("699 000 003", "33333"),
                         ("600 100 200", "7391"),                  # a success in between
                         ("699 000 004", "44444"), ("699 000 005", "55555")]:
        customer.next_number(number)
        answers.append(customer.say(code))
    assert all(WRONG in a for a in answers[:3]) and VERIFIED_KOD4 in answers[3]
    assert WRONG in answers[4] and TOO_MANY in answers[5]
    customer.say("chcę się zweryfikować, mój numer to 600 100 201")
    assert TOO_MANY in customer.say("2846")                               # a right code too


def test_new_rest_sender_ids_do_not_buy_new_guesses(attacked):
    """An integration's user who opens a new conversation every few guesses is still one
    client: after 20 failures, on any numbers, nothing more is compared for an hour."""
    client = "the-same-end-user"
    answers = []
    for conversation in range(5):
        customer = Customer(attacked, client=client)
        customer.at_code_prompt(f"699 1{conversation:02d} 000")
        for guess in range(4):
            if guess:
                customer.next_number(f"699 1{conversation:02d} {guess:03d}")
            answers.append(customer.say("12321"))
    assert all(WRONG in a for a in answers[:19]) and CLIENT_BLOCKED in answers[19]
    assert CLIENT_BLOCKED in attempt(attacked, "600 100 200", "48213", client=client)
    assert VERIFIED_KOD5 in attempt(attacked, "600 100 200", "48213", client="someone-else")


def test_new_web_conversations_do_not_buy_new_guesses(attacked):
    """The same from one address through the web chat (the test server trusts its proxy)."""
    first = Customer(attacked, "web")
    answers = []
    for conversation in range(5):
        customer = Customer(attacked, "web")
        customer.address = first.address
        customer.at_code_prompt(f"699 2{conversation:02d} 000")
        for guess in range(4):
            if guess:
                customer.next_number(f"699 2{conversation:02d} {guess:03d}")
            answers.append(customer.say("12321"))
    assert CLIENT_BLOCKED in answers[19]
    late = Customer(attacked, "web")
    late.address = first.address
    late.at_code_prompt("600 100 200")
    assert CLIENT_BLOCKED in late.say("48213")


def test_locking_other_peoples_numbers_costs_the_attacker_its_client(attacked):
    """Three failures lock a number; an attacker who sweeps numbers to lock them is blocked
    itself after 20 failures, so it can lock at most six numbers an hour from one client."""
    client = "locker"
    locked_numbers = 0
    for n in range(8):
        number = f"699 3{n:02d} 000"
        answers = [attempt(attacked, number, f"1{k}321", client=client) for k in range(3)]
        locked_numbers += LOCKED in answers[-1]
        if any(CLIENT_BLOCKED in a for a in answers):
            break
    assert locked_numbers <= 6 and CLIENT_BLOCKED in answers[-1]


@pytest.mark.parametrize("number", ["600 100 200", "699 999 999"])
def test_concurrent_guesses_are_all_counted(attacked, number):
    """Eight conversations at the code prompt send a wrong code at the same moment."""
    customers = [Customer(attacked) for _ in range(8)]
    for customer in customers:
        customer.at_code_prompt(number)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda c: c.say("13579"), customers))
    assert sum(WRONG in a for a in answers) == 2
    assert sum(LOCKED in a for a in answers) == 6


@pytest.mark.parametrize("leaving", ["anuluj", "nie", "konsultant"])
def test_leaving_and_starting_again_between_wrong_codes_resets_nothing(attacked, leaving):
    """Issue 16: leaving a form forgets the number and the code slots - never a count. Three
    wrong Kod 4 guesses, each in a verification started again after leaving, lock the number
    as three in a row do."""
    customer = Customer(attacked)
    answers = []
    for guess in ("1111", "2222", "3333"):
        customer.at_code_prompt("600 100 201")
        answers.append(customer.say(guess))
        customer.say(leaving)
    assert [WRONG in a for a in answers] == [True, True, False] and LOCKED in answers[2]
    assert LOCKED in attempt(attacked, "600 100 201", "2846")      # the right code: locked
