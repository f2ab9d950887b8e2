"""Finding 6: a wrong code for an existing number took measurably longer than for an unknown
one. Measured over the real servers, for a known number, an unknown number and a number that is
prepaid by the time the code is typed, many times, interleaved (so that drift of the machine
falls on all kinds alike), with the medians compared by a bootstrap interval
(tests/security/timing.py):

* **end to end**, as an attacker sees it: the REST request that carries a wrong code;
* **at the action server**, where all the work that depends on the number is done: its
  ``/webhook`` running the form's validation, called as the Rasa server calls it. Without the
  Rasa server's own work around it the noise is a sixth, so the margin can be a third.

Margins are relative to the known number's median, so that a slower machine is judged by its
own noise. Below the noise, the work itself is compared exactly: the SQL statements the real
action server runs for one wrong code (logged with ``PLUSKOD_SQL_LOG=1``, parameters hidden)
must be the same, in the same order, whatever the number. (The directory alone is checked the
same way, with one argon2 verification each, in tests/core/test_directory.py.)

The servers here allow unlimited failures, so that every sample takes the wrong-code path
(locks are measured elsewhere).
"""

import random
import re
import statistics
import time
import uuid

import pytest
import requests
import yaml

from tests.security.conftest import ROOT, WRONG, Customer, server_set
from tests.security.timing import Difference, median_difference, table
from tools.serve import running

pytestmark = pytest.mark.slow

KINDS = {"known number": "600 100 200", "unknown number": "699 999 999",
         "prepaid at code time": "600 300 400"}
BASELINE = "known number"
#: largest difference of medians taken as "the same time", as a share of the baseline median
END_TO_END_MARGIN, ACTION_SERVER_MARGIN = 0.10, 0.12
END_TO_END_SAMPLES, ACTION_SERVER_SAMPLES = 150, 200
PER_CONVERSATION = 10
UNLIMITED = {f"PLUSKOD_{kind}_MAX_FAILURES": "1000000" for kind in ("LOCK", "CONVERSATION",
                                                                   "CLIENT")}
#: a log record's first line, as the servers' log handler writes it
_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+ +(\S+) +- ", re.M)


def sql_statements(log: str):
    """The statements in a stretch of the action server's log (timing lines dropped)."""
    records = _RECORD.split(log)[1:]
    statements = []
    for logger, message in zip(records[::2], records[1::2]):
        message = message.strip()
        if logger == "sqlalchemy.engine.Engine" and not message.startswith("["):
            statements.append(" ".join(message.split()))
    return statements


def interleaved(samples_per_kind, measure):
    """``measure(kind, n)`` for every kind, round after round, alternating the order."""
    samples = {kind: [] for kind in KINDS}
    for n in range(samples_per_kind):
        order = list(KINDS) if n % 2 else list(reversed(list(KINDS)))
        for kind in order:
            samples[kind].append(measure(kind, n))
    return samples


def wrong_code(n):
    return f"{13579 + 7 * n:05d}"


