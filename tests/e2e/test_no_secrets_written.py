"""Every demo code goes through real conversations; then every byte the system wrote is read.

Own servers, so that everything in their folder was written by this test: the tracker store
database, both servers' logs, the directory (hashes only) and the pepper file. The servers run
at DEBUG, where Rasa logs message texts, slots and events: codes must not appear at any level.
"""

import re
import uuid

import pytest
import requests

from tests.conftest import demo_directory_env, free_port
from tools.serve import Servers, running

pytestmark = pytest.mark.slow

DEMO_CODES = ("48213", "7391", "2846", "55120", "1357", "80416")  # 80416: the new code
CONVERSATIONS = [
    ["chcę się zweryfikować", "600 100 200", "48213"],
    ["zweryfikuj mnie", "600100200", "7391"],
    ["sprawdź mój plus kod", "600-100-201", "2846"],
    ["chcę potwierdzić tożsamość", "600 200 300", "55120"],
    ["chcę się zweryfikować", "600 200 300", "13 57"],
    ["chcę się zweryfikować", "699 999 999", "1357"],        # unknown number
    ["mój kod to 48213", "a Plus Kod 4 to 7391 i 2846", "55120"],  # typed outside the form
    ['/inform{"plus_kod": "48213"}'],
    ["chcę aktywować kod", "600 200 300", "55 120", "80416", "80461", "80416", "80416"],
    ["chcę się zweryfikować", "600 200 300", "80416"],      # the activated code
]


def standalone(code: str, raw: bytes) -> bool:
    """True if ``code`` stands alone: not inside a longer run of digits, base64 or hex."""
    return re.search(rb"(?<![0-9A-Za-z+/])" + code.encode() + rb"(?![0-9A-Za-z+/])", raw) is not None


def test_no_demo_code_is_written_anywhere(trained_model, tmp_path):
    servers = Servers(model=trained_model, host="127.0.0.1", rasa_port=free_port(),
                      action_port=free_port(), log_dir=tmp_path,
                      tracker_db=tmp_path / "tracker.db", extra_env=demo_directory_env(tmp_path),
                      debug=True)
    with running(servers):
        senders = []
        for messages in CONVERSATIONS:
            sender = f"scan-{uuid.uuid4().hex[:8]}"
            senders.append(sender)
            for text in messages:
                response = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                                         json={"sender": sender, "message": text}, timeout=60)
                assert response.status_code == 200
                assert not any(standalone(c, response.content) for c in DEMO_CODES)
        api = b"".join(requests.get(f"{servers.rasa_url}/conversations/{s}/tracker",
                                    timeout=30).content for s in senders)

    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert {p.name for p in written} >= {"tracker.db", "rasa.log", "actions.log", "directory.db"}
    for path in written:
        raw = path.read_bytes()
        found = [c for c in DEMO_CODES if standalone(c, raw)]
        assert found == [], f"{path.name} holds {found}"
    assert [c for c in DEMO_CODES if standalone(c, api)] == []
    assert b"600100200" in (tmp_path / "tracker.db").read_bytes()   # the scan reads real data
    assert b"processor.message.parse" in (tmp_path / "rasa.log").read_bytes()   # DEBUG ran
    assert b"activated" in (tmp_path / "tracker.db").read_bytes()   # the activation ran
