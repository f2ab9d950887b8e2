"""The studio's accounts, logins, sessions, audit and versions, on SQLite and PostgreSQL."""

import threading

import pytest
from sqlalchemy import text

from studio.store import Account, LoginResult, Role, StudioError, StudioStore
from tests.studio.conftest import FAST_PASSWORDS

PASSWORD = "zielona-herbata-42"


def test_a_user_logs_in_with_the_right_password_only(store):
    store.add_user("ola", "editor", PASSWORD)
    assert store.login("ola", PASSWORD, "10.0.0.1").account == Account("ola", Role.EDITOR)
    assert store.login("ola", PASSWORD + "x", "10.0.0.1").result is LoginResult.WRONG
    assert store.login("ola", PASSWORD.upper(), "10.0.0.1").result is LoginResult.WRONG


def test_names_are_case_blind_and_trimmed_at_login(store):
    store.add_user("ola", "publisher", PASSWORD)
    assert store.login("  OLA ", PASSWORD, "c").account == Account("ola", Role.PUBLISHER)


@pytest.mark.parametrize("name,role,password,problem", [
    ("Ola", "editor", PASSWORD, "lowercase"),
    ("o", "editor", PASSWORD, "2-64 characters"),
    ("ola ma", "editor", PASSWORD, "lowercase"),
    ("ola", "admin", PASSWORD, "the role must be one of editor, publisher"),
    ("ola", "editor", "short", "at least 12 characters"),
    ("ola", "editor", " " + PASSWORD, "may not start or end with spaces"),
    ("ola", "editor", "x" * 257, "at most 256"),
])
def test_bad_accounts_are_refused_with_the_reason(store, name, role, password, problem):
    with pytest.raises(StudioError, match=problem):
        store.add_user(name, role, password)
    assert store.users() == []


def test_a_name_is_added_once(store):
    store.add_user("ola", "editor", PASSWORD)
    with pytest.raises(StudioError, match="exists"):
        store.add_user("ola", "publisher", PASSWORD)
    assert store.users() == [Account("ola", Role.EDITOR)]


def test_nothing_secret_is_stored(store):
    store.add_user("ola", "editor", PASSWORD)
    token = store.open_session(store.login("ola", PASSWORD, "192.168.7.9").account)
    store.login("ola", "wrong-password-1", "192.168.7.9")
    store.login("nobody", "wrong-password-1", "192.168.7.9")
    with store.engine.connect() as connection:
        dump = repr([connection.execute(text(f"SELECT * FROM {table}")).all()
                     for table in ("studio_users", "studio_sessions", "studio_login_failures")])
    for secret in (PASSWORD, token, "192.168.7.9", "nobody", "wrong-password-1"):
        assert secret not in dump
    assert "$argon2id$" in dump


def test_five_wrong_passwords_lock_the_name_even_the_right_one_then(store, clock):
    store.add_user("ola", "editor", PASSWORD)
    results = [store.login("ola", f"wrong-{n}-password", f"client-{n}").result for n in range(5)]
    assert results == [LoginResult.WRONG] * 4 + [LoginResult.LOCKED]
    locked = store.login("ola", PASSWORD, "client-9")
    assert locked.result is LoginResult.LOCKED
    assert locked.locked_until == clock.now + store.policy.name.lock
    clock.advance(minutes=15, seconds=1)
    assert store.login("ola", PASSWORD, "client-9").result is LoginResult.OK


def test_an_unknown_name_locks_exactly_like_a_known_one(store):
    store.add_user("ola", "editor", PASSWORD)
    known = [store.login("ola", "wrong-password-x", "c").result for _ in range(5)]
    store.unlock("ola")
    unknown = [store.login("ewa", "wrong-password-x", "d").result for _ in range(5)]
    assert known == unknown == [LoginResult.WRONG] * 4 + [LoginResult.LOCKED]


def test_one_client_guessing_many_names_is_locked(store):
    store.add_user("ola", "editor", PASSWORD)
    results = [store.login(f"name{n}", "wrong-password-x", "10.9.9.9").result for n in range(20)]
    assert results[-1] is LoginResult.LOCKED and LoginResult.LOCKED not in results[:-1]
    assert store.login("ola", PASSWORD, "10.9.9.9").result is LoginResult.LOCKED
    assert store.login("ola", PASSWORD, "10.1.1.1").result is LoginResult.OK


