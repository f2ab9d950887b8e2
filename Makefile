# Plus Kod assistant - the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMP     := $(VENV)/.installed
SPACY_DIR := build/spacy_pl_pluskod
MODEL     := models/pluskod.tar.gz
CHROMIUM  ?= $(or $(PLUSKOD_CHROMIUM),/usr/bin/chromium)
DATA      := $(shell find data -name '*.yml' 2>/dev/null)
LANG_SRC  := $(wildcard pluskod/language/*.py pluskod/language/*.yml) pluskod/core/folding.py

.PHONY: help install spacy browser train run shell test test-fast lint services validate \
        test-stories nlu-quality bench-nlu bench-publish check-content requirements clean

help:
	@echo "make run           install, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make test          install, train if needed, run the whole test suite"
	@echo "make shell         chat with the assistant in the terminal"
	@echo "make train         train the model when data, config or code changed"
	@echo "make install       create $(VENV) (Python 3.10) and build the Polish spaCy pipeline"
	@echo "make browser       install Debian's chromium for the browser tests"
	@echo "make test-fast     unit tests only (pytest -m 'not slow'), no training"
	@echo "make lint          ruff and mypy (make test runs them first)"
	@echo "make services      is the PostgreSQL the tests use reachable? (make test checks first)"
	@echo "make requirements  compile requirements.in to the pinned requirements.txt (pip-tools)"
	@echo "make bench-nlu     compare this pipeline with a vanilla Rasa pipeline"
	@echo "make bench-publish publish one answer while customers chat: time to live, failures"
	@echo "make check-content check the editors' files (YAML, names, sources) and rasa data validate"

# --- installation -------------------------------------------------------------------------
$(STAMP): requirements.txt pyproject.toml tools/find-python.sh
	@set -e; python=$$(tools/find-python.sh); \
	if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	  echo "[install] $(VENV) is not Python 3.10: recreating it"; rm -rf $(VENV); fi; \
	[ -x $(PY) ] || { echo "[install] creating $(VENV) with $$python"; $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	@echo "[install] installing pinned dependencies (first time: a few minutes, ~2.8 GB)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(SPACY_DIR)/meta.json: $(STAMP) $(DATA) $(LANG_SRC)
	$(PY) -m pluskod.language.build --data data --output $(SPACY_DIR)

install: $(STAMP) $(SPACY_DIR)/meta.json
spacy: $(SPACY_DIR)/meta.json

# Browser tests drive Debian's chromium (Playwright's own browser download does not work here).
# Installing it needs root (or sudo); a chromium already there is used as it is.
browser:
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "[browser] using $(CHROMIUM) (already installed; nothing to install)"; \
	elif [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null; then \
	  echo "[browser] installing Debian's chromium for the browser tests (apt-get)"; \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium; \
	else \
	  echo "[browser] error: $(CHROMIUM) is missing and installing it needs root: run 'apt-get install chromium' as root, or set PLUSKOD_CHROMIUM to a chromium binary." >&2; \
	  exit 1; \
	fi

# --- model --------------------------------------------------------------------------------
train: install
	@$(PY) -m editor_tools.check_content
	$(PY) -m tools.train --model $(MODEL)

# --- running ------------------------------------------------------------------------------
run: train
	$(PY) -m tools.serve --model $(MODEL)

shell: train
	$(PY) -m tools.serve --model $(MODEL) --shell

# --- checks -------------------------------------------------------------------------------
check-content: install
	$(PY) -m editor_tools.check_content
	$(RASA) data validate

validate: check-content

test-stories: train
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors \
	  --out reports/core

nlu-quality: train
	$(PY) -m tools.nlu_quality --model $(MODEL)
	$(PY) -m tools.nlu_quality --model $(MODEL) --heldout tests/nlu/heldout2.yml \
	  --thresholds tests/nlu/thresholds2.yml --report reports/nlu_quality_heldout2.json

test-fast: install
	$(PY) -m pytest -m "not slow" -q

# The fast checks first: lint and type errors, and a missing PostgreSQL, fail in seconds.
lint: install
	$(PY) -m ruff check .
	$(PY) -m mypy

services: install
	@$(PY) -m tools.check_services

test: install lint services browser train validate test-stories nlu-quality
	$(PY) -m pytest -q

bench-nlu: install
	$(PY) -m tools.bench_nlu

bench-publish: train
	$(PY) -m tools.bench_publish

# requirements.in -> requirements.txt, in a venv of its own: pip-tools needs a newer
# `packaging` than Rasa 3.6 allows, so it cannot live in $(VENV).
PIP_TOOLS := .venv-tools/bin/pip-compile
requirements: requirements.in
	@[ -x $(PIP_TOOLS) ] || { python=$$(tools/find-python.sh) && $$python -m venv .venv-tools && \
	  .venv-tools/bin/pip install --quiet --disable-pip-version-check pip==24.0 pip-tools==7.6.2; }
	$(PIP_TOOLS) --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.txt requirements.in

clean:
	rm -rf build models reports .rasa .pytest_cache
