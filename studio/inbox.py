"""The inbox of unanswered questions: customers' messages the assistant could not answer well,
read from the tracker store, grouped by similarity.

A message counts when the NLU ended in ``nlu_fallback`` or ``out_of_scope``, or chose a FAQ
answer (or an intent) with a confidence under :data:`LOW_CONFIDENCE`. Button commands and
messages of digits only are left out. The tracker store has already masked every code
(:mod:`pluskod.tracker_store`); phone numbers are masked here before anything is shown
(``*** *** 200``), so an editor never sees one, nor copies one into the examples.

Messages are grouped with :mod:`editor_tools.similarity` (near copies: word order, spaces,
one-letter typos), each group with its count, first and last date, and the topics the model
found closest (the FAQ ranking of its messages). What an editor did with a group (added as an
example, dismissed) is remembered in the studio's store by the messages' sentence keys, so the
same question asked again later does not come back.

Read with SQLAlchemy from Rasa's ``events`` table (``SQLTrackerStore``'s schema), on SQLite or
PostgreSQL; the URL comes from ``PLUSKOD_TRACKER_DB_URL`` or ``endpoints.yml``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import SQLAlchemyError

from editor_tools.check_content import sentence_key
from editor_tools.similarity import near_keys
from pluskod.core.names import RETRIEVAL_INTENT, answer_ranking, chosen_answer
from pluskod.core.phones import mask_phones

TRACKER_URL_ENV = "PLUSKOD_TRACKER_DB_URL"
#: an answer chosen with less confidence than this is worth an editor's look
LOW_CONFIDENCE = 0.7
REJECTED = ("nlu_fallback", "out_of_scope")
#: how many of the newest user messages are read
MAX_MESSAGES = 20000
_DIGITS_ONLY = re.compile(r"^[\d\s+().•-]*$")


class InboxError(RuntimeError):
    """The tracker store cannot be read; the message says which and why (no secrets)."""


@dataclass
class Question:
    text: str
    at: datetime
    intent: str
    confidence: float
    closest: List[str]

    @property
    def key(self) -> str:
        return question_key(self.text)


@dataclass
class Group:
    key: str
    text: str
    count: int
    first: datetime
    last: datetime
    closest: List[str]
    keys: List[str] = field(default_factory=list)
    variants: List[str] = field(default_factory=list)


def question_key(text: str) -> str:
    """A stable id of a question as the studio remembers it (its sentence key, hashed: the
    store keeps no customer's text)."""
    return hashlib.sha256(sentence_key(text).encode("utf-8")).hexdigest()[:32]


def tracker_url(root: Path, environ: Optional[Mapping[str, str]] = None) -> str:
    """The tracker store's database as the Rasa server is configured to use it."""
    environ = os.environ if environ is None else environ
    if environ.get(TRACKER_URL_ENV):
        return environ[TRACKER_URL_ENV]
    config = yaml.safe_load((root / "endpoints.yml").read_text(encoding="utf-8")) or {}
    store = config.get("tracker_store") or {}

    def value(name: str) -> Optional[str]:
        raw = store.get(name)
        if raw is None:
            return None
        return re.sub(r"\$\{(\w+)\}", lambda m: environ.get(m.group(1), ""), str(raw))

    dialect = value("dialect") or "sqlite"
    database = value("db") or "var/tracker.db"
    if dialect == "sqlite":
        path = Path(database)
        return f"sqlite:///{path if path.is_absolute() else root / path}"
    port = value("port")
    return str(URL.create(dialect, username=value("username"), password=value("password"),
                          host=value("host"), port=int(port) if port else None,
                          database=database))


def wants_a_look(parse: Mapping[str, Any]) -> Optional[float]:
    """The confidence of a parse that an editor should look at, else ``None``."""
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    if name in REJECTED:
        return confidence
    if name == RETRIEVAL_INTENT:
        chosen = chosen_answer(parse.get("response_selector"))
        answer = float(chosen.confidence or 0.0) if chosen else 0.0
        return answer if answer < LOW_CONFIDENCE else None
    return confidence if confidence < LOW_CONFIDENCE else None


def closest_topics(parse: Mapping[str, Any], limit: int = 3) -> List[str]:
    ranking = answer_ranking(parse.get("response_selector"))
    return [a.key for a in ranking[:limit] if a.key.startswith(RETRIEVAL_INTENT + "/")]


class Inbox:
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Optional[Engine] = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if self.url.startswith("sqlite:///") and not Path(self.url[10:]).exists():
                raise InboxError("Asystent nie zapisał jeszcze żadnej rozmowy.")
            self._engine = create_engine(self.url, future=True, pool_pre_ping=True)
        return self._engine

    def questions(self, limit: int = MAX_MESSAGES) -> List[Question]:
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(text(
                    "SELECT timestamp, data FROM events WHERE type_name = 'user' "
                    "ORDER BY id DESC LIMIT :limit"), {"limit": limit}).all()
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            raise InboxError(f"Nie da się odczytać rozmów z bazy asystenta "
                             f"({reason[0] if reason else type(error).__name__}).") from None
        found = []
        for timestamp, data in rows:
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                continue
            message = str(event.get("text") or "").strip()
            parse = event.get("parse_data") or {}
            if not message or message.startswith("/") or _DIGITS_ONLY.match(message):
                continue
            confidence = wants_a_look(parse)
            if confidence is None:
                continue
            found.append(Question(
                text=mask_phones(" ".join(message.split()))[:500],
                at=datetime.fromtimestamp(float(timestamp), timezone.utc).replace(tzinfo=None),
                intent=str((parse.get("intent") or {}).get("name") or ""),
                confidence=round(confidence, 2), closest=closest_topics(parse)))
        return found

    def groups(self, handled: Optional[set] = None) -> List[Group]:
        """Groups of near-copy questions not handled yet, the most asked first."""
        handled = handled or set()
        questions = [q for q in self.questions() if q.key not in handled]
        parent: Dict[int, int] = {}

        def root(i: int) -> int:
            while parent.get(i, i) != i:
                i = parent[i]
            return i

        index: Dict[str, int] = {}
        for i, question in enumerate(questions):
            for near in near_keys(sentence_key(question.text)):
                if near in index:
                    a, b = root(index[near]), root(i)
                    if a != b:
                        parent[b] = a
                else:
                    index[near] = i
        members: Dict[int, List[Question]] = {}
        for i, question in enumerate(questions):
            members.setdefault(root(i), []).append(question)
        groups = []
        for items in members.values():
            texts = Counter(q.text for q in items)
            closest = Counter(t for q in items for t in q.closest[:1])
            groups.append(Group(
                key=items[0].key, text=texts.most_common(1)[0][0], count=len(items),
                first=min(q.at for q in items), last=max(q.at for q in items),
                closest=[t for t, _ in closest.most_common(3)]
                or [t for t in items[0].closest],
                keys=sorted({q.key for q in items}),
                variants=[t for t, _ in texts.most_common(5)]))
        return sorted(groups, key=lambda g: (-g.count, -g.last.timestamp()))
