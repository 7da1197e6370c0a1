# The awards app's commands. The two that matter: `make run` and `make test` (see README.md).
#
#   make run [PHASE=judging]   build a demo edition on SQLite and serve it at http://127.0.0.1:5000
#   make test                  unit and web tests on SQLite, again on PostgreSQL (+ Redis) when they answer,
#                              then the browser tests; AWARDS_STRICT_TESTS=1 (CI) turns every skip into a failure
#   make bench                 every benchmark in bench/ against gunicorn, PostgreSQL and Redis, as one table of
#                              ratios to /floor and to a bare Flask app (GETs loaded with wrk when installed), plus
#                              page times with 1,000 and 1,000,000 votes (about 6 minutes)
#   make bench-spread          the spread (min/median/max) of the last three `make bench` runs' ratios
#   make clean                 remove the virtualenv and the built database (never the source)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# The newest suitable Python on this machine; override with `make PYTHON=/path/to/python3.11 ...`.
PYTHON ?= $(shell command -v python3.11 || command -v python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again only when pyproject.toml is newer than this.
INSTALLED := $(VENV)/.installed

PHASE ?= nominations
HOST := 127.0.0.1
PORT := 5000

# Development settings whatever the shell exports: SQLite under instance/, memory rate limits, the /dev/mail mailbox,
# and emailed links that point at the port the app is served on (`make run PORT=5123`).
DEV_ENV := env -u DATABASE_URL -u REDIS_URL -u AWARDS_INSTANCE_PATH AWARDS_ENV=development MAIL_BACKEND=devmail \
  PUBLIC_BASE_URL=http://$(HOST):$(PORT)
FLASK := $(BIN)/flask --app awards_app

# Where the second test pass finds its services (what CI exports wins).
PG_URL := $(or $(TEST_DATABASE_URL),postgresql://postgres@127.0.0.1:5432/test)
REDIS_URL_FOR_TESTS := $(or $(TEST_REDIS_URL),redis://127.0.0.1:6379/0)
STRICT := $(filter 1,$(AWARDS_STRICT_TESTS))

# `answers HOST PORT`: true when something accepts a TCP connection there within two seconds.
answers = timeout 2 bash -c 'exec 3<>/dev/tcp/$(1)/$(2)' 2>/dev/null

.PHONY: help install run test test-sqlite test-postgres test-browser bench bench-spread clean

help:  ## List the commands.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "The awards app needs Python 3.11 or newer; $(PYTHON) is older. Try: make PYTHON=python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV) \
	  || { echo "Could not create $(VENV). On Debian or Ubuntu: apt-get install python3-venv"; rm -rf $(VENV); exit 1; }

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(INSTALLED)  ## Create .venv and install the app with its development tools.

run: $(INSTALLED)  ## Build the demo (PHASE=nominations|judging|voting|ceremony|results) and serve it (PORT=5000).
	@echo "== building the database in instance/awards.db (flask db upgrade)"
	@$(DEV_ENV) $(FLASK) db upgrade
	@echo "== building the demo edition (flask demo --phase $(PHASE))"
	@$(DEV_ENV) $(FLASK) demo --phase $(PHASE)
	@echo
	@echo "The awards app is at http://$(HOST):$(PORT)  (development mailbox: http://$(HOST):$(PORT)/dev/mail)"
	@echo "Press Ctrl+C to stop."
	@echo
	@$(DEV_ENV) $(FLASK) run --host $(HOST) --port $(PORT)

test: $(INSTALLED)  ## Run every test: SQLite, then PostgreSQL/Redis when they answer, then the browser tests.
	@pg=""; redis=""; \
	if [ -n "$${TEST_DATABASE_URL:-}" ] || $(call answers,127.0.0.1,5432); then pg=1; fi; \
	if [ -n "$${TEST_REDIS_URL:-}" ] || $(call answers,127.0.0.1,6379); then redis=1; fi; \
	if [ -n "$(STRICT)" ] && [ -z "$$pg" ]; then echo "strict mode: PostgreSQL must answer at 127.0.0.1:5432"; exit 1; fi; \
	if [ -n "$(STRICT)" ] && [ -z "$$redis" ]; then echo "strict mode: Redis must answer at 127.0.0.1:6379"; exit 1; fi; \
	$(MAKE) --no-print-directory test-sqlite PG_PASS=$$pg; \
	if [ -n "$$pg" ]; then \
	  $(MAKE) --no-print-directory test-postgres REDIS_PASS=$$redis; \
	else \
	  echo "== PostgreSQL does not answer at 127.0.0.1:5432: its tests were shown as skipped on SQLite"; \
	fi; \
	$(MAKE) --no-print-directory test-browser PG_PASS=$$pg REDIS_PASS=$$redis

# The pytest runs behind `make test`; each needs the services `make test` found (PG_PASS, REDIS_PASS).
PYTEST := $(BIN)/python -m pytest -q -ra
# Every pass runs in parallel (pytest-xdist), one test file per worker at a time: each worker has its own SQLite file,
# PostgreSQL schema and Redis database (tests/conftest.py, tests/fixtures/apps.py), and in the browser pass its own
# gunicorn, database and SMTP sink (tests/fixtures/browser.py, tests/e2e/conftest.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
PARALLEL := $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

# Tests marked postgres or redis run in the PostgreSQL pass; when there is none they stay here and show as skipped.
test-sqlite: $(INSTALLED)
	@echo "== unit and web tests on SQLite"
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL $(PYTEST) $(PARALLEL) tests --ignore=tests/e2e \
	  $(if $(PG_PASS),-m "not postgres and not redis")

test-postgres: $(INSTALLED)
	@echo "== unit and web tests on PostgreSQL$(if $(REDIS_PASS), with Redis)"
	env -u TEST_REDIS_URL TEST_DATABASE_URL=$(PG_URL) $(if $(REDIS_PASS),TEST_REDIS_URL=$(REDIS_URL_FOR_TESTS)) \
	  $(PYTEST) $(PARALLEL) tests --ignore=tests/e2e

test-browser: $(INSTALLED)
	@echo "== browser tests (Chromium at $${CHROMIUM_PATH:-/usr/bin/chromium})"
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL $(if $(PG_PASS),TEST_DATABASE_URL=$(PG_URL)) \
	  $(if $(REDIS_PASS),TEST_REDIS_URL=$(REDIS_URL_FOR_TESTS)) $(PYTEST) $(PARALLEL) --durations=15 tests/e2e

bench: $(INSTALLED)  ## Every benchmark (PostgreSQL and Redis must answer): one table of ratios to /floor and a bare app.
	$(BIN)/python bench/run.py

bench-spread: $(INSTALLED)  ## The spread of the last three `make bench` runs' ratios (the machine's noise).
	$(BIN)/python bench/spread.py

clean:  ## Remove .venv, the development database and test/bench leftovers (never the source).
	rm -rf $(VENV) instance .pytest_cache test-results bench/results *.egg-info
	find awards_app bench migrations tests -name __pycache__ -type d -prune -exec rm -rf {} +
