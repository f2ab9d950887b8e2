"""What the studio's tests share: a store on SQLite or PostgreSQL with a clock the test moves,
and a copy of the project's content to edit."""

import shutil
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from editor_tools.check_content import TEST_SETS
from studio.store import StudioStore

#: cheap argon2 parameters for tests: the same code path as the real hasher
FAST_PASSWORDS = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studio.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url, clock):
    store = StudioStore(store_url, b"s" * 64, hasher=FAST_PASSWORDS, clock=clock)
    yield store
    store.engine.dispose()


@pytest.fixture
def project(root, tmp_path):
    """A copy of what the studio edits and checks (data, domain, config, sources, test sets)."""
    copy = tmp_path / "project"
    for name in ("data", "docs"):
        shutil.copytree(root / name, copy / name)
    for name in ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml", *TEST_SETS):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, copy / name)
    return copy
