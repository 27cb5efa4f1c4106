# Two entry points for a fresh clone (only Python 3.11, git and make needed):
#   make run    install what is needed and start the bot (console without a token)
#   make test   install what is needed and run lint, type checks and the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
PO     := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: run test lint bench catalogs extract install clean
.DEFAULT_GOAL := run

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "partnerbot needs Python 3.11 (found: $$($(PYTHON) --version 2>&1)); set PYTHON=..."; \
		exit 1; }
	@$(PYTHON) -m venv $(VENV) || { echo "could not create a venv: on Debian/Ubuntu install python3.11-venv"; exit 1; }

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d locales -D messages -l $*

catalogs: $(MO)

run: install catalogs
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(BIN)/partnerbot run; \
	else exec $(BIN)/partnerbot console; fi

lint: install
	$(BIN)/ruff check bot handlers storage harness tests bench hatch_build.py
	$(BIN)/ruff format --check --quiet bot handlers storage harness tests bench hatch_build.py
	$(BIN)/mypy

test: install catalogs lint
	$(BIN)/pytest

# The benchmarks of bench/README.md (about 15 minutes on 2 cores); each rewrites its
# own section there with the figures and the machine.
bench: install catalogs
	$(BIN)/python -m bench.fanout
	$(BIN)/python -m bench.updates
	$(BIN)/python -m bench.lookup
	$(BIN)/python -m bench.footprint
	$(BIN)/python -m bench.planning
	$(BIN)/python -m bench.replies
	$(BIN)/python -m bench.dates
	$(BIN)/python -m bench.conversations
	$(BIN)/python -m bench.feeds
	$(BIN)/python -m bench.checklists

# For developers: refresh messages.pot and merge new strings into every catalog.
extract: install
	$(BIN)/pybabel extract -F pyproject.toml -k N_ --no-location --sort-output \
		--project partnerbot -o locales/messages.pot bot handlers storage
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching \
		--ignore-obsolete -w 100

clean:
	rm -rf $(VENV) $(MO)
