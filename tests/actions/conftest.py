"""Fixtures of the actions' tests: the demo directory, form trackers, and directory URLs
(a SQLite file, and the local PostgreSQL server).

PostgreSQL tests (marker ``postgres``) use ``PLUSKOD_TEST_POSTGRES_URL`` (default: the local
server this machine kind starts, ``postgresql://root@127.0.0.1:5432/test``), each in a schema
of its own that is dropped afterwards. Without a server they fail with a message saying how
to point them elsewhere or deselect them (``-m "not postgres"``); they are never skipped.
"""

import os
import uuid

import pytest
from rasa_sdk import Tracker
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from actions.directory import CustomerDirectory, LockoutPolicy, seed_demo
from actions.security import CodeHasher

POSTGRES_URL = os.environ.get("PLUSKOD_TEST_POSTGRES_URL",
                              "postgresql://root@127.0.0.1:5432/test")


@pytest.fixture
def postgres_url():
    schema = f"pluskod_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_URL, future=True)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL} ({error.orig}). Start it, "
                    f"set PLUSKOD_TEST_POSTGRES_URL, or deselect with -m 'not postgres'.",
                    pytrace=False)
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def directory_url(request, tmp_path):
    """The same tests on both backends the directory supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'directory.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def demo_directory(tmp_path):
    """The README's demo directory in a SQLite file (a fast hasher: same code path)."""
    directory = CustomerDirectory(f"sqlite:///{tmp_path / 'demo.db'}",
                                  CodeHasher(b"d" * 64, time_cost=1, memory_cost=8192),
                                  LockoutPolicy())
    directory.create_schema()
    seed_demo(directory)
    return directory


def form_tracker(form: str, **slots) -> Tracker:
    """A real rasa_sdk tracker while ``form`` is active, holding ``slots``."""
    return Tracker.from_dict({
        "sender_id": form, "slots": slots, "events": [], "paused": False,
        "latest_message": {"text": "", "intent": {}, "entities": []},
        "followup_action": None, "active_loop": {"name": form},
        "latest_action_name": "action_listen"})
