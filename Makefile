# Convention Monitoring Portal: `make run` to start locally, `make test` for the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-requirements

.PHONY: install run serve worker test bench bench-import bench-xlsx lint format check messages backup restore housekeeping vnu lighthouse load load-throughput faults audit

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# DEMO=1 (the default): also a synthetic sample of 2,000 measures, marked as such on every page, made once and
# kept across restarts. DEMO=0: the real records only (a sample left from before is removed).
DEMO ?= 1
DEMO_DATA_OPTIONS = $(if $(filter 1,$(DEMO)),--measures 2000 --seed 1 --unless-present,--clear)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py create_demo_accounts
	$(PY) manage.py generate_demo_data $(DEMO_DATA_OPTIONS)
	$(WITH_WORKER) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The task worker (the back office's imports) beside the server, stopped with it (Ctrl+C). Its children too: while
# developing it restarts itself on code changes, in a child process.
WITH_WORKER = $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'pkill -TERM -P $$worker 2>/dev/null; kill $$worker 2>/dev/null' EXIT INT TERM;

# The task worker alone, for production under a supervisor (docs/operations.md has a systemd unit): it takes
# the import jobs from the database; several may run, on this machine or others sharing DATABASE_URL and storage.
worker: install
	$(PY) manage.py db_worker --no-reload --interval 1

# Production-style: gunicorn serving the app, WhiteNoise the collected static files, and the task worker beside it
# (or run `make worker` under its own supervisor instead: docs/operations.md).
# Needs the production environment (DJANGO_DEBUG=off, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL).
WORKERS ?= 3
serve: install
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(PY) manage.py db_worker --no-reload --interval 1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn -c gunicorn.conf.py convention_portal.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --timeout 120 --error-logfile -

# The whole suite, spread over the machine's cores (pytest-xdist: one test database per worker).
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS)

# Figures, not pass/fail: synthetic measures in the database DATABASE_URL names, then timings.
MEASURES ?= 50000
bench: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py generate_demo_data --measures $(MEASURES) --seed 1
	DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.pages --repeat 30
	DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.export_csv
	$(PY) -m bench.load throughput
	DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.at_a_glance --repeat 10
	DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.report_pdf --measures 100

# The bulk import's two passes on 5,000 and 50,000 generated rows (rows/s, peak memory): give DATABASE_URL a
# database of its own (docs/performance.md, "Bulk import").
IMPORT_ROWS ?= 5000 50000
bench-import: install
	$(PY) -m bench.imports --rows $(IMPORT_ROWS)

# The XLSX download of every published measure (rows/s, peak memory), on the database DATABASE_URL names, filled
# with MEASURES synthetic measures unless some are there already (docs/performance.md, "XLSX download").
bench-xlsx: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py generate_demo_data --measures $(MEASURES) --seed 1 --unless-present
	DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.export_xlsx

# Load tests under gunicorn on 127.0.0.1 (wrk; bounded). DATABASE_URL must name a database holding data,
# e.g. the one `make bench` filled. `load`: 30 s, 50 connections over a mix of pages and the API;
# `load-throughput`: /measures/ then the trivial /healthz, 20 s each at 16 then 50 connections, and their ratios;
# with REDIS_URL set, as production runs (docs/operations.md: Load and fault tests).
NEED_DATABASE_URL = test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to a database holding data (README: Load and fault tests)."; exit 1; }
load: install
	@$(NEED_DATABASE_URL)
	$(PY) manage.py migrate --noinput
	$(PY) -m bench.load mix

load-throughput: install
	@$(NEED_DATABASE_URL)
	$(PY) manage.py migrate --noinput
	$(PY) -m bench.load throughput