def test_a_success_resets_the_names_failures_only(store):
    store.add_user("ola", "editor", PASSWORD)
    for _ in range(4):
        store.login("ola", "wrong-password-x", "c")
    assert store.login("ola", PASSWORD, "c").result is LoginResult.OK
    assert [store.login("ola", "wrong-password-x", "c").result for _ in range(4)] \
        == [LoginResult.WRONG] * 4


def test_failures_older_than_the_window_are_forgotten(store, clock):
    store.add_user("ola", "editor", PASSWORD)
    for _ in range(4):
        store.login("ola", "wrong-password-x", "c")
    clock.advance(minutes=16)
    assert store.login("ola", "wrong-password-x", "c").result is LoginResult.WRONG


def test_concurrent_wrong_logins_are_all_counted(store_url, clock):
    stores = [StudioStore(store_url, b"s" * 64, hasher=FAST_PASSWORDS, clock=clock)
              for _ in range(5)]
    stores[0].add_user("ola", "editor", PASSWORD)
    barrier = threading.Barrier(5)

    def guess(one):
        barrier.wait()
        one.login("ola", "wrong-password-x", "c")

    threads = [threading.Thread(target=guess, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stores[0].login("ola", PASSWORD, "other").result is LoginResult.LOCKED
    for one in stores:
        one.engine.dispose()


def test_a_session_lives_while_used_and_ends_when_idle_or_old(store, clock):
    store.add_user("ola", "editor", PASSWORD)
    account = store.login("ola", PASSWORD, "c").account
    token = store.open_session(account)
    live = store.session(token)
    assert live.account == account and len(live.csrf) >= 32
    alive = []
    for _ in range(11):  # used every 59 minutes: alive until the tenth hour
        clock.advance(minutes=59)
        alive.append(store.session(token) is not None)
    assert alive == [True] * 10 + [False]
    idle = store.open_session(account)
    clock.advance(minutes=61)
    assert store.session(idle) is None


@pytest.mark.parametrize("token", [None, "", "x" * 101, "not-a-session"])
def test_an_unknown_cookie_is_no_session(store, token):
    assert store.session(token) is None


def test_a_new_password_or_removing_a_user_ends_their_sessions(store):
    store.add_user("ola", "editor", PASSWORD)
    account = store.login("ola", PASSWORD, "c").account
    first, second = store.open_session(account), store.open_session(account)
    store.set_password("ola", PASSWORD + "-nowe")
    assert store.session(first) is None and store.session(second) is None
    third = store.open_session(account)
    store.remove_user("ola")
    assert store.session(third) is None


def test_a_role_change_applies_to_open_sessions(store):
    store.add_user("ola", "editor", PASSWORD)
    token = store.open_session(store.login("ola", PASSWORD, "c").account)
    store.set_role("ola", "publisher")
    assert store.session(token).account == Account("ola", Role.PUBLISHER)


def test_the_audit_trail_is_newest_first(store, clock):
    store.audit("ola", "edit", "faq/cost", "odpowiedź")
    clock.advance(minutes=1)
    store.audit("ewa", "publish", "wersja 1", "")
    assert [(e.actor, e.action, e.target, e.detail) for e in store.audit_trail()] == [
        ("ewa", "publish", "wersja 1", ""), ("ola", "edit", "faq/cost", "odpowiedź")]


def test_exactly_one_version_is_live(store):
    first = store.record_version("a" * 40, "models/published/1.tar.gz", "ola", "pierwsza")
    second = store.record_version("b" * 40, "models/published/2.tar.gz", "ola", "druga")
    assert store.live_version() == second.__class__(**{**second.__dict__})
    assert store.make_live(first.id).live
    assert [v.live for v in store.versions()] == [False, True]
    with pytest.raises(StudioError, match="no published version 99"):
        store.make_live(99)


@pytest.mark.parametrize("name", ["..", ".ola", "-ola", "_x"])
def test_a_name_starts_with_a_letter_or_digit(store, name):
    with pytest.raises(StudioError, match="starting with a letter or digit"):
        store.add_user(name, "editor", PASSWORD)


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    import os

    StudioStore(f"sqlite:///{tmp_path / 'studio.db'}", b"s" * 64, hasher=FAST_PASSWORDS)
    assert oct(os.stat(tmp_path / "studio.db").st_mode & 0o777) == "0o600"
