# One command to run the bot, one to run the tests; both set themselves up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup  ## the bot; without TELEGRAM_BOT_TOKEN it opens the offline sandbox instead
	$(BIN)/perceptions run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint  ## lint, type-check, then every test (PostgreSQL and browser tests skip if absent)
	$(BIN)/perceptions check dialogs/
	$(BIN)/pytest -q

BENCHMARKS := engine_step record_answer interview_bot export import report analysis emerging coding sandbox_roundtrip workers broadcast

bench: setup  ## every benchmark, each printing its figures (several minutes)
	for b in $(BENCHMARKS); do echo "== bench/$$b.py"; $(BIN)/python -m bench.$$b || exit 1; done
