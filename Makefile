# charterbot build/test plumbing (GNU make).
#   make run    install runtime deps into .venv, then run the bot
#               (sandbox when SLACK_BOT_TOKEN is empty, otherwise serve)
#   make test   install dev deps into .venv, run the checks of `make lint`, then the whole
#               test suite; any finding or failing test fails it (and so CI)
#   make lint   ruff check, ruff format --check, mypy --strict, lint-imports (the
#               architecture contracts in pyproject.toml); fails on any finding
#   make bench  run benchmarks/*.py (ack.py first)
#   make run-teams  the bot in Teams' anonymous test mode plus Microsoft's Agents Playground
#               (a local Teams emulator page, http://127.0.0.1:56150/); no tenant needed

PY ?= python3
VENV = .venv
BIN = $(VENV)/bin
PYTEST_ARGS ?= -q -ra

.DEFAULT_GOAL := test
.PHONY: run run-teams playground test lint bench clean distclean install install-dev

# Creates the venv only when it has no interpreter yet (an existing venv is reused).
define make_venv
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
endef

# Runtime dependencies only.
$(VENV)/.installed-run: pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install -q -e .
	touch $@

# Runtime + dev extra (pytest, ruff, mypy, playwright, ...).
$(VENV)/.installed: pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# Microsoft 365 Agents Playground (npm, pinned by tools/playground/package-lock.json).
# Installed with the dev tools when npm is there (its browser test needs it; CI has npm).
PLAYGROUND = tools/playground/node_modules/.bin/agentsplayground
$(PLAYGROUND): tools/playground/package.json tools/playground/package-lock.json
	cd tools/playground && npm ci --no-audit --no-fund
	touch $@
playground: $(PLAYGROUND)

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed $(if $(shell command -v npm 2>/dev/null),$(PLAYGROUND))

# Without SLACK_BOT_TOKEN there is no workspace to talk to: run the embedded sandbox
# (the real bot + a local Slack-like workspace and page, http://127.0.0.1:3000/).
# SANDBOX_ARGS passes options through, e.g. `make run SANDBOX_ARGS="--reset --port 3001"`.
SANDBOX_ARGS ?=
run: $(VENV)/.installed-run
	@if [ -n "$$SLACK_BOT_TOKEN" ]; then \
		exec $(BIN)/charterbot serve; \
	else \
		echo "make run: SLACK_BOT_TOKEN is not set, starting the sandbox (README.md, 'Sandbox')"; \
		exec $(BIN)/charterbot sandbox $(SANDBOX_ARGS); \
	fi

# The bot with Teams in anonymous mode (no token checked, replies carry none; Slack off) on
# TEAMS_PORT, and the Agents Playground pointed at it. Ctrl-C stops both.
TEAMS_PORT ?= 3978
run-teams: $(VENV)/.installed-run $(PLAYGROUND)
	@echo "make run-teams: bot on http://127.0.0.1:$(TEAMS_PORT)/api/messages (anonymous Teams mode)"
	@env -u TEAMS_APP_ID -u TEAMS_APP_PASSWORD -u SLACK_BOT_TOKEN -u SLACK_SIGNING_SECRET \
		-u SLACK_APP_TOKEN TEAMS_ALLOW_ANONYMOUS=1 HOST=127.0.0.1 PORT=$(TEAMS_PORT) \
		$(BIN)/charterbot serve & bot=$$!; \
	trap 'kill $$bot 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 50); do curl -sf http://127.0.0.1:$(TEAMS_PORT)/healthz >/dev/null && break; sleep 0.2; done; \
	$(PLAYGROUND) -e http://127.0.0.1:$(TEAMS_PORT)/api/messages -c msteams --disable-telemetry

test: lint $(if $(shell command -v npm 2>/dev/null),$(PLAYGROUND))
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict bot handlers storage
	$(BIN)/lint-imports

bench: $(VENV)/.installed
	@set -e; found=0; \
	for f in benchmarks/ack.py $$(ls benchmarks/*.py 2>/dev/null | grep -v '^benchmarks/ack\.py$$'); do \
		[ -f "$$f" ] || continue; found=1; \
		echo "== $$f"; $(BIN)/python "$$f"; \
	done; \
	[ $$found = 1 ] || { echo "no benchmarks found in benchmarks/" >&2; exit 1; }

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f $(VENV)/.installed $(VENV)/.installed-run

distclean: clean
	rm -rf $(VENV)
