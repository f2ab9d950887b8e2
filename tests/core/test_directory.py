"""The directory and its counting, on a real SQLite file and on PostgreSQL, with a clock."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from pluskod.core.directory import (
    Activation,
    Asker,
    Attempts,
    Base,
    Change,
    CustomerDirectory,
    Outcome,
)
from pluskod.core.hashing import CodeHasher
from pluskod.core.lockout import Limit, LockoutPolicy, policy_from_env
from tests.conftest import FAST_HASHER, asker


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 25, 12, 0, 0)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


def make(url, clock, policy=None):
    d = CustomerDirectory(url, FAST_HASHER, policy or LockoutPolicy(), clock)
    d.create_schema()
    return d


@pytest.fixture
def directory(directory_url, clock):
    d = make(directory_url, clock)
    d.add_account("A", kod5="48213", kod5_state="active")
    d.add_number("600100200", "abonament", "A", kod4="7391")
    d.add_number("600100201", "abonament", "A", kod4="2846")
    d.add_account("B", kod5="55120", kod5_state="temporary")
    d.add_number("600200300", "abonament", "B", kod4="1357")
    d.add_number("600300400", "na_karte")
    d.add_number("600400500", "mix")
    return d


def outcome(directory, msisdn, code, who=None):
    return directory.check_code(msisdn, code, who or asker()).outcome


def fresh(n):
    """A new conversation and client each time (so only the code's own limit counts)."""
    return Asker(conversation=f"c{n}", client=f"k{n}")


@pytest.mark.parametrize("msisdn, code, expected, scope", [
    ("600100200", "48213", Outcome.VERIFIED, "account"),
    ("600100201", "48213", Outcome.VERIFIED, "account"),
    ("600100200", "7391", Outcome.VERIFIED, "number"),
    ("600100201", "2846", Outcome.VERIFIED, "number"),
    ("600100201", "7391", Outcome.REJECTED, None),       # Kod 4 of the other number
    ("600200300", "55120", Outcome.TEMPORARY, "account"),
    ("600200300", "1357", Outcome.VERIFIED, "number"),
    ("600300400", "12345", Outcome.REJECTED, None),      # prepaid: no code exists
    ("699999999", "48213", Outcome.REJECTED, None),      # unknown number
])
def test_demo_rows(directory, msisdn, code, expected, scope):
    result = directory.check_code(msisdn, code, asker())
    assert (result.outcome, result.scope) == (expected, scope)
    assert (result.version is not None) == (expected is not Outcome.REJECTED)


def test_offer_types(directory):
    assert [directory.offer_of(n) for n in ("600100200", "600300400", "600400500", "699999999")] \
        == ["abonament", "na_karte", "mix", None]


def test_three_wrong_kod5_lock_the_account_on_every_number_of_it(directory, clock):
    assert outcome(directory, "600100200", "11111", fresh(1)) is Outcome.REJECTED
    assert outcome(directory, "600100201", "11112", fresh(2)) is Outcome.REJECTED
    locked = directory.check_code("600100200", "11113", fresh(3))
    assert locked.outcome is Outcome.LOCKED
    assert locked.locked_until == clock.now + timedelta(minutes=30)
    for number in ("600100200", "600100201"):                  # the right code too
        assert outcome(directory, number, "48213", fresh(4)) is Outcome.LOCKED
    assert outcome(directory, "600100201", "2846", fresh(5)) is Outcome.VERIFIED  # Kod 4 apart
    assert outcome(directory, "600200300", "55120", fresh(6)) is Outcome.TEMPORARY  # account B
    clock.advance(minutes=30, seconds=1)
    assert outcome(directory, "600100201", "48213", fresh(7)) is Outcome.VERIFIED


def test_a_right_kod4_never_wipes_the_accounts_kod5_failures(directory):
    """The attack of finding 3: one number's right Kod 4 between wrong Kod 5 guesses."""
    results = []
    for n, guess in enumerate(["11111", "11112", "11113", "11114"]):
        results.append(outcome(directory, "600100200", guess, fresh(2 * n)))
        assert outcome(directory, "600100200", "7391", fresh(2 * n + 1)) is Outcome.VERIFIED
    assert results == [Outcome.REJECTED, Outcome.REJECTED, Outcome.LOCKED, Outcome.LOCKED]


def test_kod4_failures_lock_only_that_number(directory):
    for n in range(3):
        last = outcome(directory, "600100200", "1111", fresh(n))
    assert last is Outcome.LOCKED
    assert outcome(directory, "600100200", "7391", fresh(9)) is Outcome.LOCKED
    assert outcome(directory, "600100201", "2846", fresh(10)) is Outcome.VERIFIED
    assert outcome(directory, "600100200", "48213", fresh(11)) is Outcome.VERIFIED


def test_a_right_code_resets_only_its_own_count(directory):
    assert outcome(directory, "600100200", "11111", fresh(1)) is Outcome.REJECTED
    assert outcome(directory, "600100200", "11112", fresh(2)) is Outcome.REJECTED
    assert outcome(directory, "600100200", "48213", fresh(3)) is Outcome.VERIFIED
    assert outcome(directory, "600100200", "11113", fresh(4)) is Outcome.REJECTED
    assert outcome(directory, "600100200", "11114", fresh(5)) is Outcome.REJECTED


def test_failures_outside_the_window_start_a_new_count(directory, clock):
    outcome(directory, "600100200", "11111", fresh(1))
    outcome(directory, "600100200", "11112", fresh(2))
    clock.advance(minutes=16)
    assert outcome(directory, "600100200", "11113", fresh(3)) is Outcome.REJECTED
    assert [s.failures for s in directory.lock_state("600100200")] == [1, 0]


def test_a_conversation_stops_after_five_failures_on_any_numbers_and_success_resets_nothing(
        directory):
    who = Asker(conversation="one", client="k")
    guesses = [("600100200", "11111"), ("600100201", "22222"), ("600100200", "7391"),
               ("699999999", "33333"), ("600200300", "1111"), ("600300400", "44444"),
               ("600200300", "2222")]
    results = [outcome(directory, number, code, who) for number, code in guesses]
    assert results == [Outcome.REJECTED, Outcome.REJECTED, Outcome.VERIFIED, Outcome.REJECTED,
                       Outcome.REJECTED, Outcome.TOO_MANY, Outcome.TOO_MANY]
    assert outcome(directory, "600100201", "2846", who) is Outcome.TOO_MANY   # right code too
    assert outcome(directory, "600100201", "2846",
                   Asker(conversation="two", client="k")) is Outcome.VERIFIED


def test_a_client_is_blocked_across_conversations_and_numbers(directory_url, clock):
    directory = make(directory_url, clock,
                     LockoutPolicy(client=Limit(4, timedelta(hours=1), timedelta(hours=1))))
    directory.import_records([("A", "48213", "active")],
                             [("600100200", "abonament", "A", "7391")])
    results = [outcome(directory, f"69{n:07d}", "11111", Asker(f"c{n}", "attacker"))
               for n in range(5)]
    assert results == [Outcome.REJECTED] * 3 + [Outcome.CLIENT_BLOCKED] * 2
    assert outcome(directory, "600100200", "48213", Asker("new", "attacker")) \
        is Outcome.CLIENT_BLOCKED
    assert outcome(directory, "600100200", "48213", Asker("new", "customer")) is Outcome.VERIFIED
    clock.advance(hours=1, seconds=1)
    assert outcome(directory, "600100200", "48213", Asker("new", "attacker")) is Outcome.VERIFIED


@pytest.mark.parametrize("number", ["699999999", "600300400"])
def test_unknown_and_prepaid_numbers_are_counted_and_locked_like_known_ones(directory, number):
    for code in ("12345", "1234"):
        results = [outcome(directory, number, code, fresh(n)) for n in range(3)]
        assert results == [Outcome.REJECTED, Outcome.REJECTED, Outcome.LOCKED]


def test_a_lock_survives_a_new_directory_object(directory, directory_url, clock):
    for n in range(3):
        outcome(directory, "600100200", "11111", fresh(n))
    assert outcome(make(directory_url, clock), "600100200", "48213", fresh(9)) is Outcome.LOCKED


def test_unlock(directory):
    for n in range(3):
        outcome(directory, "600100201", "11111", fresh(n))
    assert directory.lock_state("600100200")[0].locked_until is not None   # the whole account
    assert directory.unlock("600100200")
    assert outcome(directory, "600100201", "48213", fresh(9)) is Outcome.VERIFIED
    assert not directory.unlock("611111111")


def test_rows_of_made_up_numbers_expire(directory, clock):
    for n in range(10):
        outcome(directory, f"69{n:07d}", "11111", fresh(n))
    assert directory.attempt_rows() == 30          # a number, a conversation, a client each
    clock.advance(minutes=14)
    assert directory.purge_expired() == 0          # the window is still open
    clock.advance(minutes=2)
    outcome(directory, "600100200", "7391", fresh(99))  # any check purges now and then:
    assert directory.attempt_rows() == 20          # the numbers' rows are gone, and this check's
    clock.advance(hours=1)                         # the clients' rows go after their hour
    directory.purge_expired()
    assert directory.attempt_rows() == 10
    clock.advance(hours=23)                        # the conversations' after their day
    directory.purge_expired()
    assert directory.attempt_rows() == 0


def test_locks_expire_with_their_rows(directory, clock):
    for n in range(3):
        outcome(directory, "699999999", "11111", fresh(n))
    clock.advance(minutes=29)
    directory.purge_expired()
    assert directory.lock_state("699999999")[0].locked_until is not None
    clock.advance(minutes=2)
    directory.purge_expired()
    assert directory.lock_state("699999999")[0].locked_until is None


def written(directory, directory_url):
    """Every byte the directory wrote: the SQLite file, or every row of every table."""
    if directory_url.startswith("sqlite:///"):
        return open(directory_url[len("sqlite:///"):], "rb").read()
    with directory.engine.connect() as connection:
        return repr([connection.execute(table.select()).all()
                     for table in Base.metadata.sorted_tables]).encode()


def test_no_code_and_no_asker_is_stored_and_attempts_hold_no_number(directory, directory_url):
    """Hashes are base64, where any digit run may occur by chance, so a code counts as found
    only when it stands alone (not inside a base64 run)."""
    verified = directory.check_code("600100200", "48213", Asker("conversation-X", "client-Y"))
    temporary = directory.check_code("600200300", "55120", asker())
    directory.check_code("699999999", "11111", Asker("conversation-X", "client-Y"))
    directory.activate_kod5("600200300", temporary.version, "80416")
    assert directory.change_kod5("600100200", verified.version, "61940") is Change.CHANGED
    raw = written(directory, directory_url)
    assert b"600100200" in raw                      # the scan reads real data
    for code in ("48213", "7391", "2846", "55120", "1357", "80416", "61940", "11111"):
        assert not re.search(rb"(?<![A-Za-z0-9+/])" + code.encode() + rb"(?![A-Za-z0-9+/])", raw)
    with directory.engine.connect() as connection:
        attempts = repr(connection.execute(Attempts.__table__.select()).all())
    assert attempts.count("kod5:") == 2 and "699999999" not in attempts
    assert "conversation-X" not in attempts and "client-Y" not in attempts


def test_activation_makes_the_new_code_the_only_kod5(directory):
    temporary = directory.check_code("600200300", "55120", asker())
    assert directory.current_version("600200300", "account") == temporary.version
    assert directory.activate_kod5("600200300", temporary.version, "80416") is Activation.ACTIVATED
    assert outcome(directory, "600200300", "80416") is Outcome.VERIFIED
    assert outcome(directory, "600200300", "55120") is Outcome.REJECTED
    assert outcome(directory, "600200300", "1357") is Outcome.VERIFIED   # Kod 4 kept
    assert directory.current_version("600200300", "account") != temporary.version


def test_an_activation_is_bound_to_the_code_it_proved(directory):
    proven = directory.check_code("600200300", "55120", asker()).version
    directory.set_temporary_kod5("B", "40617")        # a new first invoice meanwhile
    assert directory.activate_kod5("600200300", proven, "80416") is Activation.STALE
    assert outcome(directory, "600200300", "40617") is Outcome.TEMPORARY
    assert directory.activate_kod5("600200300", "0" * 24, "80416") is Activation.STALE


@pytest.mark.parametrize("msisdn", ["600100200", "600300400", "699999999"])
def test_only_a_temporary_code_can_be_activated(directory, msisdn):
    """Active account, prepaid number, unknown number: nothing changes."""
    version = directory.current_version("600100200", "account")
    assert directory.activate_kod5(msisdn, version, "80416") is Activation.NOT_TEMPORARY
    assert outcome(directory, "600100200", "48213") is Outcome.VERIFIED


def test_a_locked_account_is_not_activated(directory):
    proven = directory.check_code("600200300", "55120", asker()).version
    for n in range(3):
        outcome(directory, "600200300", "11111", fresh(n))
    assert directory.activate_kod5("600200300", proven, "80416") is Activation.LOCKED
    directory.unlock("600200300")
    assert directory.activate_kod5("600200300", proven, "80416") is Activation.ACTIVATED


def test_the_numbers_on_an_account_are_all_its_numbers(directory):
    assert directory.numbers_on_account("600100201") == ("600100200", "600100201")
    assert directory.numbers_on_account("600300400") == ("600300400",)      # no account
    assert directory.numbers_on_account("699999999") == ("699999999",)      # unknown


def test_a_change_makes_the_new_code_the_only_kod5_of_the_whole_account(directory):
    verified = directory.check_code("600100200", "48213", asker())
    assert directory.change_kod5("600100200", verified.version, "80416") is Change.CHANGED
    for number in ("600100200", "600100201"):      # one code for every number of the account
        assert outcome(directory, number, "80416") is Outcome.VERIFIED
        assert outcome(directory, number, "48213") is Outcome.REJECTED
    assert outcome(directory, "600100201", "2846") is Outcome.VERIFIED   # Kod 4 kept
    assert directory.current_version("600100200", "account") != verified.version


def test_a_change_is_bound_to_the_code_it_verified(directory):
    verified = directory.check_code("600100200", "48213", asker()).version
    assert directory.change_kod5("600100200", verified, "80416") is Change.CHANGED
    assert directory.change_kod5("600100200", verified, "61940") is Change.STALE   # replayed
    assert outcome(directory, "600100200", "80416") is Outcome.VERIFIED
    assert directory.change_kod5("600100200", "0" * 24, "61940") is Change.STALE


@pytest.mark.parametrize("msisdn", ["600200300", "600300400", "600400500", "699999999"])
def test_only_an_active_code_can_be_changed(directory, msisdn):
    """A temporary code (it must be activated), prepaid and unknown numbers: nothing changes,
    whatever version is claimed."""
    for version in (directory.current_version("600200300", "account"),
                    directory.current_version("600100200", "account")):
        assert directory.change_kod5(msisdn, version, "80416") is Change.NOT_ACTIVE
    assert outcome(directory, "600200300", "55120") is Outcome.TEMPORARY
    assert outcome(directory, "600100200", "48213") is Outcome.VERIFIED


def test_an_activation_never_changes_an_active_code(directory):
    version = directory.current_version("600100200", "account")
    assert directory.activate_kod5("600100200", version, "80416") is Activation.NOT_TEMPORARY
    assert outcome(directory, "600100200", "48213") is Outcome.VERIFIED


def test_a_locked_account_is_not_changed(directory):
    verified = directory.check_code("600100200", "48213", asker()).version
    for n in range(3):
        outcome(directory, "600100201", "11111", fresh(n))   # any number of the account
    assert directory.change_kod5("600100200", verified, "80416") is Change.LOCKED
    directory.unlock("600100200")
    assert directory.change_kod5("600100200", verified, "80416") is Change.CHANGED


def test_concurrent_changes_of_one_code_let_exactly_one_win(directory):
    """Two conversations that verified the same code change it at once: the account row is
    locked, so one change wins and the other finds its proof stale."""
    verified = directory.check_code("600100200", "48213", asker()).version
    codes = ["80416", "61940", "39275", "70158"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: directory.change_kod5("600100200", verified, c), codes))
    assert sorted(r.value for r in results) == ["changed"] + ["stale"] * 3
    winner = codes[results.index(Change.CHANGED)]
    losers = [c for c in codes if c != winner]
    # two failures at most: a third would lock the account (each success resets them)
    for code in (losers[0], losers[1], winner, "48213", losers[2], winner):
        expected = Outcome.VERIFIED if code == winner else Outcome.REJECTED
        assert outcome(directory, "600100200", code, fresh(int(code))) is expected, code


