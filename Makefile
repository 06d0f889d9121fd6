# consult: `make run` (the app with demo data) and `make test` (the whole suite) on a fresh machine.
# Needs Python 3.11+ and Node.js/npm (for the pinned GOV.UK Frontend assets); `make test` also needs
# Debian's chromium, which it installs with apt-get when run as root.

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app consult
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install assets translations db demo system-deps i18n-extract i18n-update clean

run: install assets translations db demo
	$(FLASK) serve --host $(HOST) --port $(PORT)

test: install assets translations system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed
	bash assets/build.sh

translations: install
	$(BIN)/pybabel compile -d translations --statistics

db: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) demo

# Debian packages the tests need: Chromium for the browser tests, Pango/HarfBuzz for WeasyPrint's PDFs.
SYSTEM_PACKAGES = chromium fonts-noto-core fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do 	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); 	if [ -n "$$missing" ]; then 	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq && 	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; 	  else echo "The tests need these Debian packages: sudo apt-get install $$missing" >&2; exit 1; fi; fi

# Interface strings: extract from code and templates, merge into each catalogue, then translate the
# new msgstr entries (cy, ur) before committing. `make translations` compiles them.
i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project consult --copyright-holder "consult contributors" -o translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 120

clean:
	rm -rf $(VENV) node_modules consult/static/govuk consult/static/vendor instance
