# The two commands: `make run` (the whole portal on this machine, nothing but Python needed) and
# `make test` (every test layer). See README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PACKAGES := -e libs/portalkit -e services/identity -e services/partners -e services/apps \
            -e services/scopes -e services/notifier -e gateway

.PHONY: run stack test test-fast contracts nginx-conf bench bench-token bench-read clean

$(BIN)/portalctl: libs/portalkit/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(PACKAGES) -r requirements-dev.txt
	touch $@

venv: $(BIN)/portalctl

run: $(BIN)/portalctl
	$(BIN)/portal-embedded

stack: $(BIN)/portalctl
	$(BIN)/portal-stack

test: $(BIN)/portalctl
	$(BIN)/python -m pytest

test-fast: $(BIN)/portalctl
	$(BIN)/python -m pytest -m "not system"

contracts: $(BIN)/portalctl
	$(BIN)/python -m tests.contracts_tool write

nginx-conf: $(BIN)/portalctl
	$(BIN)/python -m portal_gateway.nginx

bench: $(BIN)/portalctl
	$(BIN)/python bench/events_throughput.py
	$(BIN)/python bench/token_endpoint.py
	$(BIN)/python bench/read_paths.py

bench-token: $(BIN)/portalctl
	$(BIN)/python bench/token_endpoint.py

bench-read: $(BIN)/portalctl
	$(BIN)/python bench/read_paths.py

clean:
	rm -rf $(VENV) var
