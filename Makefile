# Plus Kod assistant - the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMP     := $(VENV)/.installed
SPACY_DIR := build/spacy_pl_pluskod
MODEL     := models/pluskod.tar.gz
CHROMIUM  ?= /usr/bin/chromium
DATA      := $(shell find data -name '*.yml' 2>/dev/null)
LANG_SRC  := $(wildcard pluskod/language/*.py pluskod/language/*.yml) pluskod/core/folding.py

.PHONY: help install spacy browser train run shell test test-fast validate test-stories \
        nlu-quality bench-nlu check-content clean

help:
	@echo "make run           install, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make test          install, train if needed, run the whole test suite"
	@echo "make shell         chat with the assistant in the terminal"
	@echo "make train         train the model when data, config or code changed"
	@echo "make install       create $(VENV) (Python 3.10) and build the Polish spaCy pipeline"
	@echo "make browser       install Debian's chromium for the browser tests"
	@echo "make test-fast     unit tests only (pytest -m 'not slow'), no training"
	@echo "make bench-nlu     compare this pipeline with a vanilla Rasa pipeline"
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
browser: $(CHROMIUM)
$(CHROMIUM):
	@echo "[browser] installing Debian's chromium for the browser tests (apt-get)"
	@sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends chromium

# --- model --------------------------------------------------------------------------------
train: install
	@$(PY) editor_tools/check_content.py
	$(PY) tools/train.py --model $(MODEL)

# --- running ------------------------------------------------------------------------------
run: train
	$(PY) tools/serve.py --model $(MODEL)

shell: train
	$(PY) tools/serve.py --model $(MODEL) --shell

# --- checks -------------------------------------------------------------------------------
check-content: install
	$(PY) editor_tools/check_content.py
	$(RASA) data validate

validate: check-content

test-stories: train
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors \
	  --out reports/core

nlu-quality: train
	$(PY) tools/nlu_quality.py --model $(MODEL)

test-fast: install
	$(PY) -m pytest -m "not slow" -q

test: install browser train validate test-stories nlu-quality
	$(PY) -m pytest -q

bench-nlu: install
	$(PY) tools/bench_nlu.py

clean:
	rm -rf build models reports .rasa .pytest_cache
