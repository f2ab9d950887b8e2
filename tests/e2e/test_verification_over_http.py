"""Verification over HTTP against the running servers and the demo directory."""

import os
import subprocess
import sys
import uuid

import pytest
import requests

pytestmark = pytest.mark.slow


def new_chat(servers):
    sender = f"verify-{uuid.uuid4().hex[:8]}"

    def send(text):
        response = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=60)
        assert response.status_code == 200, response.text
        return " ".join(r.get("text", "") for r in response.json())

    send.sender = sender
    return send


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
    assert "Plus Kod 4 jest poprawny" in answer and "nie pozwala wprowadzać zmian" in answer


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
    _, again, _ = verify(servers, "600 200 300", "1357")       # right Kod 4, new conversation
    assert "za dużo błędnych kodów" in again
    env = {**os.environ, **servers.extra_env}
    subprocess.run([sys.executable, "-m", "tools.directory_admin", "unlock", "600200300"],
                   cwd=root, env=env, check=True, capture_output=True)
    _, unlocked, _ = verify(servers, "600 200 300", "1357")
    assert "Plus Kod 4 jest poprawny" in unlocked


def test_the_stored_conversation_holds_no_code(servers):
    _, _, chat = verify(servers, "600 100 200", "48213")
    tracker = requests.get(f"{servers.rasa_url}/conversations/{chat.sender}/tracker",
                           timeout=30).text
    assert "48213" not in tracker and "600100200" in tracker


def test_a_typed_command_cannot_verify(servers):
    chat = new_chat(servers)
    chat('/verify_code{"verified": true}')
    tracker = requests.get(f"{servers.rasa_url}/conversations/{chat.sender}/tracker",
                           timeout=30).json()
    assert tracker["slots"]["verified"] is False


def test_the_customer_can_stop_the_verification(servers):
    chat = new_chat(servers)
    chat("chcę się zweryfikować")
    assert "przerywam" in chat("nie, jednak nie")