class RestConversations:
    """Conversations at the code prompt, one per kind, renewed every PER_CONVERSATION codes.
    A prepaid number is refused at the phone step, so its conversation starts with an
    unknown number that becomes the prepaid one before the code is typed."""

    def __init__(self, servers):
        self.servers, self.current, self.used = servers, {}, {}

    def customer(self, kind):
        if self.used.get(kind, PER_CONVERSATION) >= PER_CONVERSATION:
            customer = Customer(self.servers)
            prepaid = kind == "prepaid at code time"
            customer.at_code_prompt("699 999 998" if prepaid else KINDS[kind])
            if prepaid:
                reply = customer.append_events([{"event": "slot", "name": "phone_number",
                                                 "value": "600300400"}])
                assert reply.status_code == 200, reply.text
            self.current[kind], self.used[kind] = customer, 0
        self.used[kind] += 1
        return self.current[kind]

    def measure(self, kind, n):
        customer = self.customer(kind)
        body = {"sender": customer.sender, "message": wrong_code(n), "client": customer.client}
        started = time.perf_counter()
        reply = requests.post(f"{self.servers.rasa_url}/webhooks/rest/webhook", json=body,
                              headers=customer.headers, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        assert reply.status_code == 200 and WRONG in reply.text, reply.text
        return elapsed


class ActionServerCalls:
    """The form's validation, called as the Rasa server calls it at the code prompt."""

    def __init__(self, servers):
        from rasa.shared.core.domain import Domain

        self.url = f"{servers.action_url}/webhook"
        self.headers = {"Authorization": f"Bearer {servers.action_token}"}
        self.domain = Domain.from_dict(yaml.safe_load((ROOT / "domain.yml").read_text(
            encoding="utf-8"))).as_dict()

    def payload(self, number, code):
        sender, now = f"timing-{uuid.uuid4().hex[:10]}", time.time()
        events = [{"event": "session_started", "timestamp": now},
                  {"event": "user", "timestamp": now, "text": code,
                   "metadata": {"client": "timing"}},
                  {"event": "slot", "timestamp": now, "name": "plus_kod", "value": code}]
        return {"next_action": "validate_verification_form", "sender_id": sender,
                "version": "3.6.21", "domain": self.domain,
                "tracker": {"sender_id": sender, "events": events, "paused": False,
                            "slots": {"phone_number": number.replace(" ", ""),
                                      "requested_slot": "plus_kod", "plus_kod": code},
                            "latest_message": {"text": code, "intent": {"name": "inform"},
                                               "entities": []},
                            "followup_action": None, "latest_action_name": "action_listen",
                            "active_loop": {"name": "verification_form"}}}

    def measure(self, kind, n):
        payload = self.payload(KINDS[kind], wrong_code(n))
        started = time.perf_counter()
        reply = requests.post(self.url, json=payload, headers=self.headers, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        assert reply.status_code == 200, reply.text
        assert [r["response"] for r in reply.json()["responses"]] == ["utter_plus_kod_wrong"]
        return elapsed


@pytest.fixture(scope="module")
def measured(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("timing")
    with running(server_set(trained_model, folder,
                            env={**UNLIMITED, "PLUSKOD_SQL_LOG": "1"})) as servers:
        rest, action = RestConversations(servers), ActionServerCalls(servers)
        for kind in KINDS:              # every path once, before anything is measured
            rest.measure(kind, 0)
            action.measure(kind, 0)
        log = folder / "actions.log"
        statements = {}
        for kind in KINDS:              # within the minute after the warm-up's purge
            before = log.stat().st_size
            rest.measure(kind, 1)
            time.sleep(0.5)             # the log handler writes as the check ends
            with open(log, encoding="utf-8", errors="replace") as file:
                file.seek(before)
                statements[kind] = sql_statements(file.read())
        return {"end to end": interleaved(END_TO_END_SAMPLES, rest.measure),
                "at the action server": interleaved(ACTION_SERVER_SAMPLES, action.measure),
                "statements": statements}


def test_a_wrong_code_runs_the_same_statements_for_every_kind_of_number(measured):
    statements = measured["statements"]
    assert len(statements[BASELINE]) >= 5, statements      # the check was seen
    for kind in KINDS:
        assert statements[kind] == statements[BASELINE], kind


@pytest.mark.parametrize("where, share", [("end to end", END_TO_END_MARGIN),
                                          ("at the action server", ACTION_SERVER_MARGIN)])
def test_a_wrong_code_takes_the_same_time_for_every_kind_of_number(measured, where, share):
    samples = measured[where]
    margin = share * statistics.median(samples[BASELINE])
    print(f"\nwrong code, {where}:\n" + table(samples, BASELINE, margin))
    for kind in KINDS:
        if kind != BASELINE:
            difference = median_difference(samples[kind], samples[BASELINE])
            assert difference.within(margin), (where, kind, difference, margin)
            # precise enough to mean something: the interval is narrower than the margin
            assert difference.high - difference.low < 2 * margin, (where, kind, difference)


def test_the_statement_reader_reads_records_of_the_log_handler():
    log = ("2026-12-02 10:00:00 INFO     sqlalchemy.engine.Engine  - SELECT a\nFROM t\n"
           "2026-12-02 10:00:00 INFO     sqlalchemy.engine.Engine  - [generated in 0.001s]\n"
           "2026-12-02 10:00:01 INFO     rasa_sdk.executor  - something else\n"
           "2026-12-02 10:00:01 INFO     sqlalchemy.engine.Engine  - COMMIT\n")
    assert sql_statements(log) == ["SELECT a FROM t", "COMMIT"]


def test_the_statistics_see_a_shift_and_accept_noise():
    """The test's own machinery on synthetic samples with a known truth."""
    rng = random.Random(7)
    base = [80 + rng.gauss(0, 6) for _ in range(END_TO_END_SAMPLES)]
    same = [80 + rng.gauss(0, 6) for _ in range(END_TO_END_SAMPLES)]
    slower = [x + 10 for x in same]
    assert median_difference(same, base).within(8)
    assert not median_difference(slower, base).within(8)
    assert isinstance(median_difference(slower, base), Difference)
    with pytest.raises(ValueError, match="at least 10"):
        median_difference([1.0] * 5, base)