def test_concurrent_failures_are_all_counted(directory):
    """Six wrong codes at once, as from six replicas: the lock comes at the third failure,
    whatever the interleaving (row locks on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda n: outcome(directory, "600100200", "11111", fresh(n)),
                                 range(6)))
    assert sorted(o.value for o in outcomes) == ["locked"] * 4 + ["rejected"] * 2


def statements(directory, check):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(directory.engine, "before_cursor_execute", record)
    try:
        check()
    finally:
        event.remove(directory.engine, "before_cursor_execute", record)
    return seen


def test_a_wrong_code_costs_the_same_work_for_known_unknown_and_prepaid_numbers(directory):
    """The same SQL statements in the same order, and one argon2 verification each."""
    calls = []
    real_verify = directory.hasher.verify

    def counting_verify(*args):
        calls.append(args[1:3])
        return real_verify(*args)

    directory.hasher.verify = counting_verify
    directory.purge_expired()   # the purge runs once a minute, whatever the number: not now
    try:
        runs = {number: statements(directory, lambda n=number: directory.check_code(
                    n, "11111", fresh(n))) for number in ("600100200", "699999999", "600300400")}
    finally:
        del directory.hasher.verify
    assert runs["600100200"] == runs["699999999"] == runs["600300400"]
    assert len(calls) == 3 and len(runs["600100200"]) >= 5


def test_the_policy_comes_from_the_environment():
    policy = policy_from_env({"PLUSKOD_LOCK_MAX_FAILURES": "5", "PLUSKOD_CLIENT_MINUTES": "90",
                              "PLUSKOD_CONVERSATION_WINDOW_MINUTES": "60"})
    assert policy == LockoutPolicy(
        code=Limit(5, timedelta(minutes=15), timedelta(minutes=30)),
        conversation=Limit(5, timedelta(minutes=60), timedelta(hours=24)),
        client=Limit(20, timedelta(hours=1), timedelta(minutes=90)))
    with pytest.raises(ValueError, match="PLUSKOD_CLIENT_MAX_FAILURES must be a number"):
        policy_from_env({"PLUSKOD_CLIENT_MAX_FAILURES": "many"})
    with pytest.raises(ValueError, match="greater than 0"):
        policy_from_env({"PLUSKOD_LOCK_MINUTES": "0"})


def test_a_hash_of_other_parameters_is_made_again_when_its_code_is_right(directory_url, clock):
    """Stored hashes cost what their own parameters say: after the parameters change, an old
    hash would verify in another time than the dummy of an unknown number."""
    old = CodeHasher(FAST_HASHER.pepper, time_cost=1, memory_cost=4096)
    before = make(directory_url, clock)
    before.hasher = old
    before.add_account("A", kod5="48213", kod5_state="active")
    before.add_number("600100200", "abonament", "A", kod4="7391")
    directory = make(directory_url, clock)                    # today's parameters
    assert directory.hasher.needs_rehash(old.hash("kod5", "A", "48213"))
    assert outcome(directory, "600100200", "11111") is Outcome.REJECTED   # no rehash on failure
    result = directory.check_code("600100200", "48213", fresh(1))
    assert result.outcome is Outcome.VERIFIED
    assert result.version == directory.current_version("600100200", "account")
    with directory.engine.connect() as connection:
        stored = connection.execute(Base.metadata.tables["accounts"].select()).one().kod5_hash
    assert not directory.hasher.needs_rehash(stored)
    assert directory.hasher.verify(stored, "kod5", "A", "48213")
    assert outcome(directory, "600100200", "7391") is Outcome.VERIFIED     # Kod 4 too
