"""The studio's own tables: editors' accounts, sessions, failed logins, the audit trail and the
published versions.

SQLAlchemy, a SQLite file by default (``var/studio.db``), PostgreSQL by configuration
(``PLUSKOD_STUDIO_DB_URL``). Passwords exist only as argon2id hashes; session ids only as
SHA-256 digests (a stolen table opens no session), and a session's CSRF token is derived from
its id, so it is stored nowhere; who tried to log in is counted under keyed
pseudonyms (:func:`pluskod.core.secrets.derive_key`), never a name or an address in clear.

**Logins are counted like customers' codes** (:mod:`pluskod.core.directory`): a failure counts
against the name that was typed (known or not, so locking tells nothing about which names
exist) and against the client's address, each with its own :class:`~pluskod.core.lockout.Limit`;
while either is locked no password is compared. A success resets the name's failures only.
Every password check costs one argon2 verification, for unknown names too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    event,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from pluskod.core.directory import utcnow
from pluskod.core.lockout import Limit
from pluskod.core.secrets import STUDIO_DEMO_PASSWORD, STUDIO_SECRET, derive_key

DEFAULT_URL = "sqlite:///var/studio.db"
URL_ENV = "PLUSKOD_STUDIO_DB_URL"
ROLES = ("editor", "publisher")
#: the rules for a studio password (checked by :func:`password_problem`)
MIN_PASSWORD = 12
MAX_PASSWORD = 256
NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-"

Base: Any = declarative_base()


class User(Base):
    __tablename__ = "studio_users"
    name = Column(String(64), primary_key=True)
    role = Column(String(16), nullable=False)
    password_hash = Column(String(200), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class SessionRow(Base):
    __tablename__ = "studio_sessions"
    digest = Column(String(64), primary_key=True)
    user = Column(String(64), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)
    last_seen = Column(DateTime, nullable=False)


class LoginFailures(Base):
    __tablename__ = "studio_login_failures"
    subject = Column(String(80), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    window_start = Column(DateTime, nullable=False)
    locked_until = Column(DateTime, nullable=True)


class AuditRow(Base):
    __tablename__ = "studio_audit"
    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False)
    target = Column(String(200), nullable=False, default="")
    detail = Column(Text, nullable=False, default="")


class VersionRow(Base):
    __tablename__ = "studio_versions"
    id = Column(Integer, primary_key=True, autoincrement=True)
    commit = Column(String(40), nullable=False)
    model_file = Column(String(300), nullable=False)
    author = Column(String(64), nullable=False)
    message = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    live = Column(Boolean, nullable=False, default=False)


class InboxRow(Base):
    """A question of the inbox an editor handled (by its key: no customer's text here)."""

    __tablename__ = "studio_inbox"
    key = Column(String(64), primary_key=True)
    state = Column(String(120), nullable=False)
    actor = Column(String(64), nullable=False)
    at = Column(DateTime, nullable=False)


class Role(str, Enum):
    EDITOR = "editor"
    PUBLISHER = "publisher"


@dataclass(frozen=True)
class Account:
    name: str
    role: Role

    @property
    def can_publish(self) -> bool:
        return self.role is Role.PUBLISHER


@dataclass(frozen=True)
class LoginPolicy:
    """Failed logins: per typed name, and per client address."""

    name: Limit = Limit(5, timedelta(minutes=15), timedelta(minutes=15))
    client: Limit = Limit(20, timedelta(hours=1), timedelta(hours=1))
    #: a session ends after this long without a request, and after ``session_max`` in all
    session_idle: timedelta = timedelta(minutes=60)
    session_max: timedelta = timedelta(hours=10)


class LoginResult(Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class Login:
    result: LoginResult
    account: Optional[Account] = None
    #: while locked: until when (UTC)
    locked_until: Optional[datetime] = None


@dataclass(frozen=True)
class StudioSession:
    account: Account
    csrf: str


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


@dataclass(frozen=True)
class Version:
    id: int
    commit: str
    model_file: str
    author: str
    message: str
    created_at: datetime
    live: bool


class StudioError(ValueError):
    """A request the store refuses; the message is for the operator or editor (English for
    the CLI, the studio shows its own Polish text)."""


def name_problem(name: str) -> Optional[str]:
    if not 2 <= len(name) <= 64 or any(c not in NAME_CHARS for c in name) \
            or not name[0].isalnum():
        return (f"a user name is 2-64 characters of lowercase letters, digits and . _ -, "
                f"starting with a letter or digit (not {name!r})")
    return None


def password_problem(password: str) -> Optional[str]:
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"a password may have at most {MAX_PASSWORD} characters"
    if password.strip() != password:
        return "a password may not start or end with spaces"
    return None


class StudioStore:
    """Accounts, sessions, login counting, audit and versions, in one database."""

    def __init__(self, url: str, secret: bytes, policy: Optional[LoginPolicy] = None,
                 hasher: Optional[PasswordHasher] = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:"):
            os.makedirs(os.path.dirname(url[len("sqlite:///"):]) or ".", exist_ok=True)
        self.url = url
        self.engine = create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", lambda c: c.exec_driver_sql("BEGIN IMMEDIATE"))
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self._pseudonyms = derive_key(secret, "studio login subjects")
        self.policy = policy or LoginPolicy()
        self._hasher = hasher or PasswordHasher()
        self._now = clock
        self._dummy = self._hasher.hash("studio dummy password")
        Base.metadata.create_all(self.engine)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:"):
            # password hashes and the audit: readable by the studio's user only
            os.chmod(url[len("sqlite:///"):], 0o600)

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # --- accounts -----------------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str) -> Account:
        problem = name_problem(name) or password_problem(password)
        if problem:
            raise StudioError(problem)
        if role not in ROLES:
            raise StudioError(f"the role must be one of {', '.join(ROLES)} (not {role!r})")
        with self._transaction() as session:
            if session.get(User, name) is not None:
                raise StudioError(f"the user {name!r} exists; use 'passwd' or 'role' to change it")
            session.add(User(name=name, role=role, password_hash=self._hasher.hash(password),
                             created_at=self._now()))
        return Account(name, Role(role))

    def set_password(self, name: str, password: str) -> None:
        problem = password_problem(password)
        if problem:
            raise StudioError(problem)
        with self._transaction() as session:
            user = session.get(User, name)
            if user is None:
                raise StudioError(f"there is no user {name!r}")
            user.password_hash = self._hasher.hash(password)
            session.execute(delete(SessionRow).where(SessionRow.user == name))

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise StudioError(f"the role must be one of {', '.join(ROLES)} (not {role!r})")
        with self._transaction() as session:
            if session.execute(update(User).where(User.name == name).values(role=role)) \
                    .rowcount == 0:
                raise StudioError(f"there is no user {name!r}")

    def remove_user(self, name: str) -> None:
        with self._transaction() as session:
            if session.execute(delete(User).where(User.name == name)).rowcount == 0:
                raise StudioError(f"there is no user {name!r}")
            session.execute(delete(SessionRow).where(SessionRow.user == name))

    def users(self) -> List[Account]:
        with self._transaction() as session:
            rows = session.execute(select(User.name, User.role).order_by(User.name)).all()
        return [Account(name, Role(role)) for name, role in rows]

    def has_users(self) -> bool:
        with self._transaction() as session:
            return session.execute(select(User.name).limit(1)).first() is not None

    # --- logging in ---------------------------------------------------------------------
    def _subject(self, kind: str, value: str) -> str:
        digest = hmac.new(self._pseudonyms, f"{kind}:{value}".encode("utf-8"), hashlib.sha256)
        return f"{kind}:{digest.hexdigest()[:40]}"

    def login(self, name: str, password: str, client: str) -> Login:
        """Check a password, counting a failure against the typed name and the client."""
        now = self._now()
        name = name.strip().lower()[:64]
        subjects = {self._subject("name", name): self.policy.name,
                    self._subject("client", client): self.policy.client}
        with self._transaction() as session:
            rows = self._locked_rows(session, list(subjects), now)
            locked = [r.locked_until for r in rows.values()
                      if r.locked_until is not None and r.locked_until > now]
            if locked:
                return Login(LoginResult.LOCKED, locked_until=max(locked))
            user = session.get(User, name)
            if self._verify(user.password_hash if user else None, password) and user:
                session.delete(rows[self._subject("name", name)])
                return Login(LoginResult.OK, Account(user.name, Role(user.role)))
            until: Optional[datetime] = None
            for subject, limit in subjects.items():
                row = rows[subject]
                if now - row.window_start > limit.window:
                    row.failures, row.window_start, row.locked_until = 0, now, None
                row.failures += 1
                if row.failures >= limit.max_failures:
                    row.locked_until = now + limit.lock
                    until = max(until or row.locked_until, row.locked_until)
            if until is not None:
                return Login(LoginResult.LOCKED, locked_until=until)
            return Login(LoginResult.WRONG)

    def _locked_rows(self, session: Session, subjects: List[str],
                     now: datetime) -> Dict[str, LoginFailures]:
        """The subjects' rows, created if missing and locked for this transaction (in a fixed
        order, so two logins never wait for each other in a circle), after forgetting rows
        that no longer mean anything."""
        longest = max(self.policy.name.window + self.policy.name.lock,
                      self.policy.client.window + self.policy.client.lock)
        session.execute(delete(LoginFailures).where(LoginFailures.window_start < now - longest))
        values = [{"subject": s, "failures": 0, "window_start": now} for s in subjects]
        session.execute(self._insert(LoginFailures).values(values).on_conflict_do_nothing())
        statement = (select(LoginFailures).where(LoginFailures.subject.in_(subjects))
                     .order_by(LoginFailures.subject).with_for_update())
        return {row.subject: row for row in session.execute(statement).scalars()}

    def _insert(self, table: Any) -> Any:
        """An INSERT that can skip rows already there (``on_conflict_do_nothing``)."""
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(
            self.engine.dialect.name)
        if insert is None:
            raise RuntimeError(f"The studio supports SQLite and PostgreSQL, not "
                               f"{self.engine.dialect.name}.")
        return insert(table)

    def _verify(self, stored: Optional[str], password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password[:MAX_PASSWORD]) \
                and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def unlock_all(self) -> int:
        """Forget every failed login, of names and of addresses (the operator's CLI: e.g.
        after a burst of guesses locked the address every editor comes from)."""
        with self._transaction() as session:
            return int(session.execute(delete(LoginFailures)).rowcount or 0)

    def unlock(self, name: str) -> bool:
        """Forget the failed logins of a name (the operator's CLI)."""
        with self._transaction() as session:
            return session.execute(delete(LoginFailures).where(
                LoginFailures.subject == self._subject("name", name))).rowcount > 0

    # --- sessions -----------------------------------------------------------------------
    def open_session(self, account: Account) -> str:
        """A new session for ``account``; returns the id for the cookie (stored hashed)."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        with self._transaction() as session:
            session.add(SessionRow(digest=_digest(token), user=account.name, created_at=now,
                                   last_seen=now))
        return token

    def session(self, token: Optional[str]) -> Optional[StudioSession]:
        """The live session of a cookie's id, or ``None`` (unknown, idle too long, too old,
        or its user removed); a live one is touched."""
        if not token or len(token) > 100:
            return None
        now = self._now()
        with self._transaction() as session:
            row = session.get(SessionRow, _digest(token))
            if row is None:
                return None
            user = session.get(User, row.user)
            if (user is None or now - row.last_seen > self.policy.session_idle
                    or now - row.created_at > self.policy.session_max):
                session.delete(row)
                return None
            row.last_seen = now
            return StudioSession(Account(user.name, Role(user.role)), _csrf(token))

    def close_session(self, token: Optional[str]) -> None:
        if token:
            with self._transaction() as session:
                session.execute(delete(SessionRow).where(SessionRow.digest == _digest(token)))

    # --- audit --------------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        with self._transaction() as session:
            session.add(AuditRow(at=self._now(), actor=actor, action=action, target=target[:200],
                                 detail=detail))

    def audit_trail(self, limit: int = 200) -> List[AuditEntry]:
        with self._transaction() as session:
            rows = session.execute(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
            return [AuditEntry(r.at, r.actor, r.action, r.target, r.detail)
                    for r in rows.scalars()]

    # --- the inbox ----------------------------------------------------------------------
    def handled_questions(self) -> set:
        with self._transaction() as session:
            return set(session.execute(select(InboxRow.key)).scalars())

    def handle_questions(self, keys: List[str], state: str, actor: str) -> int:
        """Remember ``keys`` as handled (``added:<intent>`` or ``dismissed``); returns how
        many were new. Handling a key twice keeps the first record."""
        rows = [{"key": key, "state": state[:120], "actor": actor, "at": self._now()}
                for key in sorted(set(keys))]
        if not rows:
            return 0
        with self._transaction() as session:
            result = session.execute(self._insert(InboxRow).values(rows)
                                     .on_conflict_do_nothing())
            return int(result.rowcount or 0)

    # --- published versions -------------------------------------------------------------
    def record_version(self, commit: str, model_file: str, author: str, message: str) -> Version:
        """A published version, made the live one."""
        with self._transaction() as session:
            session.execute(update(VersionRow).values(live=False))
            row = VersionRow(commit=commit, model_file=model_file, author=author,
                             message=message, created_at=self._now(), live=True)
            session.add(row)
            session.flush()
            return _version(row)

    def make_live(self, version_id: int) -> Version:
        with self._transaction() as session:
            row = session.get(VersionRow, version_id)
            if row is None:
                raise StudioError(f"there is no published version {version_id}")
            session.execute(update(VersionRow).values(live=False))
            row.live = True
            return _version(row)

    def versions(self) -> List[Version]:
        with self._transaction() as session:
            rows = session.execute(select(VersionRow).order_by(VersionRow.id.desc()))
            return [_version(r) for r in rows.scalars()]

    def version(self, version_id: int) -> Optional[Version]:
        with self._transaction() as session:
            row = session.get(VersionRow, version_id)
            return _version(row) if row is not None else None

    def live_version(self) -> Optional[Version]:
        with self._transaction() as session:
            row = session.execute(select(VersionRow).where(VersionRow.live.is_(True))) \
                .scalars().first()
            return _version(row) if row is not None else None


def _version(row: VersionRow) -> Version:
    return Version(row.id, row.commit, row.model_file, row.author, row.message, row.created_at,
                   bool(row.live))


def _csrf(token: str) -> str:
    """The session's CSRF token: derived from the session id (which only the cookie holds),
    so it is stored nowhere and dies with the session."""
    return hmac.new(token.encode("utf-8"), b"studio csrf", hashlib.sha256).hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _sqlite_connect(connection, _record) -> None:
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


DEMO_USER = "demo"


def ensure_demo_publisher(store: StudioStore, environ: Mapping[str, str]) -> Optional[Path]:
    """On a local first start (the studio's default database, no account yet): a publisher
    ``demo`` whose password is the file :data:`STUDIO_DEMO_PASSWORD` creates (mode 600).
    Returns that file when the account was made now, else ``None``."""
    if environ.get(URL_ENV) or store.has_users():
        return None
    password = STUDIO_DEMO_PASSWORD.load(environ).decode("utf-8")
    store.add_user(DEMO_USER, Role.PUBLISHER.value, password)
    return Path(environ.get(STUDIO_DEMO_PASSWORD.file_env) or STUDIO_DEMO_PASSWORD.default_file)


def store_from_env(environ: Optional[Mapping[str, str]] = None,
                   root: Optional[str] = None) -> StudioStore:
    """The studio's store as configured: ``PLUSKOD_STUDIO_DB_URL`` (default ``var/studio.db``
    under ``root``), keyed with the studio secret (:data:`STUDIO_SECRET`)."""
    environ = os.environ if environ is None else environ
    url = environ.get(URL_ENV)
    if not url:
        url = DEFAULT_URL if root is None else f"sqlite:///{os.path.join(root, 'var/studio.db')}"
    return StudioStore(url, STUDIO_SECRET.load(environ))
