"""The web channel's pieces that need no server: conversation ids and what is sent back."""

import pytest

from pluskod.channels.web import ConversationIds, WebChatInput, bot_messages, key_from_env


def test_an_issued_id_maps_to_one_sender():
    ids = ConversationIds(b"k" * 32)
    first, second = ids.issue(), ids.issue()
    assert first != second
    assert ids.sender_of(first).startswith("web-") and ids.sender_of(first) != ids.sender_of(second)


@pytest.mark.parametrize("forged", ["", "abc", "abc.def", ".", "x" * 40])
def test_ids_the_server_did_not_sign_are_refused(forged):
    assert ConversationIds(b"k" * 32).sender_of(forged) is None


def test_a_changed_id_or_another_servers_id_is_refused():
    ids = ConversationIds(b"k" * 32)
    issued = ids.issue()
    nonce, signature = issued.split(".")
    other = "B" if nonce[0] == "A" else "A"
    assert ids.sender_of(f"{other}{nonce[1:]}.{signature}") is None
    assert ConversationIds(b"o" * 32).sender_of(issued) is None


def test_the_same_key_keeps_conversations_across_restarts():
    issued = ConversationIds(b"k" * 32).issue()
    assert ConversationIds(b"k" * 32).sender_of(issued) is not None


def test_a_short_secret_is_refused_with_a_clear_error():
    with pytest.raises(RuntimeError, match="PLUSKOD_WEB_SECRET"):
        key_from_env({"PLUSKOD_WEB_SECRET": "short"})
    assert key_from_env({}) is None


def test_only_text_and_buttons_go_back():
    collected = [{"recipient_id": "web-x", "text": "Cześć", "custom": {"x": 1},
                  "buttons": [{"title": "Konsultant", "payload": "/human_handoff", "type": "x"}]},
                 {"recipient_id": "web-x", "image": "http://example/x.png"}]
    assert bot_messages(collected) == [{"text": "Cześć", "buttons": [
        {"title": "Konsultant", "payload": "/human_handoff"}]}]


def test_credentials_and_environment_configure_the_channel(monkeypatch):
    monkeypatch.setenv("PLUSKOD_WEB_ALLOWED_ORIGINS", "https://pomoc.example, https://www.example")
    channel = WebChatInput.from_credentials({"max_characters": 200, "allowed_origins": ["x"]})
    assert channel.max_characters == 200
    assert channel.allowed_origins == ["https://pomoc.example", "https://www.example"]
