# Developer commands. `make demo` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
HOME_DIR ?= kintrace-data
DEMO_CHILDREN ?= 2000
DEMO_SEED ?= 7
# PostgreSQL for the store tests (trust auth on this machine and in CI). Set it empty to skip them locally.
KINTRACE_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export KINTRACE_TEST_PG_URL

.PHONY: help venv install install-dev demo demo-batch test lint typecheck lock bench clean

help:            ## list the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==0.13.8"

venv: $(BIN)/python

install: venv    ## install the application (locked dependencies)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/main.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --link-mode copy -e .

install-dev: venv ## install the application with the test and development tools
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/dev.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --link-mode copy -e .

demo: demo-batch ## synthetic demo: generate lists, import, link, demo accounts, then serve the web app
	$(BIN)/kintrace --home $(HOME_DIR) serve

demo-batch: install ## the demo without the web server: generate, import (which links), summary, demo accounts
	$(BIN)/kintrace demo-data --children $(DEMO_CHILDREN) --seed $(DEMO_SEED) --out $(HOME_DIR)/demo-lists
	$(BIN)/kintrace --home $(HOME_DIR) import --manifest $(HOME_DIR)/demo-lists/sources.json
	$(BIN)/kintrace --home $(HOME_DIR) sources
	$(BIN)/kintrace --home $(HOME_DIR) audit verify
	$(BIN)/kintrace --home $(HOME_DIR) users demo

test: install-dev ## run the whole suite (lint, format check, architecture check, tests on SQLite and PostgreSQL, browser)
	scripts/ensure-browser
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

typecheck: install-dev
	$(BIN)/mypy

lint: install-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

lock:            ## re-resolve requirements/*.lock from pyproject.toml
	$(UV) pip compile --quiet --python-version 3.11 pyproject.toml -o requirements/main.lock
	$(UV) pip compile --quiet --python-version 3.11 pyproject.toml --extra dev --extra spark -o requirements/dev.lock

bench: install-dev ## every benchmark at full size (long: see docs/running.md)
	$(BIN)/python bench/names_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/linkage_bench.py
	$(BIN)/python bench/febrl_bench.py
	$(BIN)/python bench/web_bench.py
	$(BIN)/python bench/evidence_bench.py

clean:
	rm -rf $(VENV) $(HOME_DIR) .pytest_cache .ruff_cache .mypy_cache
