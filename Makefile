# Convention Monitoring Portal: `make run` to start locally, `make test` for the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-requirements

.PHONY: install run serve test bench lint format check messages

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py create_demo_accounts
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-style: gunicorn serving the app, WhiteNoise the collected static files.
# Needs the production environment (DJANGO_DEBUG=off, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL).
WORKERS ?= 3
serve: install
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn convention_portal.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --error-logfile -

test: install
	$(PY) -m pytest

# Figures, not pass/fail: synthetic measures in the database DATABASE_URL names, then timings.
MEASURES ?= 50000
bench: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py generate_demo_data --measures $(MEASURES) --seed 1
	DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.pages --repeat 30
	DJANGO_LOG_LEVEL=WARNING $(PY) -m bench.export_csv

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
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv
