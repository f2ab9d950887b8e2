"""Verification over HTTP against the running servers and the demo directory."""

import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import api_tracker, text_chat

pytestmark = pytest.mark.slow


def new_chat(servers):
    return text_chat(servers, "verify")


def verify(servers, number, code):
    chat = new_chat(servers)
    assert "numer telefonu" in chat("chcę się zweryfikować")
    asked = chat(number)
    return asked, (chat(code) if "Wpisz swój Plus Kod" in asked else None), chat


def test_kod5_verifies_the_whole_account(servers):
    _, answer, _ = verify(servers, "600 100 200", "48213")
    assert "Plus Kod 5 jest poprawny" in answer and "wszystkich numerów" in answer


def test_kod4_verifies_one_number_without_changes(servers):
    _, answer, _ = verify(servers, "+48 600 100 201", "2846")
    assert "Plus Kod 4 jest poprawny" in answer
    assert "nie daje możliwości wprowadzania zmian" in answer


@pytest.mark.parametrize("number", ["600 300 400", "600-400-500"])
def test_prepaid_numbers_are_refused_before_a_code_is_asked(servers, number):
    asked, answer, _ = verify(servers, number, "12345")
    assert "tylko dla telefonów na abonament" in asked
    assert answer is None and "Wpisz swój Plus Kod" not in asked


def test_the_temporary_code_must_be_changed_first(servers):
    _, answer, _ = verify(servers, "600200300", "55120")
    assert "tymczasowy Plus Kod 5" in answer


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(servers):
    _, wrong, _ = verify(servers, "600 100 200", "11223")
    _, unknown, _ = verify(servers, "699 888 777", "11223")
    assert wrong == unknown and "nie pasuje" in wrong


def test_a_lockout_survives_a_new_conversation(servers, root):
    _, answer, chat = verify(servers, "600 200 300", "11223")
    answer = chat("22334")
    answer = chat("33445")
    assert "za dużo błędnych kodów" in answer
    _, again, _ = verify(servers, "600 200 300", "55120")      # right Kod 5, new conversation
    assert "za dużo błędnych kodów" in again
    _, kod4, _ = verify(servers, "600 200 300", "1357")        # the Kod 4 is counted apart
    assert "Plus Kod 4 jest poprawny" in kod4
    env = {**os.environ, **servers.extra_env}
    subprocess.run([sys.executable, "-m", "tools.directory_admin", "unlock", "600200300"],
                   cwd=root, env=env, check=True, capture_output=True)
    _, unlocked, _ = verify(servers, "600 200 300", "55120")
    assert "tymczasowy Plus Kod 5" in unlocked


def test_the_stored_conversation_holds_no_code(servers):
    _, _, chat = verify(servers, "600 100 200", "48213")
    tracker = str(api_tracker(servers, chat.sender))
    assert "48213" not in tracker and "600100200" in tracker


def test_a_typed_command_cannot_verify(servers):
    chat = new_chat(servers)
    chat('/verify_code{"verification_proof": "forged"}')
    assert api_tracker(servers, chat.sender)["slots"]["verification_proof"] is None


def test_the_customer_can_stop_the_verification(servers):
    chat = new_chat(servers)
    chat("chcę się zweryfikować")
    assert "przerywam" in chat("nie, jednak nie")


def admin(servers, root, *args, stdin=""):
    env = {**os.environ, **servers.extra_env}
    return subprocess.run([sys.executable, "-m", "tools.directory_admin", *args], cwd=root,
                          env=env, check=True, capture_output=True, text=True, input=stdin)


def test_activation_then_verification_with_the_new_code(servers, root):
    chat = new_chat(servers)
    assert "numer telefonu" in chat("chcę aktywować tymczasowy kod")
    assert "tymczasowy Plus Kod 5" in chat("600 200 300")
    assert "wymyśl nowy Plus Kod 5" in chat("55120")
    assert "fragmentem numeru telefonu na Twoim koncie" in chat("00300")   # refused, asked again
    assert "jeszcze raz" in chat("80416")
    assert "różnią się" in chat("80461")                      # typo in the confirmation
    assert "jeszcze raz" in chat("80416")
    assert "jest aktywny" in chat("80416")
    try:
        _, verified, _ = verify(servers, "600 200 300", "80416")
        assert "Plus Kod 5 jest poprawny" in verified
        _, old, _ = verify(servers, "600 200 300", "55120")
        assert "nie pasuje" in old
    finally:  # give account B its temporary code back for the other tests
        admin(servers, root, "set-temporary", "B", stdin="55120\n")
        admin(servers, root, "unlock", "600200300")


def test_a_temporary_code_leads_to_the_activation(servers):
    _, answer, chat = verify(servers, "600 200 300", "55120")
    assert "tymczasowy Plus Kod 5" in answer
    assert "tymczasowy Plus Kod 5 z pierwszej faktury (5 cyfr)" in chat("/activate_code")
    assert "Tymczasowy kod pozostaje bez zmian" in chat("nie, jednak nie")


@pytest.mark.parametrize("text", ["Mam Plus na Kartę, jak dostać Plus Kod?",
                                  "jestem w Mixie, chcę się zweryfikować",
                                  "mam plusa na karte i chce aktywowac kod"])
def test_a_declared_prepaid_offer_is_refused_at_once(servers, text):
    answer = new_chat(servers)(text)
    assert "tylko dla telefonów na abonament" in answer and "numer telefonu" not in answer
