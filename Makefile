# KVP-sak developer contract: README and .ci/run call these targets, nothing else.
#
#   make run     the app with demo data on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it all)
#   make test    ruff, makemigrations --check and pytest against PostgreSQL
#   make bench   national-scale benchmark and load test in a separate database (SCALE=0.05)
#
# PostgreSQL and Redis are embedded (data in .data/) unless DATABASE_URL / REDIS_URL are set.

PYTHON ?= python3
PORT ?= 8000
PYTEST_ARGS ?=
SCALE ?= 1
BENCH_ARGS ?=
export PORT PYTEST_ARGS

VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.kvp-requirements-installed
NODE_STAMP := node_modules/.kvp-npm-installed
WITH_SERVICES := $(PY) -m devtools.services --

ifneq ($(wildcard package.json),)
SETUP := $(PY_STAMP) $(NODE_STAMP)
else
SETUP := $(PY_STAMP)
endif

.DEFAULT_GOAL := help
.PHONY: help setup run test bench lint format migrations-check worker beat shell dbshell clean-data

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "KVP-sak needs Python 3.11 or newer (PYTHON=$(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV) \
		|| { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv."; exit 1; }

# Reinstalled only when a requirements file is newer than the stamp.
$(PY_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or newer."; exit 1; }
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
		else echo "No package-lock.json yet: running npm install"; npm install --no-audit --no-fund; fi
	@touch $@

setup: $(SETUP) ## Create .venv and install Python and npm dependencies (run and test do this)

run: $(SETUP) ## Run web server, Celery worker and beat with demo data (PORT=8000)
	$(PY) -m devtools.run

test: $(SETUP) ## Lint, check migrations and run pytest (PYTEST_ARGS="-k name -x")
	$(PY) -m devtools.check

bench: $(SETUP) ## Benchmark table and 50-user load test in <db>_bench (SCALE=1, BENCH_ARGS=...)
	$(PY) -m devtools.bench --scale $(SCALE) $(BENCH_ARGS)

lint: $(PY_STAMP) ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(PY_STAMP) ## Format the code and apply ruff's safe fixes
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: $(PY_STAMP) ## Fail if models have changes without a migration
	$(WITH_SERVICES) $(PY) manage.py makemigrations --check --dry-run

worker: $(SETUP) ## Run only a Celery worker
	@mkdir -p .data
	$(WITH_SERVICES) $(PY) -m celery -A kvp worker -l INFO

beat: $(SETUP) ## Run only Celery beat
	@mkdir -p .data
	$(WITH_SERVICES) $(PY) -m celery -A kvp beat -l INFO

shell: $(SETUP) ## Django shell against the same database
	$(WITH_SERVICES) $(PY) manage.py shell

dbshell: $(SETUP) ## psql against the same database
	$(WITH_SERVICES) $(PY) manage.py dbshell

clean-data: ## Stop leftover embedded servers and delete .data/ (database, Redis, beat schedule)
	@if [ -x $(PY) ]; then $(PY) -m devtools.services stop; fi
	rm -rf .data
