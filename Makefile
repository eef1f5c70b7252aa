# Two commands matter: `make run` and `make test`. Both build .venv from the pinned requirements.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test lint bench capacity soak screenshots production-smoke backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

## run: migrate, load the curriculum and demo accounts, serve the site with a Celery worker and beat
run: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_curriculum courses/data/default_curriculum.yaml
	$(BIN)/python manage.py load_demo
	@echo "\nServing on http://127.0.0.1:8000/ (Ctrl-C stops the site, the worker and beat)\n"
	$(BIN)/honcho --procfile Procfile.dev start

## test: the whole pytest suite (SQLite and an in-memory broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise)
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: serve with gunicorn under production settings and measure pages under loopback load
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.sweep $(SWEEP_ARGS)

## capacity: step a fixed arrival rate up (morning reads and writes, then reads only) to the highest held with p99 < 250 ms; writes benchmarks/capacity.md
capacity: $(VENV)/.installed-dev
	$(BIN)/python -m bench.capacity $(CAPACITY_ARGS)

## soak: what `make run` starts, used by every role with reminder sweeps, for SOAK_MINUTES (20); writes benchmarks/soak.json
soak: $(VENV)/.installed-run
	$(BIN)/python -m bench.soak

## production-smoke: gunicorn, two Celery workers and beat on PostgreSQL and Redis (deploy/Procfile): start, sign in, load a page, run a task, stop
production-smoke: $(VENV)/.installed-run
	$(BIN)/python -m deploy.smoke

## screenshots: regenerate docs/screenshots/ from the browser tests (needs chromium)
screenshots: $(VENV)/.installed-dev
	SCREENSHOTS=1 $(BIN)/pytest -m browser -p no:randomly tests/browser

## backup: the database, MEDIA_ROOT and the private files into BACKUP_DIR (var/backups), one timestamped file each
backup: $(VENV)/.installed-run
	$(BIN)/python manage.py dbbackup --noinput
	$(BIN)/python manage.py mediabackup --noinput
	$(BIN)/python manage.py privatebackup --noinput

## restore: the latest backups in BACKUP_DIR over the database and the files; asks first unless CONFIRM=yes
restore: $(VENV)/.installed-run
	@[ "$(CONFIRM)" = yes ] || { printf 'Replace the database and the files with the latest backups in BACKUP_DIR? Type yes: '; \
		read -r answer; [ "$$answer" = yes ]; }
	$(BIN)/python manage.py dbrestore --noinput
	$(BIN)/python manage.py mediarestore --noinput --replace
	$(BIN)/python manage.py privaterestore --noinput --replace

clean:
	rm -rf $(VENV) var/db.sqlite3 var/celery var/mail var/staticfiles
