"""A customer leaves each prompt of each form in their own words (issue 16, part 1), over REST
against the real servers: the assistant confirms, counts no attempt, forgets the number, and
the next message is handled on its own."""

import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import api_tracker, text_chat

pytestmark = pytest.mark.slow

VERIFY, ACTIVATE = "chcę się zweryfikować", "chcę teraz aktywować kod z faktury"
#: (what starts the form, what is typed to reach the prompt, what that prompt says)
PROMPTS = {
    "verification: number": (VERIFY, [], "numer telefonu"),
    "verification: code": (VERIFY, ["600 100 201"], "Wpisz swój Plus Kod"),
    "activation: number": (ACTIVATE, [], "numer telefonu"),
    "activation: temporary code": (ACTIVATE, ["600 200 300"], "tymczasowy Plus Kod 5"),
    "activation: new code": (ACTIVATE, ["600 200 300", "55120"], "wymyśl nowy Plus Kod 5"),
    "activation: confirmation": (ACTIVATE, ["600 200 300", "55120", "80416"], "jeszcze raz"),
    "change: current code": (VERIFY, ["600 100 200", "48213", "/change_kod5"],
                             "wpisz najpierw swój obecny Plus Kod 5"),
    "change: new code": (VERIFY, ["600 100 200", "48213", "/change_kod5", "48213"],
                         "Wpisz nowy Plus Kod 5"),
    "change: confirmation": (VERIFY, ["600 100 200", "48213", "/change_kod5", "48213", "80416"],
                             "jeszcze raz"),
}
#: ways to leave that are not training examples (data/nlu/stop.yml, deny.yml)
LEAVING = ["anuluj to wszystko", "STOP, nie chcę", "rezygnuje z tego sprawdzania",
           "nie chcę już podawać żadnego kodu", "cofnij to", "nie"]
STOPPED = {"verification": "przerywam sprawdzanie kodu",
           "activation": "przerywam aktywację. Tymczasowy kod pozostaje bez zmian",
           "change": "przerywam zmianę. Twój Plus Kod 5 pozostaje bez zmian"}


def conversation(servers):
    return text_chat(servers, "leave")


def answer_for(servers, number, code):
    chat = conversation(servers)
    chat(VERIFY)
    chat(number)
    return chat(code)


def status(servers, root, number):
    env = {**os.environ, **servers.extra_env}
    return subprocess.run([sys.executable, "-m", "tools.directory_admin", "status", number],
                          cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("prompt", list(PROMPTS))
@pytest.mark.parametrize("leaving", LEAVING[:3])
def test_each_prompt_of_each_form_can_be_left(servers, prompt, leaving):
    start, typed, asks = PROMPTS[prompt]
    chat = conversation(servers)
    answer = chat(start)
    for text in typed:
        answer = chat(text)
    assert asks in answer, (prompt, answer)
    left = chat(leaving)
    assert STOPPED[prompt.split(":")[0]] in left, (prompt, leaving, left)
    tracker = api_tracker(servers, chat.sender)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["phone_number"] is None          # the number is forgotten
    assert tracker["slots"]["change_proof"] is None
    if prompt.startswith("change"):                          # the code is still the same
        assert "Plus Kod 5 jest poprawny" in answer_for(servers, "600 100 200", "48213")


@pytest.mark.parametrize("leaving", LEAVING[3:])
def test_more_ways_to_leave_the_code_prompt(servers, leaving):
    chat = conversation(servers)
    chat(VERIFY)
    chat("600 100 201")
    assert STOPPED["verification"] in chat(leaving)


def test_after_leaving_the_next_message_is_handled_on_its_own(servers):
    chat = conversation(servers)
    chat(VERIFY)
    chat("600 100 201")
    chat("anuluj to wszystko")
    faq = chat("a co to w ogóle jest ten plus kod?")
    assert "Plus Kod" in faq
    assert "Wpisz swój Plus Kod" not in faq and "numer telefonu" not in faq
    again = chat(VERIFY)                     # a new verification asks for the number again
    assert "numer telefonu" in again and "Wpisz swój Plus Kod" not in again


def test_leaving_counts_no_attempt(servers, root):
    for _ in range(4):                       # more than the 3 failures that lock a Kod 4
        chat = conversation(servers)
        chat(VERIFY)
        chat("600 100 201")
        chat("rezygnuje z tego sprawdzania")
    kod4 = [line for line in status(servers, root, "600100201").splitlines()
            if line.startswith("600100201 Plus Kod 4:")]
    assert kod4 == ["600100201 Plus Kod 4: not locked (0 recent failed attempt(s))."]
    chat = conversation(servers)
    chat(VERIFY)
    chat("600 100 201")
    assert "Plus Kod 4 jest poprawny" in chat("2846")


@pytest.mark.parametrize("start", [VERIFY, ACTIVATE])
@pytest.mark.parametrize("unsure", ["ojej, nie wiem jaki mam teraz numer",
                                    "nie pamiętam numeru telefonu, sorry"])
def test_not_knowing_the_number_gets_help_and_the_prompt_once(servers, start, unsure):
    chat = conversation(servers)
    chat(start)
    helped = chat(unsure)
    assert "601 102 601" in helped and "anuluj" in helped, helped
    assert helped.count("numer telefonu, którego dotyczy Plus Kod") == 1   # the prompt, once
    assert "Pomagam tylko w sprawach Plus Kodu" not in helped
    after = chat("600 100 201" if start == VERIFY else "600 200 300")
    assert "Wpisz" in after                                   # the form goes on


def test_at_the_code_prompt_help_and_a_forgotten_code_are_answered_then_the_prompt(servers):
    chat = conversation(servers)
    chat(VERIFY)
    chat("600 100 201")
    helped = chat("nie wiem co mam tutaj wpisać")
    assert "tutaj go nie sprawdzę" in helped and helped.count("Wpisz swój Plus Kod") == 1
    forgot = chat("a jak nie pamiętam tego plus kodu to co?")
    assert "Wpisz swój Plus Kod" in forgot and forgot.count("Wpisz swój Plus Kod") == 1
    assert "Plus Kodu" in forgot.split("Wpisz swój Plus Kod")[0]   # the answer comes first
    assert "Plus Kod 4 jest poprawny" in chat("2846")            # and the code still works


@pytest.mark.parametrize("start", [VERIFY, ACTIVATE])
def test_why_the_number_is_asked_is_answered_then_the_prompt_once(servers, start):
    chat = conversation(servers)
    chat(start)
    why = chat("a po co ci w ogóle mój numer?")
    assert "Plus Kod jest przypisany do konta i do numeru" in why, why
    assert why.count("numer telefonu, którego dotyczy Plus Kod") == 1
    assert "Wpisz" in chat("600 100 201" if start == VERIFY else "600 200 300")


def test_is_it_safe_at_the_code_prompt_is_answered_then_the_prompt_once(servers):
    chat = conversation(servers)
    chat(VERIFY)
    chat("600 100 201")
    safe = chat("czy to bezpieczne podawać tu kod?")
    assert "osobiste hasło" in safe and safe.count("Wpisz swój Plus Kod") == 1, safe
    assert "Plus Kod 4 jest poprawny" in chat("2846")
