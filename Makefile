# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOTLINE := $(VENV)/bin/hotline
PYTHON ?= python3.11
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: assets messages install install-test test-pg migrate browser run demo serve worker test test-fast lint typecheck check bench clean

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

# Front-end libraries come from the npm registry at set-up and are served by the platform (no CDN).
hotline/static/vendor/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p hotline/static/vendor
	cp frontend/node_modules/htmx.org/dist/htmx.min.js frontend/node_modules/echarts/dist/echarts.min.js hotline/static/vendor/
	touch $@

assets: hotline/static/vendor/.installed

# Translations live in each app's locale/ (zh_Hans; English is the source language). Compiled at set-up.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }
	cd hotline && ../$(HOTLINE) compilemessages --ignore 'static' -v 0

install: $(VENV)/.installed assets messages

# Debian packages the suite needs: chromium (Playwright drives it; no browser download), Chinese fonts so
# screenshots show text, and dovecot, the real IMAP server of the mayor's-mailbox tests.
TEST_DEBS := chromium fonts-wqy-microhei dovecot-imapd
browser:
	@missing=$$(for p in $(TEST_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the tests:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

install-test: install browser

migrate: install
	$(HOTLINE) migrate --noinput

demo: migrate
	$(HOTLINE) demo

run: demo
	@echo "Starting the worker and the web server at http://$(HOST):$(PORT) (Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	$(HOTLINE) worker & \
	$(HOTLINE) serve --host $(HOST) --port $(PORT)

# The suite always runs on its own settings (config.settings.test: jobs run at once, fast hashing), whatever
# DJANGO_SETTINGS_MODULE the other targets export.
PYTEST := DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest

test: install-test lint typecheck
	$(PYTEST) -n 2 --dist loadfile

# The same suite on the database DATABASE_URL names (CI: PostgreSQL); lint and types are not rerun.
test-pg: install-test
	$(PYTEST) -n 2 --dist loadfile

test-fast: install
	$(PYTEST) -m "not browser"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy hotline config

check: lint typecheck test

# The quick benchmarks (minutes). The million-order ones are run by hand: bench/similar.py,
# bench/assessment.py, bench/hotspots.py --sizes 1000000, bench/kb.py (see docs/benchmarks.md).
bench: install
	$(PY) bench/lifecycle.py
	$(PY) bench/api_intake.py --seconds 10
	$(PY) bench/hotspots.py --sizes 5000
	$(PY) bench/router.py --folds 2

clean:
	rm -rf $(VENV) var
