"""Customer directory: accounts, numbers, hashed Plus Kod values and lockout state.

The actions use only :class:`CustomerDirectory`. Storage is SQLAlchemy: a SQLite file by
default, any SQLAlchemy URL (PostgreSQL) by configuration. Codes exist here only as peppered
argon2id hashes (:mod:`actions.security`). Failed attempts are counted per phone number in
the database - known or unknown numbers alike - so a lock holds across conversations,
restarts and server replicas, and every attempt costs one hash so timing tells nothing.
"""

from __future__ import annotations

import enum
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator, Optional

import os
from functools import lru_cache

from sqlalchemy import (Column, DateTime, ForeignKey, Integer, String, create_engine, event,
                        select, update)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from actions.security import CodeHasher, load_pepper

Base = declarative_base()

OFFER_TYPES = ("abonament", "na_karte", "mix")
PREPAID = ("na_karte", "mix")
KOD5, KOD4 = "kod5", "kod4"
TEMPORARY, ACTIVE = "temporary", "active"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Account(Base):
    __tablename__ = "accounts"
    id = Column(String(64), primary_key=True)
    kod5_hash = Column(String(255), nullable=True)
    kod5_state = Column(String(16), nullable=True)


class Number(Base):
    __tablename__ = "numbers"
    msisdn = Column(String(9), primary_key=True)
    account_id = Column(String(64), ForeignKey("accounts.id"), nullable=True)
    offer_type = Column(String(16), nullable=False)
    kod4_hash = Column(String(255), nullable=True)


class AttemptState(Base):
    """Failed-attempt counter and lock of one phone number (known or not)."""

    __tablename__ = "attempts"
    msisdn = Column(String(9), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    window_started_at = Column(DateTime, nullable=True)
    locked_until = Column(DateTime, nullable=True)


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 3
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=30)


class Outcome(enum.Enum):
    VERIFIED = "verified"        # right code, active
    TEMPORARY = "temporary"      # right code, but the Kod 5 from the first invoice is not active
    REJECTED = "rejected"        # wrong code, unknown number, or no such code for the number
    LOCKED = "locked"            # too many failures: no code is checked until the lock ends


class Activation(enum.Enum):
    ACTIVATED = "activated"          # the new Kod 5 is active, the temporary one no longer works
    SAME_AS_CURRENT = "same_as_current"  # the new code is the temporary code itself
    NOT_TEMPORARY = "not_temporary"  # nothing to activate (unknown, prepaid, or already active)


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    scope: Optional[str] = None          # "account" (Kod 5) or "number" (Kod 4)
    locked_until: Optional[datetime] = None