# Restarts the PostgreSQL cluster holding DATABASE_URL midway through a load: give it a cluster of its own.
# Then kills Redis midway through a load: a redis-server the script starts itself on REDIS_FAULT_PORT (in memory
# only, never the one REDIS_URL names), so it needs redis-server installed but nothing shared.
# Then kills the task worker in the middle of an import of 5,000 rows (nothing kept, the job failed for a retry, the
# retry imports everything; what it made is deleted). A full disk under a backup is a test
# (tests/operations/test_backup_disk_full.py: it mounts a small tmpfs).
RESTART_COMMAND ?= pg_ctlcluster --skip-systemctl-redirect 15 main restart
REDIS_FAULT_PORT ?= 6391
faults: install
	@$(NEED_DATABASE_URL)
	$(PY) manage.py migrate --noinput
	$(PY) -m bench.faults --restart-command "$(RESTART_COMMAND)"
	$(PY) -m bench.faults --restart-command "$(RESTART_COMMAND)" --idle-during-restart
	$(PY) -m bench.faults --redis --redis-port $(REDIS_FAULT_PORT)
	$(PY) -m bench.faults --kill-worker --rows 5000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Needs GNU gettext (apt-get install gettext); the compiled .mo files are committed.
messages: install
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=staticfiles --ignore=templates/admin/import_export --ignore=templates/simple_history
	$(PY) manage.py compilemessages --ignore=.venv

# Backups of the database DATABASE_URL names (pg_dump -Fc on PostgreSQL, a consistent copy on SQLite),
# written under backups/ with a UTC time in the name; prints the file's path.
backup: install
	$(PY) manage.py backup

# Daily clean-up: expired sessions, sign-in logs (django-axes) older than 90 days, import files past their retention
# (IMPORT_FILE_RETENTION_DAYS), stalled import jobs, and the task queue's finished tasks older than 14 days.
housekeeping: install
	$(PY) manage.py clearsessions
	$(PY) manage.py prune_imports
	$(PY) manage.py prune_alerts
	$(PY) manage.py prune_db_task_results --min-age-days 14
	$(PY) manage.py axes_reset_logs --age 90
	$(PY) manage.py axes_reset_failure_logs --age 90

# Replaces everything in the database with the backup FILE, without asking.
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/portal-<time>.dump (or .sqlite3)" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)"

# The Nu Html Checker for tests/portal/test_html_validity.py, installed from npm outside the repository (Java runs it);
# prints the path to give as VNU_JAR: VNU_JAR=$(make -s vnu) make test
VNU_VERSION := 26.9.27
VNU_DIR := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/portal-vnu
vnu:
	@grep -qs '"version": "$(VNU_VERSION)"' "$(VNU_DIR)/node_modules/vnu-jar/package.json" || \
		npm install --no-save --ignore-scripts --no-audit --no-fund --prefix "$(VNU_DIR)" vnu-jar@$(VNU_VERSION) >&2
	@echo "$(VNU_DIR)/node_modules/vnu-jar/build/dist/vnu.jar"

# Lighthouse for tests/browser/test_lighthouse.py, installed from npm outside the repository (Node runs it, with
# Debian's Chromium); prints the path of its command to give as LIGHTHOUSE: LIGHTHOUSE=$(make -s lighthouse) make test
# 12.x: the last series that runs on Node 20 (13 needs Node 22).
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE_DIR := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/portal-lighthouse
lighthouse:
	@grep -qs '"version": "$(LIGHTHOUSE_VERSION)"' "$(LIGHTHOUSE_DIR)/node_modules/lighthouse/package.json" || \
		npm install --no-save --ignore-scripts --no-audit --no-fund --prefix "$(LIGHTHOUSE_DIR)" lighthouse@$(LIGHTHOUSE_VERSION) >&2
	@echo "$(LIGHTHOUSE_DIR)/node_modules/.bin/lighthouse"

# Figures, not pass/fail: Lighthouse's four categories on the main public pages in English and French, served by
# gunicorn with production settings (debug off, collected static files) on a database of its own under var/audit/
# (the reference data and the demo sample, made on the first run); a table page × category (docs/performance.md,
# "Lighthouse audit"). Needs Node and Debian's Chromium.
audit: install
	LIGHTHOUSE="$$($(MAKE) -s --no-print-directory lighthouse)" DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.audit
