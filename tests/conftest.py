"""Shared fixtures: real objects built from the project's own files.

PostgreSQL tests (marker ``postgres``) use ``PLUSKOD_TEST_POSTGRES_URL`` (default: the local
server this machine kind starts, ``postgresql://root@127.0.0.1:5432/test``), each in a schema
of its own that is dropped afterwards. Without a server they fail with a message saying how
to point them elsewhere or deselect them (``-m "not postgres"``); they are never skipped.
"""

import os
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from pluskod.core.demo import seed_demo
from pluskod.core.directory import Asker, CustomerDirectory
from pluskod.core.hashing import CodeHasher
from pluskod.core.lockout import LockoutPolicy
from tools.check_services import test_postgres_url
from tools.serve import Servers, running

ROOT = Path(__file__).resolve().parent.parent
SPACY_DIR = ROOT / "build" / "spacy_pl_pluskod"
MODEL = ROOT / "models" / "pluskod.tar.gz"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def polish_nlp(tmp_path_factory):
    """The Polish spaCy pipeline as `make install` builds it (built here if missing)."""
    import spacy

    path = SPACY_DIR
    if not (path / "meta.json").exists():
        from pluskod.language.build import build

        path = build(ROOT / "data", tmp_path_factory.mktemp("spacy") / "pl")
    return spacy.load(path)


POSTGRES_URL = test_postgres_url()


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


#: a fast hasher for tests: the same code path as the real one, with cheap parameters
FAST_HASHER = CodeHasher(b"d" * 64, time_cost=1, memory_cost=8192)


class EpochClock:
    """A clock in seconds since the epoch that only moves when a test moves it."""

    def __init__(self, now: float = 2_000_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def asker(conversation: str = "conversation", client: str = "client") -> Asker:
    return Asker(conversation=conversation, client=client)


@pytest.fixture
def demo_directory(tmp_path):
    """The README's demo directory in a SQLite file (a fast hasher: same code path)."""
    directory = CustomerDirectory(f"sqlite:///{tmp_path / 'demo.db'}", FAST_HASHER,
                                  LockoutPolicy())
    directory.create_schema()
    seed_demo(directory)
    return directory


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: `make test` trains it first (or run `make train`).")
    return MODEL


#: a page on another origin that the servers of the tests allow to embed the web chat
PARTNER_ORIGIN = "https://partner.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_directory_env(folder):
    """A fresh demo directory, pepper and API secret in ``folder`` (nothing written to the
    repo)."""
    return {"PLUSKOD_DIRECTORY_URL": f"sqlite:///{folder / 'directory.db'}",
            "PLUSKOD_SEED_DEMO": "1", "PLUSKOD_PEPPER_FILE": str(folder / "pepper"),
            "PLUSKOD_JWT_SECRET_FILE": str(folder / "jwt-secret")}


@pytest.fixture(scope="session")
def servers(trained_model, tmp_path_factory):
    """The real action server and Rasa server on free ports, shared by the e2e and browser
    tests, with a fresh demo directory."""
    logs = tmp_path_factory.mktemp("logs")
    setup = Servers(model=trained_model, host="127.0.0.1", rasa_port=free_port(),
                    action_port=free_port(), log_dir=logs, tracker_db=logs / "tracker.db",
                    extra_env={**demo_directory_env(logs),
                               "PLUSKOD_WEB_ALLOWED_ORIGINS": PARTNER_ORIGIN})
    with running(setup) as started:
        yield started


@contextmanager
def make_run(root: Path, env: dict, output: Path):
    """``make run`` as a person starts it (as a CI script would: with SIGINT ignored, which
    the servers' supervisor must undo for Ctrl-C to work), until it printed its banner; then
    Ctrl-C. Yields the process."""
    with open(output, "w") as out:
        make = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=root, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        deadline = time.monotonic() + 300
        while "Press Ctrl-C to stop." not in output.read_text():
            assert make.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(1)
        yield make
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGINT)          # what Ctrl-C in the terminal does
            try:
                make.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)


# --- browser (Playwright for Python driving Debian's chromium, headless, offline) -----------
# Playwright's own browser download does not work here, so the browser is the system's
# chromium (`make browser` installs it; PLUSKOD_CHROMIUM points elsewhere). A failed test
# leaves a screenshot in reports/screenshots/.

CHROMIUM = Path(os.environ.get("PLUSKOD_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "reports" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    """Module-scoped on purpose: while Playwright's sync API is open, its event loop counts as
    running in this thread, so any later test calling ``asyncio.run()`` would fail."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"No chromium at {CHROMIUM}: run `make browser` (or set PLUSKOD_CHROMIUM).",
                    pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def open_page(browser, request):
    """``open_page(url, width=1280, height=900)``: a fresh browser context per call; JS errors
    and CSP violations are collected in ``page.problems``."""
    contexts, pages = [], []

    def open_(url, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="pl-PL")
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("console", lambda msg: page.problems.append(msg.text)
                if msg.type == "error" else None)
        page.goto(url)
        pages.append(page)
        return page

    yield open_
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages):
            page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{number}.png"),
                            full_page=True)
    for context in contexts:
        context.close()
