# Norrbotten Cases. `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

# Test defaults: the local PostgreSQL and Redis of STACK.md (override by exporting them).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/norrbotten_cases
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production \
	SECURE_SSL_REDIRECT=false \
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	MEDIA_ROOT=$(CURDIR)/.test-media STATIC_ROOT=$(CURDIR)/.test-static
# `make run` seals signed protocols with a self-signed demo seal in .seal/ (create_demo_seal),
# unless SEAL_CERTIFICATE is set to another.
SEAL_DIR := $(CURDIR)/.seal
RUN_ENV := DEBUG=$${DEBUG:-true} SEAL_DEMO_DIR=$(SEAL_DIR) \
	SEAL_CERTIFICATE=$${SEAL_CERTIFICATE:-$(SEAL_DIR)/demo-seal.pem} \
	SEAL_KEY=$${SEAL_KEY:-$(SEAL_DIR)/demo-seal.key}

.PHONY: run test e2e fuzz lint format check-deploy messages lock bench worker clean help backup restore

help:
	@echo "make run    - install, migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - install, lint, run the whole test suite on PostgreSQL + Redis"
	@echo "make e2e    - only the browser journeys (Playwright + Chromium)"
	@echo "make fuzz   - the form fuzzing, 200 new random examples per form (make test: 12 fixed)"
	@echo "make bench  - benchmark with volume data, writes bench/results.json"
	@echo "make backup - pg_dump of DATABASE_URL and the media files into BACKUP_DIR (./backups)"
	@echo "make restore BACKUP=<folder> - put a backup back (DATABASE_URL, MEDIA_ROOT)"
	@echo "make lint / format / messages / lock / worker / clean"

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.lock | $(PY)
	$(BIN)/pip install --quiet -r requirements/base.lock
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(PY)
	$(BIN)/pip install --quiet -r requirements/dev.lock
	touch $@ $(VENV)/.base-installed

system-run:
	@scripts/system-deps.sh run

system-test:
	@scripts/system-deps.sh test

run: system-run $(VENV)/.base-installed
	$(RUN_ENV) $(MANAGE) create_demo_seal >/dev/null
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(RUN_ENV) $(MANAGE) collectstatic --noinput -v 0
	$(RUN_ENV) $(MANAGE) load_demo
	@echo ""
	@echo "Serving Norrbotten Cases on http://127.0.0.1:8000 (Ctrl-C stops)"
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: system-test $(VENV)/.dev-installed lint
	@scripts/services.sh
	$(TEST_ENV) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(TEST_ENV) $(MANAGE) collectstatic --noinput -v 0
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run >/dev/null || \
		(echo "Model changes without migrations: run makemigrations" && exit 1)
	$(TEST_ENV) $(BIN)/pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup $(PYTEST_ARGS)

e2e: system-test $(VENV)/.dev-installed
	@scripts/services.sh
	$(TEST_ENV) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(TEST_ENV) $(MANAGE) collectstatic --noinput -v 0
	$(TEST_ENV) $(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Deeper than make test's fuzzing: new random examples every run (hypothesis prints a
# failing example and how to reproduce it; make it a test of its own).
fuzz: system-test $(VENV)/.dev-installed
	@scripts/services.sh
	$(TEST_ENV) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(TEST_ENV) $(MANAGE) collectstatic --noinput -v 0
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_RANDOM=1 $(TEST_ENV) $(BIN)/pytest \
		-n $${PYTEST_WORKERS:-2} tests/security/test_form_fuzzing.py $(PYTEST_ARGS)

bench: system-test $(VENV)/.dev-installed
	@scripts/services.sh
	$(TEST_ENV) $(PY) bench/run.py

# What CI runs (and `make test` first). mypy's Django plugin loads the settings: DEBUG=true
# lets them load without a SECRET_KEY.
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/mypy
	$(BIN)/djlint templates --lint

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: $(VENV)/.base-installed
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=cases.norrbotten.se \
		$(MANAGE) check --deploy --fail-level WARNING

messages: $(VENV)/.base-installed
	$(RUN_ENV) $(MANAGE) makemessages -l sv -l en --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests --ignore=.test-static --no-obsolete
	$(RUN_ENV) $(MANAGE) makemessages -d djangojs -l sv -l en --ignore=.venv --ignore=staticfiles --ignore=static/vendor --ignore=tests

lock: $(PY)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.lock

# Backups: the database and the media files together (scripts/backup.sh, scripts/restore.sh).
backup:
	@scripts/backup.sh

restore:
	@BACKUP=$(BACKUP) scripts/restore.sh

worker: $(VENV)/.base-installed
	$(BIN)/celery -A norrbotten_cases worker -l info

clean:
	rm -rf $(VENV) staticfiles .test-static .test-media db.sqlite3 .pytest_cache .seal \
		.mypy_cache .import_linter_cache
