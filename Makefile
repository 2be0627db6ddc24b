# Resonanz — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test format setup translations translations-extract translations-update serve schema clean chromium pdf-libraries

PIP := $(BIN)/pip install --quiet --disable-pip-version-check

# The service's own packages (requirements.txt); the tests', benchmarks' and
# linter's on top of them (requirements-dev.txt) only for `make test`.
$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

# Compiled catalogues are built, never committed.
translations/.compiled: $(VENV)/.runtime $(wildcard translations/*/LC_MESSAGES/messages.po)
	$(BIN)/pybabel -q compile -d translations
	touch $@

setup: $(VENV)/.runtime translations/.compiled

# The try-out with the demo network: development only (a real installation: README, "Setting up your own network").
run: setup
	@test "$${RESONANZ_ENV:-development}" = development || { echo "make run: the demo try-out runs in development only (RESONANZ_ENV=$$RESONANZ_ENV); see README, 'Setting up your own network'." >&2; exit 1; }
	$(FLASK) setup --base-url http://127.0.0.1:$(PORT)
	PORT=$(PORT) $(BIN)/python wsgi.py

# Lint and formatting first (ruff, configured in pyproject.toml), then the suite.
test: setup $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Rewrite what `make test` would refuse for form or import order.
format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests (tests/browser) drive Debian's Chromium through Playwright
# (never `playwright install`); without /usr/bin/chromium they are skipped.
chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The PDFs (app/printing.py): WeasyPrint's libraries and fonts with Arabic script, from Debian.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libraries:
	dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || (apt-get update && apt-get install -y --no-install-recommends $(PDF_PACKAGES))

# Production: migrate, then gunicorn with gunicorn.conf.py (docs/operations.md).
serve: setup
	@test -n "$$SECRET_KEY" || { echo "make serve: SECRET_KEY is not set; it signs the cookies (see docs/operations.md)." >&2; exit 1; }
	RESONANZ_ENV=production $(FLASK) db upgrade
	RESONANZ_ENV=production PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# The pybabel cycle: extract the strings, update every catalogue, compile.
translations-extract: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --no-wrap --sort-output \
		--project Resonanz --copyright-holder Resonanz -o translations/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete

translations: translations-update
	$(BIN)/pybabel -q compile -d translations
	touch translations/.compiled

schema: $(VENV)/.runtime
	$(FLASK) questionnaires schema

clean:
	rm -rf $(VENV) translations/.compiled translations/*/LC_MESSAGES/*.mo
