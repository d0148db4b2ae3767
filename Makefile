# Two commands do the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
HOST ?= 127.0.0.1
export DEMO_PASSWORD ?= demo-password-2026

.PHONY: run test e2e a11y-report screenshots lint format messages compilemessages migrate seed \
        bench bench-search bench-live bench-notify bench-exports bench-startup bench-thread bench-cards bench-site bench-writes bench-map check restore-check soak clean

$(BIN)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,e2e]"
	touch $@

venv: $(BIN)/.installed

# Build steps need the settings but no secret key: DJANGO_DEBUG=1 lets them load.
compilemessages: $(BIN)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0

messages: $(BIN)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l ja --ignore=.venv --ignore=tests --ignore=bench --ignore=deploy \
		--ignore=staticfiles --ignore=screenshots --no-obsolete
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -d djangojs -l ja --ignore=.venv --ignore=staticfiles --no-obsolete
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: $(BIN)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DJANGO_DEBUG=1 $(PY) manage.py createcachetable

seed: migrate
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

run: compilemessages seed
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/"
	@echo "  Demo accounts (password: $(DEMO_PASSWORD)):"
	@echo "    resident@example.org  resident2@example.org  facilitator@example.org"
	@echo "    official@example.org  admin@example.org"
	@echo "  E-mails (sign-up links, and notifications sent by the background worker"
	@echo "  started beside the server) go to this console, not to anyone's inbox."
	@echo ""
	@# One command: the worker (queued e-mails, digests, reminders) runs beside the
	@# server and stops with it.
	@# Links in e-mails point at this server unless SITE_URL says otherwise.
	export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	DJANGO_DEBUG=1 $(PY) manage.py worker --no-reload --interval 2 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) -m participation.server --host $(HOST) --port $(PORT)

test: compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: compilemessages
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# axe-core over the pages of tests/e2e/test_accessibility.py, ja and en, phone 390×844
# and desktop 1280×800: rewrites participation/privacy/a11y_report.json, the test
# results shown on /accessibility/ (commit it). Not part of `make test`: it writes a file.
a11y-report: compilemessages
	$(BIN)/pytest -m e2e tests/e2e/a11y_report.py $(PYTEST_ARGS)

screenshots: compilemessages
	SCREENSHOTS=1 $(BIN)/pytest -m e2e tests/e2e/test_screenshots.py $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DJANGO_DEBUG=1 $(BIN)/mypy $$(find participation proposals responses meetings portal -name services.py -o -name selectors.py -o -name rules.py -o -name document.py -o -name projection.py -o -path '*/services/*.py')
	$(BIN)/lint-imports --no-cache
	$(PY) .ci/check-ja-punctuation

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every benchmark, then one table of figures, ceilings, ratios, targets and MISS
# marks (bench/all.py, written to bench-results.txt): BENCH_SIZE=quick (a few
# minutes) or full (the default, under 30 min on 2 cores). Not in CI.
bench: compilemessages
	$(BIN)/pip install --quiet -e ".[bench]"
	$(PY) bench/all.py $(if $(filter quick,$(BENCH_SIZE)),--quick) $(BENCH_ARGS)

bench-search: compilemessages
	$(PY) bench/search.py

bench-live: compilemessages
	$(PY) bench/live.py $(BENCH_ARGS)

# NOTIFY_BENCH_N (10000 by default) notifications from commit to the last message
# received by a local SMTP server, beside a straight SMTP ceiling.
bench-notify: compilemessages
	$(PY) bench/notify.py

bench-exports: compilemessages
	$(PY) bench/exports.py $(BENCH_ARGS)

# The server process's RSS idle and after its first page, search, API request and
# sign-in page, beside a bare ASGI app under the same server.
bench-startup: compilemessages
	$(PY) bench/startup.py $(BENCH_ARGS)

# The map beside the proposal list with 2,000 points: the list page and its GeoJSON.
bench-map: compilemessages
	$(PY) bench/map.py $(BENCH_ARGS)

# BEFORE=<git revision> adds the same table for that revision (e.g. BEFORE=main).
bench-thread: compilemessages
	$(PY) bench/thread.py $(if $(BEFORE),--before $(BEFORE)) $(BENCH_ARGS)

# The list, process, tracker and department pages signed in (repeated cards and
# rows) beside a bare view; BEFORE=<git revision> adds the same for that revision.
bench-cards: compilemessages
	$(PY) bench/cards.py $(if $(BEFORE),--before $(BEFORE)) $(BENCH_ARGS)

# The whole site under load beside a bare view (PostgreSQL + Redis); BENCH_ARGS=--quick.
bench-site: compilemessages
	$(BIN)/pip install --quiet -e ".[bench]"
	$(PY) bench/site.py $(BENCH_ARGS)

# Only the write burst, at full size (50 clients x 100 proposals x 60 s), beside the
# ceiling, with the SQL statements per support; BENCH_ARGS=--quick to try it.
bench-writes: compilemessages
	$(BIN)/pip install --quiet -e ".[bench]"
	$(PY) bench/site.py --writes-only $(BENCH_ARGS)

# deploy/backup.sh under write load, restored and compared (SQLite, then PostgreSQL).
restore-check: $(BIN)/.installed
	bash .ci/restore-check sqlite
	bash .ci/restore-check postgres

# The real topology under load, with faults (bench/soak.py): nginx, three servers,
# the worker, PostgreSQL and a Redis of its own; SOAK_SECONDS (300), SOAK_RATE (30).
soak: compilemessages
	$(PY) bench/soak.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
