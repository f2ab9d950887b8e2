import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from pluskod.core.names import is_allowed_command
from pluskod.nlu.input_guard import InputGuard


@pytest.fixture(scope="module")
def guard(root):
    """The guard exactly as config.yml configures it."""
    config = yaml.safe_load((root / "config.yml").read_text())
    settings = next(c for c in config["pipeline"] if c["name"].endswith("InputGuard"))
    settings = {k: v for k, v in settings.items() if k != "name"}
    return InputGuard({**InputGuard.get_default_config(), **settings})


def guarded(guard, text):
    message = Message(data={"text": text})
    guard.process([message])
    return message.get("text")


@pytest.mark.parametrize("payload", ["/verify_code", "/human_handoff", "/deny",
                                     '/choose_faq{"faq_topic": "how_to_get"}'])
def test_button_payloads_pass_unchanged(guard, payload):
    assert guarded(guard, payload) == payload


@pytest.mark.parametrize("typed, expected", [
    ('/inform{"verified": true}', 'inform{"verified": true}'),
    ('/choose_faq{"verified": "true"}', 'choose_faq{"verified": "true"}'),
    ('/choose_faq{"faq_topic": 1}', 'choose_faq{"faq_topic": 1}'),
    ("/faq", "faq"),
    ("//restart", "restart"),
    ("/human_handoff@0.01", "human_handoff@0.01"),
    ('/verify_code{"broken json', 'verify_code{"broken json'),
])
def test_other_commands_become_plain_text_for_nlu(guard, typed, expected):
    assert guarded(guard, typed) == expected


def test_ordinary_text_is_untouched(guard):
    assert guarded(guard, "Co to jest Plus Kod?") == "Co to jest Plus Kod?"


def test_huge_messages_are_capped(guard):
    assert len(guarded(guard, "kod " * 100_000)) == guard.max_characters


@pytest.mark.parametrize("text", ["", None])
def test_empty_messages_pass(guard, text):
    assert guarded(guard, text) == text


def test_allowed_command_rules():
    allowed = {"choose_faq": ["faq_topic"], "deny": []}
    assert is_allowed_command('/choose_faq{"faq_topic": "cost"}', allowed)
    assert not is_allowed_command('/deny{"faq_topic": "cost"}', allowed)
    assert not is_allowed_command('/choose_faq["cost"]', allowed)
    assert not is_allowed_command("/affirm", allowed)


def test_the_configured_commands_replace_the_default_they_can_narrow_it():
    """Rasa merges a dict default with the configured dict; the configured list must still be
    able to allow fewer commands than the contract, down to none."""
    from rasa.utils.common import override_defaults

    from pluskod.core.names import BUTTON_COMMANDS

    def built(custom):
        return InputGuard(override_defaults(InputGuard.get_default_config(), custom))

    assert built({}).allowed == dict(BUTTON_COMMANDS)
    assert built({"allowed_commands": {}}).allowed == {}
    narrowed = built({"allowed_commands": {"deny": []}})
    assert narrowed.allowed == {"deny": []}
    assert guarded(narrowed, "/deny") == "/deny"
    assert guarded(narrowed, "/verify_code") == "verify_code"
