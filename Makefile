# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format screenshots bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e ".[test,postgres]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/unstuck run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	scripts/install-test-deps
	$(BIN)/ruff check unstuck tests bench scripts
	$(BIN)/ruff format --check unstuck tests bench scripts
	$(BIN)/mypy unstuck
	$(BIN)/pytest
	@echo "--- the same suite again on PostgreSQL (browser tests excluded) ---"
	scripts/with-postgres $(BIN)/pytest -m "not browser" -p no:cacheprovider

lint: $(VENV)/.installed-test
	$(BIN)/ruff check unstuck tests bench scripts
	$(BIN)/mypy unstuck

format: $(VENV)/.installed-test
	$(BIN)/ruff format unstuck tests bench scripts
	$(BIN)/ruff check --fix unstuck tests bench scripts

screenshots: $(VENV)/.installed-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
