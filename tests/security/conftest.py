"""The attacker's tests: real servers, attacked over HTTP.

``attacked`` is a server set of its own for this folder, configured as a deployment behind a
proxy would be (``PLUSKOD_TRUSTED_PROXIES=127.0.0.1``, so a test can be many clients through
``X-Forwarded-For``), logging at DEBUG (where Rasa logs texts, slots and events) and streaming
events to an SQL event broker, so that every byte the system writes can be scanned afterwards.
Proofs expire after 15 s idle here, so that expiry can be watched; every conversation of these
tests takes far less between its steps.
"""

import uuid
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import requests
import yaml

from pluskod.channels.rest import conversation_id
from pluskod.core.demo import seed_demo
from pluskod.core.directory import Attempts, CustomerDirectory
from pluskod.core.hashing import CodeHasher
from pluskod.core.secrets import PEPPER
from tests.conftest import demo_directory_env, free_port
from tools.serve import TOKEN_NAME, Servers, running

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PROOF_IDLE_SECONDS = 15


def endpoints_with_event_broker(folder: Path) -> Path:
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    config["event_broker"] = {"type": "sql", "dialect": "sqlite", "db": str(folder / "events.db")}
    path = folder / "endpoints.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def server_set(model: Path, folder: Path, debug: bool = False,
               env: Optional[Dict[str, str]] = None) -> Servers:
    return Servers(model=model, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                   log_dir=folder, tracker_db=folder / "tracker.db",
                   endpoints_source=endpoints_with_event_broker(folder), debug=debug,
                   extra_env={**demo_directory_env(folder), "PLUSKOD_TRUSTED_PROXIES": "127.0.0.1",
                              "PLUSKOD_PROOF_IDLE_MINUTES": str(PROOF_IDLE_SECONDS / 60),
                              "PLUSKOD_WEB_SECRET": "w" * 16 + uuid.uuid4().hex,
                              **(env or {})})


@pytest.fixture(scope="session")
def attacked_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("attacked")


@pytest.fixture(scope="session")
def attacked_servers(trained_model, attacked_folder):
    with running(server_set(trained_model, attacked_folder, debug=True)) as servers:
        yield servers


def server_directory(servers: Servers) -> CustomerDirectory:
    """The directory the servers' action server uses, opened as an operator's tool would."""
    return CustomerDirectory(servers.extra_env["PLUSKOD_DIRECTORY_URL"],
                             CodeHasher(PEPPER.load(servers.extra_env)))


def restore_demo(servers: Servers) -> None:
    """The demo codes as in the README, and no failures or locks anywhere."""
    directory = server_directory(servers)
    directory.create_schema()
    seed_demo(directory)
    with directory.engine.begin() as connection:
        connection.execute(Attempts.__table__.delete())
    directory.engine.dispose()


@pytest.fixture
def attacked(attacked_servers):
    """The attacked servers, with the demo directory as the README describes it, before and
    after each test."""
    restore_demo(attacked_servers)
    yield attacked_servers
    restore_demo(attacked_servers)


class Customer:
    """One conversation over the REST channel (as an integration's end user ``client``) or the
    web chat (from the address ``address``, through the trusted proxy)."""

    def __init__(self, servers: Servers, channel: str = "rest", client: Optional[str] = None):
        self.servers, self.channel = servers, channel
        self.headers = servers.integration_headers()
        self.client = client or f"client-{uuid.uuid4().hex[:10]}"
        self.address = f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
        if channel == "rest":
            self.sender = f"attack-{uuid.uuid4().hex[:12]}"
            self.tracker_id = conversation_id(TOKEN_NAME, self.sender)
        else:
            reply = requests.post(f"{servers.rasa_url}/webhooks/web/conversations",
                                  headers=self.forwarded(), timeout=30)
            assert reply.status_code == 201, reply.text
            self.conversation_id = reply.json()["conversation_id"]
            self.sender = self.tracker_id = "web-" + self.conversation_id.split(".")[0]

    def forwarded(self) -> Dict[str, str]:
        return {"X-Forwarded-For": self.address}

    def say(self, text: str) -> str:
        """What the assistant answers, as one text."""
        return " ".join(self.replies(text))

    def replies(self, text: str) -> List[str]:
        if self.channel == "rest":
            reply = requests.post(f"{self.servers.rasa_url}/webhooks/rest/webhook",
                                  json={"sender": self.sender, "message": text,
                                        "client": self.client},
                                  headers=self.headers, timeout=60)
            assert reply.status_code == 200, reply.text
            return [m.get("text", "") for m in reply.json()]
        reply = requests.post(
            f"{self.servers.rasa_url}/webhooks/web/conversations/{self.conversation_id}/messages",
            json={"message": text}, headers=self.forwarded(), timeout=60)
        assert reply.status_code == 200, reply.text
        return [m.get("text", "") for m in reply.json()["messages"]]

    def tracker(self) -> dict:
        reply = requests.get(f"{self.servers.rasa_url}/conversations/{self.tracker_id}/tracker",
                             headers=self.servers.admin_headers(), timeout=30)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def slots(self) -> dict:
        return self.tracker()["slots"]

    def append_events(self, events: List[dict]) -> requests.Response:
        """What an attacker holding an admin token could do: write events directly."""
        return requests.post(
            f"{self.servers.rasa_url}/conversations/{self.tracker_id}/tracker/events",
            json=events, headers=self.servers.admin_headers(), timeout=60)

    def next_number(self, number: str) -> None:
        """In the same conversation, leave the form in progress (as a customer says no) and
        start a verification of ``number`` (given with the request, since the form would
        otherwise keep the number it has)."""
        assert "Dobrze" in self.say("nie, jednak nie")    # "Dobrze, przerywam…" in a form
        asked = self.say(f"chcę się zweryfikować, mój numer to {number}")
        assert "Wpisz swój Plus Kod" in asked, asked

    def at_code_prompt(self, number: str, start: str = "chcę się zweryfikować") -> None:
        assert "numer telefonu" in self.say(start)
        asked = self.say(number)
        assert "Plus Kod" in asked and "tylko dla telefonów na abonament" not in asked, asked


VERIFIED_KOD5 = "Plus Kod 5 jest poprawny"
VERIFIED_KOD4 = "Plus Kod 4 jest poprawny"
WRONG = "nie pasuje"
LOCKED = "za dużo błędnych kodów"
TOO_MANY = "zbyt wiele błędnych kodów, więc nie przyjmę"
CLIENT_BLOCKED = "z Twojego połączenia wpisano"
