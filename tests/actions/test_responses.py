"""Responses rendered by Rasa's own NLG, as the server sends them to a channel."""

import asyncio
import logging

import pytest
import structlog
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker


@pytest.fixture(scope="module")
def domain(root):
    from rasa.shared.importers.importer import TrainingDataImporter

    return TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / "domain.yml"), [str(root / "data")]).get_domain()


def test_every_response_renders_without_errors_and_with_real_payloads(domain, caplog):
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker("render", domain.slots)
    with caplog.at_level(logging.WARNING), structlog.testing.capture_logs() as events:
        for name in domain.responses:
            # the only template variable: the number's hint the verification actions pass
            message = asyncio.run(nlg.generate(name, tracker, "rest", number="*** *** 200"))
            assert message["text"] and "{" not in message["text"], name
            for button in message.get("buttons") or []:
                assert "{{" not in button["payload"], (name, button)
                if button["payload"].startswith("/choose_faq"):
                    assert button["payload"].startswith('/choose_faq{"faq_topic": "')
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [e for e in events if e.get("log_level") in ("error", "exception", "critical")]
