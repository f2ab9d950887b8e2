"""Customer directory: accounts, numbers, hashed Plus Kod values, and the counting of attempts.

Storage is SQLAlchemy: a SQLite file by default, PostgreSQL by configuration. Codes exist here
only as peppered argon2id hashes (:mod:`pluskod.core.hashing`).

**Counting that cannot be gamed.** Every comparison of something a customer typed with a stored
code goes through :meth:`CustomerDirectory.check_code`, which counts a failure against three
*subjects* at once, each with its own limit (:class:`LockoutPolicy`):

* the code that was tried: a Plus Kod 5 is counted per **account**, across all its numbers; a
  Plus Kod 4 per **number** (an unknown or prepaid number is its own subject, so it is counted
  and locked exactly like a known one);
* the **conversation**, for its whole life (a success does not reset it);
* the **client** (an address, see :mod:`pluskod.core.clients`), so that guessing across many
  numbers or conversations, or locking other people's numbers, costs real time.

A success resets only the failures of the code it proved (the same code on the same subject):
a right Plus Kod 4 never wipes the account's Plus Kod 5 failures. While any subject is locked no
code is compared. Subjects are stored as keyed pseudonyms (no phone number, account id or
conversation id in the table), and every row carries the time after which it means nothing and
is deleted (:meth:`CustomerDirectory.purge_expired`, run on the way by the checks themselves).

**Constant work.** A wrong code costs the same queries, writes and one argon2 verification
whether the number exists, is unknown or is prepaid, so neither the answer nor its time tells
them apart. A stored hash made with other argon2 parameters than today's (after the parameters
were raised) would take another time than the dummy hash of an unknown number: it is made again
the next time its customer types the right code.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    create_engine,
    delete,
    event,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from pluskod.core.hashing import CodeHasher
from pluskod.core.lockout import Limit, LockoutPolicy, policy_from_env
from pluskod.core.names import DEFAULT_DIRECTORY_URL, OFFER_TYPES
from pluskod.core.secrets import PEPPER, derive_key

#: SQLAlchemy 1.4 ships no type information: the declarative base is untyped
Base: Any = declarative_base()

URL_ENV, SQL_LOG_ENV = "PLUSKOD_DIRECTORY_URL", "PLUSKOD_SQL_LOG"
KOD5, KOD4 = "kod5", "kod4"
TEMPORARY, ACTIVE = "temporary", "active"
ACCOUNT_SCOPE, NUMBER_SCOPE = "account", "number"


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


class Attempts(Base):
    """Failures and lock of one subject (a code's owner, a conversation or a client)."""

    __tablename__ = "code_attempts"
    subject = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    window_started_at = Column(DateTime, nullable=True)
    locked_until = Column(DateTime, nullable=True)
    expires_at = Column(DateTime, nullable=False)
    __table_args__ = (Index("ix_code_attempts_expires_at", "expires_at"),)


class Outcome(enum.Enum):
    VERIFIED = "verified"            # right code, active
    TEMPORARY = "temporary"          # right code, but the Kod 5 from the first invoice
    REJECTED = "rejected"            # wrong code, unknown number, or no such code
    LOCKED = "locked"                # the code's owner is locked: nothing is compared
    TOO_MANY = "too_many_failures"   # this conversation failed too often
    CLIENT_BLOCKED = "client_blocked"  # this client failed too often, on any numbers


class Activation(enum.Enum):
    ACTIVATED = "activated"          # the new Kod 5 is active, the temporary one no longer works
    NOT_TEMPORARY = "not_temporary"  # no temporary code (unknown, prepaid, already active)
    STALE = "stale"                  # the code was changed since it was proven: prove it again
    LOCKED = "locked"                # the account is locked


class Change(enum.Enum):
    CHANGED = "changed"              # the new Kod 5 is active, the old one no longer works
    NOT_ACTIVE = "not_active"        # no active Kod 5 (unknown, prepaid, still temporary)
    STALE = "stale"                  # the code was changed since it was verified
    LOCKED = "locked"                # the account is locked


@dataclass(frozen=True)
class Asker:
    """Who compares a code: the conversation and the client (any strings; the directory
    stores only keyed pseudonyms of them)."""

    conversation: str
    client: str


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    scope: Optional[str] = None          # "account" (Kod 5) or "number" (Kod 4)
    version: Optional[str] = None        # fingerprint of the proven code (CodeHasher.version)
    locked_until: Optional[datetime] = None


@dataclass(frozen=True)
class SubjectState:
    """What :meth:`CustomerDirectory.lock_state` reports of one subject."""

    name: str
    failures: int
    locked_until: Optional[datetime]


_Row = Tuple[Optional[str], Optional[str], Optional[str], Optional[str], Optional[str]]


class CustomerDirectory:
    """The directory the actions and the operators' tools talk to. ``clock`` is injectable
    for lockout tests."""

    PURGE_EVERY = timedelta(minutes=1)

    def __init__(self, url: str, hasher: CodeHasher, policy: Optional[LockoutPolicy] = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        # parameters are never logged, should SQL statements be (PLUSKOD_SQL_LOG)
        self.engine = create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.hasher, self.clock = hasher, clock
        self.policy = policy or LockoutPolicy()
        self._subject_key = derive_key(hasher.pepper, "attempt subjects")
        self._last_purge: Optional[datetime] = None

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

    def check_code(self, msisdn: str, code: str, asker: Asker) -> Verification:
        """Compare a 5-digit Kod 5 (account) or 4-digit Kod 4 (number) typed by ``asker`` for
        ``msisdn``; count a failure against the code's owner, the conversation and the client.
        """
        now = self.clock()
        with self._transaction() as session:
            result = self._check(session, msisdn, code, asker, now)
        self._purge_now_and_then(now)
        return result

    def _check(self, session: Session, msisdn: str, code: str, asker: Asker,
               now: datetime) -> Verification:
        purpose = KOD5 if len(code) == 5 else KOD4
        account_id, kod5_hash, kod5_state, kod4_hash, _ = self._number_row(session, msisdn)
        if purpose == KOD5:
            owner = self._subject(KOD5, f"account:{account_id}" if account_id
                                  else f"number:{msisdn}")
            hash_subject, stored = (account_id or msisdn), kod5_hash
        else:
            owner = self._subject(KOD4, msisdn)
            hash_subject, stored = msisdn, kod4_hash
        limits = {owner: self.policy.code,
                  self._subject("conversation", asker.conversation): self.policy.conversation,
                  self._subject("client", asker.client): self.policy.client}
        rows = self._locked_rows(session, limits, now)
        blocked = self._blocked(rows, list(limits), now)
        if blocked is not None:
            self.hasher.verify(None, purpose, hash_subject, code)  # same work as any check
            outcome, until = blocked
            return Verification(outcome, locked_until=until)
        right = self.hasher.verify(stored, purpose, hash_subject, code)  # work as any check
        if right and stored is not None:
            self._reset(session, owner, now)
            if self.hasher.needs_rehash(stored):
                stored = self._rehash(session, purpose, hash_subject, code)
            scope = ACCOUNT_SCOPE if purpose == KOD5 else NUMBER_SCOPE
            outcome = (Outcome.TEMPORARY if purpose == KOD5 and kod5_state == TEMPORARY
                       else Outcome.VERIFIED)
            return Verification(outcome, scope=scope, version=self.hasher.version(stored))
        return self._record_failures(session, rows, limits, now)

    def numbers_on_account(self, msisdn: str) -> Tuple[str, ...]:
        """Every number of ``msisdn``'s account (``msisdn`` alone when it has none, or is
        unknown): what a new Plus Kod 5 may not be a part of. Compares nothing typed."""
        with self._sessions() as session:
            number = session.get(Number, msisdn)
            if number is None or not number.account_id:
                return (msisdn,)
            rows = session.execute(select(Number.msisdn).where(
                Number.account_id == number.account_id).order_by(Number.msisdn)).scalars()
            return tuple(rows)

    def current_version(self, msisdn: str, scope: str) -> Optional[str]:
        """The version of the code a proof of ``scope`` for ``msisdn`` was bound to, if that
        code still exists (``None`` otherwise). Compares nothing a customer typed."""
        with self._sessions() as session:
            _, kod5_hash, _, kod4_hash, _ = self._number_row(session, msisdn)
        stored = kod5_hash if scope == ACCOUNT_SCOPE else kod4_hash
        return self.hasher.version(stored) if stored else None

    def activate_kod5(self, msisdn: str, version: str, new_code: str) -> Activation:
        """Replace the *temporary* Kod 5 of ``msisdn``'s account with ``new_code`` and make it
        active. ``version`` is the proven temporary code's (from the sealed proof the caller
        checked): if the code changed since, nothing happens. The account row is locked, so two
        activations cannot interleave; a locked account is left alone. No code a customer
        typed is compared here."""
        status = self._replace_kod5(msisdn, version, new_code, from_state=TEMPORARY)
        return Activation.NOT_TEMPORARY if status is None else Activation(status)

    def change_kod5(self, msisdn: str, version: str, new_code: str) -> Change:
        """Replace the *active* Kod 5 of ``msisdn``'s account with ``new_code``: the old code
        stops working at once, for every number of the account and in every conversation
        (proofs bound to its version are void). ``version`` is the verified code's, from the
        sealed proof the caller checked; the same guarantees as :meth:`activate_kod5` hold."""
        status = self._replace_kod5(msisdn, version, new_code, from_state=ACTIVE)
        return Change.NOT_ACTIVE if status is None else Change(status)

    def _replace_kod5(self, msisdn: str, version: str, new_code: str,
                      from_state: str) -> Optional[str]:
        """``"stale"``, ``"locked"``, or the done state's value (``"activated"`` from a
        temporary code, ``"changed"`` from an active one); ``None`` when the account of
        ``msisdn`` has no Kod 5 in ``from_state`` (unknown or prepaid number included)."""
        now = self.clock()
        with self._transaction() as session:
            number = session.get(Number, msisdn)
            account = None
            if number is not None and number.account_id:
                statement = select(Account).where(Account.id == number.account_id).with_for_update()
                account = session.execute(statement).scalar_one_or_none()
            if account is None or account.kod5_state != from_state or not account.kod5_hash:
                return None
            if not hmac.compare_digest(self.hasher.version(account.kod5_hash), version):
                return "stale"
            owner = session.get(Attempts, self._subject(KOD5, f"account:{account.id}"))
            if owner is not None and owner.locked_until and owner.locked_until > now:
                return "locked"
            account.kod5_hash = self.hasher.hash(KOD5, account.id, new_code)
            account.kod5_state = ACTIVE
            return "activated" if from_state == TEMPORARY else "changed"

    # --- what operators do (see tools/directory_admin.py) ---------------------------------
    def add_account(self, account_id: str, kod5: Optional[str] = None,
                    kod5_state: Optional[str] = None) -> None:
        with self._transaction() as session:
            session.add(self._account(account_id, kod5, kod5_state))

    def add_number(self, msisdn: str, offer_type: str, account_id: Optional[str] = None,
                   kod4: Optional[str] = None) -> None:
        if offer_type not in OFFER_TYPES:
            raise ValueError(f"offer type must be one of {', '.join(OFFER_TYPES)}")
        with self._transaction() as session:
            session.add(self._number(msisdn, offer_type, account_id, kod4))

    def import_records(self, accounts: Iterable[Tuple[str, Optional[str], Optional[str]]],
                       numbers: Iterable[Tuple[str, str, Optional[str], Optional[str]]]) -> None:
        """Add or replace accounts ``(id, kod5, state)`` and numbers ``(msisdn, offer,
        account, kod4)`` in one transaction: all or nothing."""
        with self._transaction() as session:
            for account_id, kod5, state in accounts:
                session.merge(self._account(account_id, kod5, state))
            session.flush()
            for msisdn, offer, owner, kod4 in numbers:
                session.merge(self._number(msisdn, offer, owner, kod4))

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

    def lock_state(self, msisdn: str) -> List[SubjectState]:
        """The failures and locks of the codes a customer of ``msisdn`` may type: the Plus Kod
        5 (of its account) and the Plus Kod 4 (of the number)."""
        now = self.clock()
        with self._sessions() as session:
            states = []
            for name, subject in self._code_subjects(session, msisdn):
                row = session.get(Attempts, subject)
                live = row is not None and row.expires_at > now
                locked = (row.locked_until if live and row.locked_until and row.locked_until > now
                          else None)
                states.append(SubjectState(name, row.failures if live else 0, locked))
            return states

    def unlock(self, msisdn: str) -> bool:
        """Forget the failures and locks of ``msisdn``'s codes; ``True`` if there were any."""
        with self._transaction() as session:
            subjects = [subject for _, subject in self._code_subjects(session, msisdn)]
            result = session.execute(delete(Attempts).where(Attempts.subject.in_(subjects)))
            return bool(result.rowcount)

    def purge_expired(self) -> int:
        """Delete the attempt rows that no longer count (window over, lock ended); returns how
        many. Rows of made-up numbers go the same way as any other."""
        now = self.clock()
        with self._transaction() as session:
            result = session.execute(delete(Attempts).where(Attempts.expires_at <= now))
        self._last_purge = now
        return result.rowcount

    def attempt_rows(self) -> int:
        with self._sessions() as session:
            return len(session.execute(select(Attempts.subject)).all())

    # --- internals --------------------------------------------------------------------------
    def _account(self, account_id: str, kod5: Optional[str], state: Optional[str]) -> Account:
        return Account(id=account_id, kod5_state=state if kod5 else None,
                       kod5_hash=self.hasher.hash(KOD5, account_id, kod5) if kod5 else None)

    def _number(self, msisdn: str, offer: str, account_id: Optional[str],
                kod4: Optional[str]) -> Number:
        return Number(msisdn=msisdn, offer_type=offer, account_id=account_id,
                      kod4_hash=self.hasher.hash(KOD4, msisdn, kod4) if kod4 else None)

    def _subject(self, kind: str, value: str) -> str:
        digest = hmac.new(self._subject_key, f"{kind}|{value}".encode("utf-8"), hashlib.sha256)
        return f"{kind}:{digest.hexdigest()[:40]}"

    def _code_subjects(self, session: Session, msisdn: str) -> List[Tuple[str, str]]:
        account_id = self._number_row(session, msisdn)[0]
        owner = f"account:{account_id}" if account_id else f"number:{msisdn}"
        return [(KOD5, self._subject(KOD5, owner)), (KOD4, self._subject(KOD4, msisdn))]

    @staticmethod
    def _number_row(session: Session, msisdn: str) -> _Row:
        """``(account id, kod5 hash, kod5 state, kod4 hash, offer)`` of a number, all ``None``
        for an unknown one: one query, whatever the number."""
        statement = (select(Account.id, Account.kod5_hash, Account.kod5_state,
                            Number.kod4_hash, Number.offer_type)
                     .select_from(Number)
                     .outerjoin(Account, Account.id == Number.account_id)
                     .where(Number.msisdn == msisdn))
        row = session.execute(statement).first()
        return tuple(row) if row is not None else (None, None, None, None, None)

    def _locked_rows(self, session: Session, limits: Mapping[str, Limit],
                     now: datetime) -> Dict[str, Attempts]:
        """The subjects' rows, created if missing and locked for this transaction (in a fixed
        order, so that concurrent checks cannot deadlock)."""
        subjects = sorted(limits)
        values = [{"subject": s, "failures": 0, "expires_at": now} for s in subjects]
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            session.execute(postgresql.insert(Attempts).values(values).on_conflict_do_nothing())
        elif dialect == "sqlite":
            session.execute(sqlite.insert(Attempts).values(values).on_conflict_do_nothing())
        else:
            raise RuntimeError(f"The directory supports SQLite and PostgreSQL, not {dialect}.")
        statement = (select(Attempts).where(Attempts.subject.in_(subjects))
                     .order_by(Attempts.subject).with_for_update())
        return {row.subject: row for row in session.execute(statement).scalars()}

    def _blocked(self, rows: Mapping[str, Attempts], order: List[str],
                 now: datetime) -> Optional[Tuple[Outcome, datetime]]:
        owner, conversation, client = order
        for subject, outcome in ((client, Outcome.CLIENT_BLOCKED),
                                 (conversation, Outcome.TOO_MANY), (owner, Outcome.LOCKED)):
            until = rows[subject].locked_until
            if until is not None and until > now:
                return outcome, until
        return None

    def _rehash(self, session: Session, purpose: str, subject: str, code: str) -> str:
        """Store the code's hash again with the hasher's present parameters (see
        :meth:`CodeHasher.needs_rehash`): the same code, so its state and proofs' meaning stay."""
        stored = self.hasher.hash(purpose, subject, code)
        if purpose == KOD5:
            session.execute(update(Account).where(Account.id == subject).values(kod5_hash=stored))
        else:
            session.execute(update(Number).where(Number.msisdn == subject).values(kod4_hash=stored))
        return stored

    def _reset(self, session: Session, subject: str, now: datetime) -> None:
        session.execute(update(Attempts).where(Attempts.subject == subject)
                        .values(failures=0, window_started_at=None, expires_at=now)
                        .execution_options(synchronize_session=False))

    def _record_failures(self, session: Session, rows: Mapping[str, Attempts],
                         limits: Mapping[str, Limit], now: datetime) -> Verification:
        reached: Dict[str, datetime] = {}
        for subject, limit in limits.items():
            row = rows[subject]
            window_open = (row.window_started_at is not None
                           and row.window_started_at > now - limit.window)
            failures = row.failures + 1 if window_open else 1
            started = row.window_started_at if window_open else now
            values = dict(failures=failures, window_started_at=started,
                          expires_at=started + limit.window)
            if failures >= limit.max_failures:
                until = now + limit.lock
                values = dict(failures=0, window_started_at=None, locked_until=until,
                              expires_at=until)
                reached[subject] = until
            session.execute(update(Attempts).where(Attempts.subject == subject).values(**values)
                            .execution_options(synchronize_session=False))
        owner, conversation, client = limits
        for subject, outcome in ((owner, Outcome.LOCKED), (conversation, Outcome.TOO_MANY),
                                 (client, Outcome.CLIENT_BLOCKED)):
            if subject in reached:
                return Verification(outcome, locked_until=reached[subject])
        return Verification(Outcome.REJECTED)

    def _purge_now_and_then(self, now: datetime) -> None:
        if self._last_purge is None or now - self._last_purge >= self.PURGE_EVERY:
            self.purge_expired()


def reason_of(error: BaseException) -> str:
    """The first line of what a database error says, for an operator's message: the driver's
    own words when there are any, never the statement or its parameters."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def directory_from_env(environ: Optional[Mapping[str, str]] = None,
                       create_schema: bool = True) -> CustomerDirectory:
    """A directory as configured: ``PLUSKOD_DIRECTORY_URL`` (default a SQLite file in
    ``var/``), the pepper (:data:`pluskod.core.secrets.PEPPER`) and the lockout limits
    (:func:`policy_from_env`); its tables are created if missing. Called once by each process
    that needs a directory, which passes it on; it adds no rows (the launcher seeds the demo,
    see :mod:`pluskod.core.demo`). ``PLUSKOD_SQL_LOG=1`` logs every SQL statement the
    directory runs (never its parameters), to see what a check costs."""
    environ = os.environ if environ is None else environ
    url = environ.get(URL_ENV, DEFAULT_DIRECTORY_URL)
    if environ.get(SQL_LOG_ENV) == "1":
        logging.getLogger("sqlalchemy.engine.Engine").setLevel(logging.INFO)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:"):
        os.makedirs(os.path.dirname(url[len("sqlite:///"):]) or ".", exist_ok=True)
    directory = CustomerDirectory(url, CodeHasher(PEPPER.load(environ)), policy_from_env(environ))
    if create_schema:
        directory.create_schema()
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
    two processes counting failures for one subject wait for each other instead of both
    reading the old count (or failing with "database is locked" when upgrading a read lock)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
