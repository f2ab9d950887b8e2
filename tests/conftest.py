"""Shared fixtures: real objects built from the project's own files."""

import socket
from pathlib import Path

import pytest

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
    """A fresh demo directory and pepper in ``folder`` (nothing written to the repo)."""
    return {"PLUSKOD_DIRECTORY_URL": f"sqlite:///{folder / 'directory.db'}",
            "PLUSKOD_SEED_DEMO": "1", "PLUSKOD_PEPPER_FILE": str(folder / "pepper")}


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