class CustomerDirectory:
    """The directory the actions talk to. ``clock`` is injectable for lockout tests."""

    def __init__(self, url: str, hasher: CodeHasher, policy: LockoutPolicy = LockoutPolicy(),
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.hasher, self.policy, self.clock = hasher, policy, clock

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # --- what the actions ask -------------------------------------------------------------
    def offer_of(self, msisdn: str) -> Optional[str]:
        """The offer type of a number, or ``None`` when the number is unknown."""
        with self._sessions() as session:
            number = session.get(Number, msisdn)
            return number.offer_type if number else None

    def check_code(self, msisdn: str, code: str) -> Verification:
        """Verify a 5-digit Kod 5 (account) or 4-digit Kod 4 (number), counting failures."""
        self._ensure_attempt_row(msisdn)
        with self._transaction() as session:
            attempt = self._locked_attempt(session, msisdn)
            now = self.clock()
            if attempt.locked_until and attempt.locked_until > now:
                self.hasher.verify(None, "locked", msisdn, code)  # same work as any attempt
                return Verification(Outcome.LOCKED, locked_until=attempt.locked_until)

            purpose, subject, stored, state = self._stored_code(session, msisdn, code)
            if self.hasher.verify(stored, purpose, subject, code):
                attempt.failures, attempt.window_started_at = 0, None
                if purpose == KOD5 and state == TEMPORARY:
                    return Verification(Outcome.TEMPORARY, scope="account")
                return Verification(Outcome.VERIFIED,
                                    scope="account" if purpose == KOD5 else "number")
            return self._record_failure(session, attempt, now)

    def is_current_kod5(self, msisdn: str, code: str) -> bool:
        """Whether ``code`` is the account's present Kod 5 (asked only after the temporary
        code was proven, to refuse a "new" code equal to the old one)."""
        with self._sessions() as session:
            _, subject, stored, _ = self._stored_code(session, msisdn, code)
            return self.hasher.verify(stored, KOD5, subject, code)

    def activate_kod5(self, msisdn: str, new_code: str) -> Activation:
        """Replace the account's *temporary* Kod 5 with ``new_code`` and make it active.

        The caller has proven the temporary code earlier in the conversation (counted like any
        attempt by :meth:`check_code`); here the row is locked so two activations cannot
        interleave, and an account whose code is already active is left alone."""
        with self._transaction() as session:
            number = session.get(Number, msisdn)
            account = None
            if number is not None and number.account_id:
                statement = select(Account).where(Account.id == number.account_id).with_for_update()
                account = session.execute(statement).scalar_one_or_none()
            if account is None or account.kod5_state != TEMPORARY:
                return Activation.NOT_TEMPORARY
            if self.hasher.verify(account.kod5_hash, KOD5, account.id, new_code):
                return Activation.SAME_AS_CURRENT
            account.kod5_hash = self.hasher.hash(KOD5, account.id, new_code)
            account.kod5_state = ACTIVE
            return Activation.ACTIVATED

    # --- what operators do (see tools/directory_admin.py) ---------------------------------
    def add_account(self, account_id: str, kod5: Optional[str] = None,
                    kod5_state: Optional[str] = None) -> None:
        with self._transaction() as session:
            session.add(Account(
                id=account_id, kod5_state=kod5_state if kod5 else None,
                kod5_hash=self.hasher.hash(KOD5, account_id, kod5) if kod5 else None))

    def add_number(self, msisdn: str, offer_type: str, account_id: Optional[str] = None,
                   kod4: Optional[str] = None) -> None:
        if offer_type not in OFFER_TYPES:
            raise ValueError(f"offer type must be one of {', '.join(OFFER_TYPES)}")
        with self._transaction() as session:
            session.add(Number(msisdn=msisdn, offer_type=offer_type, account_id=account_id,
                               kod4_hash=self.hasher.hash(KOD4, msisdn, kod4) if kod4 else None))

    def import_records(self, accounts, numbers) -> None:
        """Add or replace accounts ``(id, kod5, state)`` and numbers ``(msisdn, offer,
        account, kod4)`` in one transaction: all or nothing."""
        with self._transaction() as session:
            for account_id, kod5, state in accounts:
                session.merge(Account(
                    id=account_id, kod5_state=state if kod5 else None,
                    kod5_hash=self.hasher.hash(KOD5, account_id, kod5) if kod5 else None))
            session.flush()
            for msisdn, offer, account_id, kod4 in numbers:
                session.merge(Number(
                    msisdn=msisdn, offer_type=offer, account_id=account_id,
                    kod4_hash=self.hasher.hash(KOD4, msisdn, kod4) if kod4 else None))

    def set_temporary_kod5(self, account_id: str, kod5: str) -> bool:
        """Give an account a new temporary Kod 5 (as on a first invoice)."""
        with self._transaction() as session:
            account = session.get(Account, account_id)
            if account is None:
                return False
            account.kod5_hash = self.hasher.hash(KOD5, account_id, kod5)
            account.kod5_state = TEMPORARY
            return True

    def is_empty(self) -> bool:
        with self._sessions() as session:
            return session.execute(select(Number.msisdn).limit(1)).first() is None

    def lock_state(self, msisdn: str) -> Optional[AttemptState]:
        with self._sessions() as session:
            return session.get(AttemptState, msisdn)

    def unlock(self, msisdn: str) -> bool:
        with self._transaction() as session:
            attempt = session.get(AttemptState, msisdn)
            if attempt is None:
                return False
            attempt.failures, attempt.window_started_at, attempt.locked_until = 0, None, None
            return True

    # --- internals --------------------------------------------------------------------------
    def _ensure_attempt_row(self, msisdn: str) -> None:
        try:
            with self._transaction() as session:
                if session.get(AttemptState, msisdn) is None:
                    session.add(AttemptState(msisdn=msisdn, failures=0))
        except IntegrityError:
            pass  # another process created it first

    @staticmethod
    def _locked_attempt(session: Session, msisdn: str) -> AttemptState:
        statement = select(AttemptState).where(AttemptState.msisdn == msisdn).with_for_update()
        return session.execute(statement).scalar_one()

    @staticmethod
    def _stored_code(session: Session, msisdn: str, code: str):
        number = session.get(Number, msisdn)
        if len(code) == 5:
            account = session.get(Account, number.account_id) if number and number.account_id else None
            subject = account.id if account else msisdn
            return KOD5, subject, account.kod5_hash if account else None, (
                account.kod5_state if account else None)
        return KOD4, msisdn, number.kod4_hash if number else None, None

    def _record_failure(self, session: Session, attempt: AttemptState,
                        now: datetime) -> Verification:
        window_open = attempt.window_started_at and attempt.window_started_at > now - self.policy.window
        # one atomic UPDATE: concurrent failures on other replicas are never lost
        session.execute(
            update(AttemptState)
            .where(AttemptState.msisdn == attempt.msisdn)
            .values(failures=AttemptState.failures + 1 if window_open else 1,
                    window_started_at=attempt.window_started_at if window_open else now)
            .execution_options(synchronize_session=False))
        session.refresh(attempt)
        if attempt.failures >= self.policy.max_failures:
            attempt.locked_until = now + self.policy.lock
            attempt.failures, attempt.window_started_at = 0, None
            return Verification(Outcome.LOCKED, locked_until=attempt.locked_until)
        return Verification(Outcome.REJECTED)


#: The demo directory of the README (tests and reviewers rely on exactly these rows).
DEMO_ACCOUNTS = (("A", "48213", ACTIVE), ("B", "55120", TEMPORARY))
DEMO_NUMBERS = (("600100200", "abonament", "A", "7391"), ("600100201", "abonament", "A", "2846"),
                ("600200300", "abonament", "B", "1357"), ("600300400", "na_karte", None, None),
                ("600400500", "mix", None, None))
DEFAULT_URL = "sqlite:///var/directory.db"


def seed_demo(directory: CustomerDirectory) -> None:
    directory.import_records(accounts=DEMO_ACCOUNTS, numbers=DEMO_NUMBERS)


def policy_from_env(environ=None) -> LockoutPolicy:
    environ = os.environ if environ is None else environ
    return LockoutPolicy(
        max_failures=int(environ.get("PLUSKOD_LOCK_MAX_FAILURES", 3)),
        window=timedelta(minutes=float(environ.get("PLUSKOD_LOCK_WINDOW_MINUTES", 15))),
        lock=timedelta(minutes=float(environ.get("PLUSKOD_LOCK_MINUTES", 30))))


@lru_cache(maxsize=1)
def directory_from_env() -> CustomerDirectory:
    """The directory the action server uses: ``PLUSKOD_DIRECTORY_URL`` (default a SQLite file
    in var/), created on first start and seeded with the demo rows when empty - for the
    embedded default, or any URL with ``PLUSKOD_SEED_DEMO=1``."""
    url = os.environ.get("PLUSKOD_DIRECTORY_URL", DEFAULT_URL)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:"):
        os.makedirs(os.path.dirname(url[len("sqlite:///"):]) or ".", exist_ok=True)
    directory = CustomerDirectory(url, CodeHasher(load_pepper()), policy_from_env())
    directory.create_schema()
    seed = os.environ.get("PLUSKOD_SEED_DEMO", "1" if url == DEFAULT_URL else "0") == "1"
    if seed and directory.is_empty():
        seed_demo(directory)
    return directory


def _sqlite_pragmas(connection, _record) -> None:
    # pysqlite opens transactions lazily on its own; take that over (see below)
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    """SQLite has no SELECT ... FOR UPDATE: take the write lock when the transaction starts, so
    two processes counting failures for one number wait for each other instead of both reading
    the old count (or failing with "database is locked" when upgrading a read lock)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
