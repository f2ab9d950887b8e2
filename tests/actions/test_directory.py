"""The directory on a real SQLite file and on PostgreSQL, with an injectable clock."""

import re
from datetime import datetime, timedelta

import pytest

from actions.directory import Activation, Base, CustomerDirectory, LockoutPolicy, Outcome
from actions.security import CodeHasher


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 25, 12, 0, 0)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def hasher():
    return CodeHasher(b"t" * 64, time_cost=1, memory_cost=8192)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def directory(directory_url, hasher, clock):
    d = CustomerDirectory(directory_url, hasher, LockoutPolicy(), clock)
    d.create_schema()
    d.add_account("A", kod5="48213", kod5_state="active")
    d.add_number("600100200", "abonament", "A", kod4="7391")
    d.add_number("600100201", "abonament", "A", kod4="2846")
    d.add_account("B", kod5="55120", kod5_state="temporary")
    d.add_number("600200300", "abonament", "B", kod4="1357")
    d.add_number("600300400", "na_karte")
    d.add_number("600400500", "mix")
    return d


@pytest.mark.parametrize("msisdn, code, outcome, scope", [
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
def test_demo_rows(directory, msisdn, code, outcome, scope):
    result = directory.check_code(msisdn, code)
    assert (result.outcome, result.scope) == (outcome, scope)


def test_offer_types(directory):
    assert [directory.offer_of(n) for n in ("600100200", "600300400", "600400500", "699999999")] \
        == ["abonament", "na_karte", "mix", None]


def test_three_failures_in_the_window_lock_the_number_even_for_the_right_code(directory, clock):
    for _ in range(2):
        assert directory.check_code("600100200", "11111").outcome is Outcome.REJECTED
    locked = directory.check_code("600100200", "11111")
    assert locked.outcome is Outcome.LOCKED and locked.locked_until == clock.now + timedelta(minutes=30)
    assert directory.check_code("600100200", "48213").outcome is Outcome.LOCKED
    clock.advance(minutes=30, seconds=1)
    assert directory.check_code("600100200", "48213").outcome is Outcome.VERIFIED


def test_failures_outside_the_window_start_a_new_count(directory, clock):
    directory.check_code("600100200", "11111")
    directory.check_code("600100200", "11112")
    clock.advance(minutes=16)
    assert directory.check_code("600100200", "11113").outcome is Outcome.REJECTED
    assert directory.lock_state("600100200").failures == 1


def test_unknown_numbers_are_counted_and_locked_like_known_ones(directory):
    outcomes = [directory.check_code("699999999", "12345").outcome for _ in range(3)]
    assert outcomes == [Outcome.REJECTED, Outcome.REJECTED, Outcome.LOCKED]


def test_a_lock_survives_a_new_directory_object(directory, directory_url, hasher, clock):
    for _ in range(3):
        directory.check_code("600100200", "11111")
    again = CustomerDirectory(directory_url, hasher, clock=clock)
    assert again.check_code("600100200", "48213").outcome is Outcome.LOCKED


def test_a_success_resets_the_count(directory):
    directory.check_code("600100200", "11111")
    directory.check_code("600100200", "11112")
    assert directory.check_code("600100200", "48213").outcome is Outcome.VERIFIED
    assert directory.check_code("600100200", "11113").outcome is Outcome.REJECTED


def test_unlock(directory):
    for _ in range(3):
        directory.check_code("600100200", "11111")
    assert directory.unlock("600100200")
    assert directory.check_code("600100200", "48213").outcome is Outcome.VERIFIED
    assert not directory.unlock("611111111")


def written(directory, directory_url):
    """Every byte the directory wrote: the SQLite file, or every row of every table."""
    if directory_url.startswith("sqlite:///"):
        return open(directory_url[len("sqlite:///"):], "rb").read()
    with directory.engine.connect() as connection:
        return repr([connection.execute(table.select()).all()
                     for table in Base.metadata.sorted_tables]).encode()


def test_no_code_is_stored(directory, directory_url):
    """Hashes are base64, where any digit run may occur by chance, so a code counts as found
    only when it stands alone (not inside a base64 run)."""
    directory.check_code("600100200", "48213")
    directory.activate_kod5("600200300", "80416")
    raw = written(directory, directory_url)
    assert b"600100200" in raw                      # the scan reads real data
    for code in ("48213", "7391", "2846", "55120", "1357", "80416"):
        assert not re.search(rb"(?<![A-Za-z0-9+/])" + code.encode() + rb"(?![A-Za-z0-9+/])", raw)


def test_activation_makes_the_new_code_the_only_kod5(directory):
    assert directory.is_current_kod5("600200300", "55120")
    assert directory.activate_kod5("600200300", "80416") is Activation.ACTIVATED
    assert directory.check_code("600200300", "80416").outcome is Outcome.VERIFIED
    assert directory.check_code("600200300", "55120").outcome is Outcome.REJECTED
    assert directory.check_code("600200300", "1357").outcome is Outcome.VERIFIED  # Kod 4 kept


@pytest.mark.parametrize("msisdn", ["600100200", "600300400", "699999999"])
def test_only_a_temporary_code_can_be_activated(directory, msisdn):
    """Active account, prepaid number, unknown number: nothing changes."""
    assert directory.activate_kod5(msisdn, "80416") is Activation.NOT_TEMPORARY
    assert directory.check_code("600100200", "48213").outcome is Outcome.VERIFIED


def test_the_temporary_code_cannot_be_its_own_replacement(directory):
    assert directory.activate_kod5("600200300", "55120") is Activation.SAME_AS_CURRENT
    assert directory.check_code("600200300", "55120").outcome is Outcome.TEMPORARY


def test_concurrent_failures_are_all_counted(directory):
    """Six wrong codes at once, as from six replicas: the lock comes at the third failure,
    whatever the interleaving (row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: directory.check_code("600100200", "11111").outcome,
                                 range(6)))
    assert sorted(o.value for o in outcomes) == ["locked"] * 4 + ["rejected"] * 2
