# tietokeskustelut — the README's two commands are `make run` and `make test`
# (`make test-fast` runs the pure tests in seconds while working, `make lint` the checks).
# Each sets up what it needs on a fresh clone: `make run` the runtime packages and the
# demo database; `make test` also the test tools, the browser and the services the
# tests use (tests/prerequisites.py), or stops with one line per missing thing.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB := data/reporting.duckdb
# Stamps: rebuilt when the dependency list or the pins change.
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt
# Python keeps its compiled modules (and pytest its rewritten test modules) between runs
# even where the environment turns that off (containers often set
# PYTHONDONTWRITEBYTECODE): without them every run compiles dash, plotly and pandas
# again, seconds of a run that should take seconds.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/pytest

.PHONY: run serve worker test test-fast lint format bench loadtest demo-db postgres-demo venv clean help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# Running needs only the runtime packages; the test tools come with `make test`.
$(RUNTIME): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "missing: $(PYTHON); install it (Debian: sudo apt-get install python3.11 python3.11-venv) or run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@echo "Installing the runtime packages into $(VENV) (first run only) ..."
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $@

$(TESTING): $(RUNTIME)
	@echo "Installing the test tools into $(VENV) (first run only) ..."
	$(PIP) -e ".[test]"
	@touch $@

venv: $(TESTING) ## Create the virtual environment with the pinned, tested versions (runtime + test tools)

# Rebuilt when the generator or the contract changes (a file without the record keys
# would break every chart query). When only the aggregates' definitions changed (their
# module, or the code sets and classes they fix at refresh time), the file's
# aggregates are rebuilt in place instead (a few seconds).
DEMO_SOURCES := reporting/demo.py reporting/schema.py reporting/data/targets.csv
AGGREGATE_SOURCES := $(wildcard reporting/aggregates/*.py) queries/access.py \
	queries/digital.py queries/recording.py queries/sql.py queries/codes.py queries/queues.py \
	queries/referrals.py
$(DEMO_DB): $(DEMO_SOURCES) $(AGGREGATE_SOURCES) | $(RUNTIME)
	@if [ -f $(DEMO_DB) ] && [ -z "$(filter $(DEMO_SOURCES),$?)" ]; then \
		$(BIN)/python -m reporting refresh-aggregates --url duckdb:///$(DEMO_DB) && touch $(DEMO_DB); \
	else \
		$(BIN)/python -m reporting build-demo --out $(DEMO_DB); \
	fi

demo-db: $(DEMO_DB) ## Build the synthetic demo reporting database if it is missing or out of date

# The app database is migrated and, when it has no meeting series, gets the example
# series (meetings/demo.py); the local demo runs as the user "demo" unless
# TK_DEMO_USER is set (empty: read-only). A failure there (e.g. the reporting
# database unreachable) does not keep the app from starting: its pages report it.
run: $(RUNTIME) $(DEMO_DB) ## Serve the dashboard at http://127.0.0.1:8050 (installs the runtime, builds the demo data, adds the example meetings)
	$(BIN)/python -m meetings demo || echo "No example meetings were added (see above); starting the app anyway."
	TK_DEMO_USER=$${TK_DEMO_USER-demo} $(BIN)/python app.py

# Production-style serving on this machine: gunicorn's threaded workers (counts from
# TK_WEB_WORKERS / TK_WEB_THREADS, see gunicorn.conf.py) and the Redis cache shared by
# them (TK_CACHE_URL; Redis must be running). Meeting pages are read-only unless
# TK_DEMO_USER or TK_IDENTITY_HEADER says who the user is.
serve: $(RUNTIME) $(DEMO_DB) ## Serve the dashboard with gunicorn (threaded workers) and the Redis cache at http://127.0.0.1:8050
	$(BIN)/python -m meetings demo || echo "No example meetings were added (see above); starting the app anyway."
	TK_CACHE_TYPE=$${TK_CACHE_TYPE-RedisCache} $(BIN)/gunicorn -c gunicorn.conf.py app:server

# With TK_CELERY_BROKER_URL set (for `make serve` too), PowerPoint exports wait for this.
worker: $(RUNTIME) $(DEMO_DB) ## Run a Celery worker for PowerPoint exports (TK_CELERY_BROKER_URL must be set)
	TK_CACHE_TYPE=$${TK_CACHE_TYPE-RedisCache} $(BIN)/celery -A celery_worker worker --loglevel=INFO

test: $(TESTING) ## Run the whole suite; installs the browser, starts PostgreSQL and Redis if needed
	$(BIN)/python -m tests.prerequisites
	@$(MAKE) --no-print-directory lint
	$(PYTEST)

# The tiers are in tests/tiers.py. The unit tier needs no database, service, process or
# browser, so nothing is installed or started for it beyond the test tools.
test-fast: $(TESTING) ## Run the unit tier only (pure tests, seconds; starts no service)
	$(PYTEST) -m unit

lint: $(TESTING) ## ruff check, ruff format --check and the README's chart table against the catalog
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m charts.readme_table --check

format: $(TESTING) ## ruff format + import sort
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .

bench: $(TESTING) $(DEMO_DB) ## Benchmark queries, callbacks, payloads, presentation mode, page loads in the browser and a 30-user cold burst on the demo data
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.present
	$(BIN)/python -m bench.browser --profile
	$(BIN)/python -m bench.cold_burst $(COLD_BURST_ARGS)

# Loopback only; LOADTEST_ARGS e.g. "--users 100 --duration 300 --url http://127.0.0.1:8050".
loadtest: $(TESTING) $(DEMO_DB) ## Many users viewing pages as the browser does (100 users, 5 min; bench/loadtest.py)
	$(BIN)/python -m bench.loadtest $(LOADTEST_ARGS)

postgres-demo: $(RUNTIME) ## Load the demo data into PostgreSQL at TK_REPORTING_DB_URL
	$(BIN)/python -m reporting load-demo --url "$$TK_REPORTING_DB_URL"

clean: ## Remove the environment and the generated demo database
	rm -rf $(VENV) data
