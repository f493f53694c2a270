# tietokeskustelut — the README's two commands are `make run` and `make test`.
# Every target creates the virtual environment first, so a fresh clone needs nothing else.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB := data/reporting.duckdb

.PHONY: run test lint format bench demo-db postgres-demo clean help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# The stamp is rebuilt when the dependency list or the pins change.
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

venv: $(BIN)/.installed ## Create the virtual environment with the pinned, tested versions

$(DEMO_DB): | $(BIN)/.installed
	$(BIN)/python -m reporting build-demo --out $(DEMO_DB)

demo-db: $(DEMO_DB) ## Build the synthetic demo reporting database if it is missing

run: $(BIN)/.installed $(DEMO_DB) ## Serve the dashboard at http://127.0.0.1:8050
	$(BIN)/python app.py

test: $(BIN)/.installed ## Run the whole test suite (DuckDB, PostgreSQL, headless Chromium)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(BIN)/.installed ## ruff check
	$(BIN)/ruff check .

format: $(BIN)/.installed ## ruff format + import sort
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .

bench: $(BIN)/.installed $(DEMO_DB) ## Benchmark queries, callbacks and payloads on the demo data
	$(BIN)/python -m bench.run

postgres-demo: $(BIN)/.installed ## Load the demo data into PostgreSQL at TK_REPORTING_DB_URL
	$(BIN)/python -m reporting load-demo --url "$$TK_REPORTING_DB_URL"

clean: ## Remove the environment and the generated demo database
	rm -rf $(VENV) data
