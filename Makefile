# The two commands of the README: `make run` and `make test`. Both bootstrap everything.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bootstrap lint format messages db-stop clean serve-prod cluster backup restore bench lighthouse

bootstrap:
	@mkdir -p var
	@scripts/bootstrap.sh

run: bootstrap
	@DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	@DEBUG=1 $(PY) manage.py seed_demo
	@echo ""
	@echo "  News portal:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin:        http://127.0.0.1:$(PORT)/admin/"
	@echo "  Demo-only users (password: $${DEMO_PASSWORD:-demo-pass}): admin, editor, moderator"
	@echo "  Ctrl-C stops the server; the data stays in var/ for next time."
	@echo ""
	@DEBUG=1 exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on TEST_WORKERS processes (pytest-xdist), then the fault tests on one:
# they start servers, break them and measure, so they get the machine to themselves.
# PYTEST_ARGS runs exactly what it names, in one process.
TEST_WORKERS ?= 2
test:
	@mkdir -p var
	@scripts/bootstrap.sh --with-browser
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v 1
ifeq ($(strip $(PYTEST_ARGS)),)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not faults"
	$(VENV)/bin/pytest -m faults
else
	$(VENV)/bin/pytest $(PYTEST_ARGS)
endif

# The production profile for a local trial: nginx in front of gunicorn, DEBUG off.
serve-prod:
	@mkdir -p var
	@scripts/serve_prod.sh

# The whole topology of several machines on this one (README, "Several machines"): nginx,
# two gunicorn app servers, a task worker, PostgreSQL primary and streaming replica, Redis
# and the object store, each a process of its own on 127.0.0.1; Ctrl-C stops them all.
CLUSTER_PORT ?= 8080
cluster:
	@mkdir -p var
	@scripts/bootstrap.sh --no-database
	@CLUSTER_PORT=$(CLUSTER_PORT) exec $(PY) -m cluster.run

# The benchmark (figures printed, JSON under var/bench/); BENCH_SECONDS, BENCH_SETS tune it.
bench: bootstrap
	@$(PY) -m bench.run
# Lighthouse 12 (npm, installed into var/node/) on four reader pages of the production
# profile with the demo content: prints the four scores per page, JSON in var/lighthouse/.
lighthouse: bootstrap
	@$(PY) scripts/lighthouse.py

# Backups of the configured database and media storage as one set (var/backups/newsportal-<time>/:
# pg_dump, the media files, a manifest with checksums), and their restore (SET= a set folder;
# FILE= also takes the bare .dump of an older backup).
backup: bootstrap
	@$(PY) manage.py backup_db

restore: bootstrap
	@test -n "$(SET)$(FILE)" || { echo "error: name the backup: make restore SET=var/backups/newsportal-<time>" >&2; exit 1; }
	@$(PY) manage.py restore_db "$(or $(SET),$(FILE))"

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: bootstrap
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Rebuild the translation catalogs (needs GNU gettext) and compile them.
messages: bootstrap
	$(PY) manage.py makemessages -l el -l en --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l el -l en --ignore=.venv --ignore=var --ignore=static/vendor --ignore=static/js/admin-slug.js --no-obsolete
	msgen locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po
	msgen locale/en/LC_MESSAGES/djangojs.po -o locale/en/LC_MESSAGES/djangojs.po
	$(PY) manage.py compilemessages --ignore=.venv

db-stop:
	@$(PY) -m newsportal.embedded_db stop

clean: db-stop
	rm -rf var
