"""The inbox reads what the real redacting tracker store wrote, on SQLite and PostgreSQL:
which messages count, how they group, phone numbers masked, and what was handled stays away."""

import asyncio
import time
from datetime import timezone

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from pluskod.tracker_store import RedactingSQLTrackerStore
from studio.inbox import Inbox, InboxError, question_key, tracker_url
from studio.store import StudioStore
from tests.studio.conftest import FAST_PASSWORDS


def faq(text, topic, answer_confidence, ranking=("faq/cost", "faq/how_to_get")):
    return UserUttered(text, {"name": "faq", "confidence": 0.95}, parse_data={
        "text": text, "intent": {"name": "faq", "confidence": 0.95},
        "response_selector": {"faq": {
            "response": {"intent_response_key": f"faq/{topic}",
                         "confidence": answer_confidence},
            "ranking": [{"intent_response_key": key, "confidence": 0.3} for key in ranking]}}})


def rejected(text, intent="nlu_fallback", ranking=("faq/availability", "faq/cost")):
    return UserUttered(text, {"name": intent, "confidence": 0.4}, parse_data={
        "text": text, "intent": {"name": intent, "confidence": 0.4},
        "response_selector": {"faq": {
            "response": {"intent_response_key": ranking[0], "confidence": 0.2},
            "ranking": [{"intent_response_key": key, "confidence": 0.2} for key in ranking]}}})


def confident(text, intent="greet"):
    return UserUttered(text, {"name": intent, "confidence": 0.99},
                       parse_data={"text": text, "intent": {"name": intent, "confidence": 0.99}})


def conversations():
    """Made when called: each event takes its time stamp when it is created."""
    return {
        "anna": [rejected("czy plus kod działa w roamingu?"),
                 confident("dzień dobry"),
                 faq("ile kosztuje plus kod", "cost", 0.95)],
        "bartek": [rejected("Czy Plus Kod działa w roamingu"),
                   rejected("czy plus kod dziala w romaingu?"),
                   rejected("mój numer to +48 600 100 200, czemu nie działa internet",
                            intent="out_of_scope")],
        "celina": [faq("a ten kod to na zawsze?", "change_code", 0.55),
                   rejected("/choose_faq{\"faq_topic\": \"cost\"}"),
                   rejected("600 100 200"),
                   rejected("48213")],
    }


def write(store):
    async def save_all():
        for sender, events in conversations().items():
            tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")])
            for event in events:
                tracker.update(event)
            await store.save(tracker)

    asyncio.run(save_all())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker_db(request, tmp_path):
    """(URL the inbox reads, the real redacting store writing there)."""
    if request.param == "sqlite":
        path = tmp_path / "tracker.db"
        return f"sqlite:///{path}", RedactingSQLTrackerStore(dialect="sqlite", db=str(path))
    url = make_url(request.getfixturevalue("postgres_url"))
    store = RedactingSQLTrackerStore(dialect="postgresql", host=url.host, port=url.port,
                                     db=url.database, username=url.username,
                                     query=dict(url.query))
    return str(url), store


def test_questions_that_need_a_look_group_with_counts_dates_and_closest_topics(tracker_db):
    url, store = tracker_db
    started = time.time()
    write(store)
    groups = Inbox(url).groups()
    summary = [(g.count, sorted(g.variants), g.closest) for g in groups]
    assert summary == [
        (3, ["Czy Plus Kod działa w roamingu", "czy plus kod dziala w romaingu?",
             "czy plus kod działa w roamingu?"], ["faq/availability"]),
        (1, ["a ten kod to na zawsze?"], ["faq/cost"]),
        (1, ["mój numer to *** *** 200, czemu nie działa internet"], ["faq/availability"]),
    ]
    roaming = groups[0]
    first, last = (d.replace(tzinfo=timezone.utc).timestamp() for d in (roaming.first,
                                                                         roaming.last))
    assert started - 5 <= first <= last <= time.time() + 5
    # "działa" and "dziala" are one sentence key (letters folded); the typo is another
    assert len(roaming.keys) == 2


def test_no_phone_number_and_no_code_reaches_the_inbox(tracker_db):
    url, store = tracker_db
    write(store)
    shown = repr([(q.text, q.closest) for q in Inbox(url).questions()])
    for secret in ("600 100 200", "600100200", "48213"):
        assert secret not in shown


def test_handled_questions_stay_away_even_when_asked_again(tracker_db, tmp_path):
    url, store = tracker_db
    write(store)
    studio = StudioStore(f"sqlite:///{tmp_path / 'studio.db'}", b"s" * 64,
                         hasher=FAST_PASSWORDS)
    inbox = Inbox(url)
    roaming = inbox.groups()[0]
    assert studio.handle_questions(roaming.keys, "added:faq/availability", "ewa") == 2
    assert studio.handle_questions(roaming.keys, "dismissed", "ola") == 0
    remaining = inbox.groups(studio.handled_questions())
    assert [g.text for g in remaining] == ["a ten kod to na zawsze?",
                                           "mój numer to *** *** 200, czemu nie działa internet"]
    asyncio.run(store.save(DialogueStateTracker.from_events(
        "dawid", [rejected("CZY PLUS KOD DZIAŁA W ROAMINGU?!")])))
    assert question_key("CZY PLUS KOD DZIAŁA W ROAMINGU?!") in roaming.keys
    assert [g.count for g in inbox.groups(studio.handled_questions())] == [1, 1]


def test_the_tracker_url_follows_endpoints_yml(root, tmp_path):
    assert tracker_url(root, {}) == f"sqlite:///{root / 'var/tracker.db'}"
    (tmp_path / "endpoints.yml").write_text(
        "tracker_store:\n  type: x\n  dialect: postgresql\n  host: db.internal\n  port: 5433\n"
        "  db: rasa\n  username: rasa\n  password: ${TRACKER_PASSWORD}\n", encoding="utf-8")
    url = make_url(tracker_url(tmp_path, {"TRACKER_PASSWORD": "s3cret/@"}))
    assert (url.drivername, url.host, url.port, url.database, url.username, url.password) == (
        "postgresql", "db.internal", 5433, "rasa", "rasa", "s3cret/@")
    assert tracker_url(tmp_path, {"PLUSKOD_TRACKER_DB_URL": "sqlite:///x.db"}) == "sqlite:///x.db"


def test_a_missing_or_foreign_database_is_a_polish_sentence(tmp_path):
    with pytest.raises(InboxError, match="nie zapisał jeszcze żadnej rozmowy"):
        Inbox(f"sqlite:///{tmp_path / 'none.db'}").questions()
    other = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE x (y int)").connection.commit()
    with pytest.raises(InboxError, match="Nie da się odczytać rozmów"):
        Inbox(f"sqlite:///{other}").questions()
