# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# Debian packages: HarfBuzz subsetting (fast Chinese PDFs), CJK fonts, pdftoppm/pdftotext, gettext for the
# translation catalogue, chromium for the browser tests; libharfbuzz-bin for hb-subset, which cuts the forms'
# fonts out of the 26 MB Noto CJK collection once (`manage.py build_fonts`) so each PDF subsets a small font.
APT_PACKAGES := libharfbuzz-subset0 libharfbuzz-bin fonts-noto-cjk poppler-utils gettext chromium
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist processes for `make test` (one per core; each has its own test database). TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= auto
# Address printed in the forms' QR codes; by default the address `make run` serves on (127.0.0.1 when HOST is
# 0.0.0.0, which no phone can open: set it to the hall's LAN address or domain then).
PUBLIC_BASE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test install system-packages messages fonts lint format migrate demo worker beat load bench-peer prod-smoke

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PUBLIC_BASE_URL='$(PUBLIC_BASE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

install: system-packages $(VENV)/.installed messages fonts

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade $$missing; \
	  else \
	    echo "Missing Debian packages. Run as root:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends --no-upgrade $$missing"; \
	    exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	mkdir -p var
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v 0

# Pre-subset fonts for the printed forms in var/fonts (see hallservice/core/fonts.py); skips fonts already up to date.
fonts: system-packages $(VENV)/.installed
	$(PY) manage.py build_fonts

# The layering contracts of docs/architecture.md live in pyproject.toml ([tool.importlinter]).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# With REDIS_URL set: the worker and the beat scheduler (see README).
worker:
	$(VENV)/bin/celery -A hallservice worker -l info

beat:
	$(VENV)/bin/celery -A hallservice beat -l info --schedule var/celerybeat-schedule

# The deploy/ bundle end to end on this machine (nginx, 2 gunicorn, worker, beat, PostgreSQL database `smoke`,
# a Redis of its own on port 6391): registration to archive, worker killed mid-export, Redis stopped. ~2 minutes.
prod-smoke: install
	VENV=$(abspath $(VENV)) deploy/smoke.sh

# Bounded load on loopback against gunicorn (not in CI): queue page and citizen status page; prints requests/s
# and latency percentiles, then the status page's requests/s beside the ceiling view's (benchmark settings only).
load: install
	$(PY) benchmarks/load.py $(LOAD_ARGS)

# Our hot pages beside django-helpdesk's (../shared/peer-helpdesk), alternately in one run; e.g.
# BENCH_ARGS="--rows 1000000" or "--database-url postgres://… --peer-database-url postgres://…". Not in CI.
bench-peer: install
	$(PY) benchmarks/compare_peer.py $(BENCH_ARGS)
