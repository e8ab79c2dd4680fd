# Casewell: `make run` sets up and serves the embedded office; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CASEWELL := $(BIN)/casewell
export CASEWELL_DATA_DIR ?= $(CURDIR)/data
export CASEWELL_PROJECT_DIR := $(CURDIR)
CASEWELL_TEST_POSTGRES_URL ?= postgres://casewell_test@127.0.0.1:5432/test
PYTEST := $(BIN)/pytest -p xdist -n auto --dist loadfile

.PHONY: run setup test test-sqlite test-postgres test-browser postgres-role browser dovecot lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build/static/casewell/casewell.css: node_modules/.installed $(wildcard frontend/*)
	npm run --silent build

setup: $(VENV)/.installed build/static/casewell/casewell.css

run: setup
	$(CASEWELL) manage migrate --noinput
	$(CASEWELL) demo --if-missing
	$(CASEWELL) serve

test: setup
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint && \
	$(MAKE) --no-print-directory test-sqlite && \
	$(MAKE) --no-print-directory test-postgres && \
	$(MAKE) --no-print-directory test-browser && \
	echo "All Casewell tests passed in $$(( $$(date +%s) - start )) seconds."

test-sqlite: setup dovecot
	@echo "== Tests on SQLite =="
	CASEWELL_TESTING=1 CASEWELL_DATABASE_URL=sqlite:///$(CURDIR)/test-data/casewell.sqlite3 \
	  $(PYTEST) -m "not browser and not postgres_only"

test-postgres: setup
	@if [ "$$CASEWELL_SKIP_POSTGRES" = 1 ]; then echo "== PostgreSQL tests SKIPPED (CASEWELL_SKIP_POSTGRES=1) =="; exit 0; fi; \
	echo "== Tests on PostgreSQL ($(CASEWELL_TEST_POSTGRES_URL)) =="; \
	$(MAKE) --no-print-directory postgres-role dovecot && \
	CASEWELL_TESTING=1 CASEWELL_DATABASE_URL=$(CASEWELL_TEST_POSTGRES_URL) \
	  $(PYTEST) -m "not browser"

# RLS does not apply to superusers, so the suite connects as a plain role.
postgres-role:
	@if ! $(BIN)/python -m casewell.testing.postgres_role "$(CASEWELL_TEST_POSTGRES_URL)"; then \
	  echo ""; echo "!!! No PostgreSQL answers at $(CASEWELL_TEST_POSTGRES_URL)."; \
	  echo "!!! Start it, set CASEWELL_TEST_POSTGRES_URL, or set CASEWELL_SKIP_POSTGRES=1 to skip."; \
	  exit 1; fi

test-browser: setup
	@if [ "$$CASEWELL_SKIP_BROWSER" = 1 ]; then echo "== Browser tests SKIPPED (CASEWELL_SKIP_BROWSER=1) =="; exit 0; fi; \
	$(MAKE) --no-print-directory browser && \
	echo "== Browser tests (Chromium at /usr/bin/chromium) ==" && \
	CASEWELL_TESTING=1 CASEWELL_DATABASE_URL=sqlite:///$(CURDIR)/test-data/browser.sqlite3 \
	  $(PYTEST) -m browser

# Debian's Chromium, never a downloaded browser.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; fi

# Debian's Dovecot for the IMAP tests, which start their own (no root needed then).
dovecot:
	@if [ ! -x /usr/sbin/dovecot ]; then \
	  echo "Installing Debian's dovecot-imapd for the IMAP tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq dovecot-imapd; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq dovecot-imapd; fi; fi

# Lint and the layering contract (models <- services <- views, api, commands).
lint: setup
	@echo "== Lint and layers =="
	$(BIN)/ruff check src
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) node_modules build test-data
