"""Shared fixtures: real objects built from the project's own files."""

from pathlib import Path

import pytest

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
