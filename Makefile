# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/cooperative.toml

.PHONY: run test lint venv clean messages

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip >/dev/null

$(STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip install -q -e '.[dev]' >/dev/null
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@$(BIN)/grappe db upgrade --quiet
	@$(BIN)/grappe directory import $(EXAMPLE) --if-empty --quiet
	@$(BIN)/grappe run

lint: $(STAMP)
	@$(BIN)/ruff check bot commands storage tests
	@$(BIN)/lint-imports --no-cache >/dev/null || $(BIN)/lint-imports --no-cache
	@$(BIN)/mypy

test: lint
	@$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) grappe.db grappe.db-wal grappe.db-shm

# Refresh the catalog template and merge it into the French catalog.
KEYWORDS := -k tr -k t -k N_ -k trn:1,2 -k tn:1,2 -k CommandError -k UsageError -k NotAllowed
messages: $(STAMP)
	@$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --no-location --omit-header \
		-o commands/locales/messages.pot bot commands >/dev/null
	@$(BIN)/pybabel update --quiet -N --no-location --omit-header -l fr -D messages \
		-i commands/locales/messages.pot -d commands/locales
