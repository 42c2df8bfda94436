# The two commands: `make run` (the whole portal on this machine, nothing but Python needed) and
# `make test` (every test layer). See README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PACKAGES := -e libs/portalkit -e services/identity -e services/partners -e services/apps \
            -e services/scopes -e services/notifier -e services/webhooks -e gateway

.PHONY: run stack test test-unit test-fast test-compose contracts nginx-conf k8s-manifests lock bench bench-token bench-introspection bench-read bench-events clean
UV_LOCAL := $(foreach p,portalkit portal-identity portal-partners portal-apps portal-scopes portal-notifier portal-webhooks portal-gateway,--no-emit-package $(p))

# Every dependency from requirements-dev.lock (pinned, with hashes; `make lock` writes it), then the
# project's own packages from the tree without theirs. The images install requirements.lock the same way.
$(BIN)/portalctl: libs/portalkit/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml requirements-dev.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation $(PACKAGES)
	$(BIN)/pip check  # a pin in a pyproject.toml that the lock does not have: run `make lock`
	touch $@

venv: $(BIN)/portalctl

run: $(BIN)/portalctl
	$(BIN)/portal-embedded

stack: $(BIN)/portalctl
	$(BIN)/portal-stack

test: $(BIN)/portalctl
	$(BIN)/python -m pytest

# Domain rules and use cases against units of work in memory: no database, broker or network (seconds).
test-unit: $(BIN)/portalctl
	$(BIN)/python -m pytest -q $(wildcard libs/portalkit/tests/unit services/*/tests/unit gateway/tests/unit)

test-fast: $(BIN)/portalctl
	$(BIN)/python -m pytest -m "not system"

# docker-compose.yml for real on an isolated Docker engine (tests/compose/run.sh; root, ~5 min cold).
test-compose: $(BIN)/portalctl
	tests/compose/run.sh

contracts: $(BIN)/portalctl
	$(BIN)/python -m tests.contracts_tool write

nginx-conf: $(BIN)/portalctl
	$(BIN)/python -m portal_gateway.nginx

k8s-manifests: $(BIN)/portalctl
	$(BIN)/python -m portal_gateway.kubernetes

# The lock files from requirements.in / requirements-dev.in (uv from PyPI into a throwaway tool venv).
lock:
	$(PYTHON) -m venv var/uv && var/uv/bin/pip install --quiet uv==0.13.9
	var/uv/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 $(UV_LOCAL) requirements.in -o requirements.lock
	var/uv/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 $(UV_LOCAL) requirements-dev.in -o requirements-dev.lock

bench: $(BIN)/portalctl
	$(BIN)/python bench/events_throughput.py
	$(BIN)/python bench/token_endpoint.py
	$(BIN)/python bench/introspection.py
	$(BIN)/python bench/read_paths.py
	$(BIN)/python bench/event_latency.py

bench-token: $(BIN)/portalctl
	$(BIN)/python bench/token_endpoint.py

bench-introspection: $(BIN)/portalctl
	$(BIN)/python bench/introspection.py

bench-read: $(BIN)/portalctl
	$(BIN)/python bench/read_paths.py

bench-events: $(BIN)/portalctl
	$(BIN)/python bench/event_latency.py

clean:
	rm -rf $(VENV) var
