# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
# `make run` is a local demo: debug pages on unless you say otherwise.
# The demo logins work at once: staff may set up a second factor but are not made to.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$${PORT:-8000}} \
	STAFF_TWO_FACTOR=$${STAFF_TWO_FACTOR:-optional}
# Tests run with DEBUG off, as in production; the key only has to exist.
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-tests-only-not-a-secret}

.PHONY: run test venv venv-dev system-packages lint messages bench-help clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

venv: $(RUNTIME_STAMP)
venv-dev: $(DEV_STAMP)

run: venv
	$(RUN_ENV) $(PY) manage.py compiletranslations --verbosity 0
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "  CIPN Tracker is starting at http://127.0.0.1:$${PORT:-8000}/  (Ctrl-C stops the web app, worker and beat)"
	@echo "  Emails are written to var/mail/ ; demo logins are printed above."
	@echo ""
	$(RUN_ENV) PORT=$${PORT:-8000} PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile.dev start

# Translators: after changing strings, `make messages` and fill in locale/zh_Hant/LC_MESSAGES/django.po.
messages: venv
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l zh_Hant --no-obsolete \
		--ignore='.venv/*' --ignore='bench/*' --ignore='tests/*' --ignore='staticfiles/*' --ignore='var/*'

# Browser tests drive Debian's Chromium, and the translation check runs GNU gettext's xgettext;
# install both when we are allowed to.
system-packages:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -q $$missing >/dev/null || { apt-get update -q && apt-get install -y -q $$missing; }; \
		elif command -v sudo >/dev/null 2>&1; then sudo apt-get install -y -q $$missing; \
		else echo "Cannot install $$missing here: browser tests or the catalog check will not run."; fi; fi

test: venv-dev system-packages
	$(TEST_ENV) $(PY) manage.py compiletranslations --verbosity 0
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) .ci/import_cycles.py
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3
