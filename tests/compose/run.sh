#!/usr/bin/env bash
# `make test-compose`: docker-compose.yml run for real, as an operator runs it, on an isolated Docker engine.
#  1. start the engine (tests/compose/engine.sh; installs docker.io, docker-compose, debootstrap if missing)
#  2. local equivalents of the upstream images (deploy/local-images/build.sh; cached by tag and layer)
#  3. the five service images from the one Dockerfile, on the local Python base
#  4. docker-compose up (healthchecks, depends_on conditions, migrations on start), then the checks in
#     tests/compose/check_compose.py through compose's nginx on 127.0.0.1: the journey, the UIs, scale-out
#  5. always: docker-compose down -v, the engine stopped by its pid, no bridge or mount left (the images,
#     the build stages' untagged ones included, stay in the data-root as the layer cache)
# The engine's data-root (/var/lib/portal-test-docker/data, PORTAL_ENGINE_DIR) keeps the base and service
# layers between runs; `tests/compose/engine.sh purge` removes it. Under CI=true, no engine is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
ENGINE=tests/compose/engine.sh
start=$(date +%s)
stamp() { echo "[compose-test $(( $(date +%s) - start ))s] $*"; }

if ! DOCKER_HOST="$("$ENGINE" start)"; then
  "$ENGINE" stop >/dev/null 2>&1 || true  # whatever of it did start
  if [ "${CI:-}" = "true" ]; then echo "FAILED: no Docker engine could be started (CI=true)" >&2; exit 1; fi
  echo "SKIPPED: no Docker engine could be started here (see tests/compose/engine.sh)" >&2; exit 0
fi
export DOCKER_HOST
teardown() {
  status=$?
  set +e
  if [ $status -ne 0 ]; then docker-compose logs --no-color --tail=40 > "$ROOT/var/compose-test.log" 2>&1 \
     && echo "last logs: var/compose-test.log"; fi
  docker-compose down -v --remove-orphans -t 5 >/dev/null 2>&1
  "$ENGINE" stop
  stamp "torn down (exit $status)"
  exit $status
}
trap teardown EXIT
trap 'exit 143' TERM INT  # so that the EXIT trap tears down on a kill too
export COMPOSE_PROJECT_NAME=portaltest COMPOSE_HTTP_TIMEOUT=120
free_port() { "$ROOT/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export GATEWAY_PORT="${GATEWAY_PORT:-$(free_port)}" MAILPIT_PORT="${MAILPIT_PORT:-$(free_port)}"
export PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" SESSION_COOKIE_SECURE=false
export INTERNAL_TOKEN="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export KEY_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
export WEBHOOKS_SECRET_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
export MODERATOR_EMAILS="moderator1@partnerportaal.test,moderator2@partnerportaal.test"
export POSTGRES_IMAGE=portal-local/postgres:15 RABBITMQ_IMAGE=portal-local/rabbitmq:3.10 \
       NGINX_IMAGE=portal-local/nginx:1.22 MAILPIT_IMAGE=portal-local/mailpit:local \
       PYTHON_IMAGE=portal-local/python:3.11

mkdir -p var
docker-compose down -v --remove-orphans -t 1 >/dev/null 2>&1 || true  # what a crashed run left

stamp "engine up at $DOCKER_HOST"
deploy/local-images/build.sh
stamp "local base images ready"
for service in identity partners apps scopes notifier webhooks; do
  nice -n 10 docker build -q --network host --build-arg SERVICE=$service --build-arg PYTHON_IMAGE="$PYTHON_IMAGE" \
    -t "partner-portal/$service:latest" . > var/compose-build.log 2>&1 || { cat var/compose-build.log >&2; exit 1; }
done
stamp "service images built"
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(partner-portal|portal-local)/' | sort
set +o pipefail
docker-compose up -d --no-build --quiet-pull 2>&1 | { grep -v -E '^(Creating|Starting)' || true; }
[ "${PIPESTATUS[0]}" = 0 ] || { echo "docker-compose up failed" >&2; exit 1; }
set -o pipefail
# Everything healthy (up -d returns once the dependencies' conditions held for the containers it started).
for _ in $(seq 1 120); do
  unhealthy="$(docker-compose ps | grep -E 'starting|unhealthy|Exit' || true)"
  [ -z "$unhealthy" ] && break
  sleep 1
done
docker-compose ps
stamp "compose up"
"$ROOT/.venv/bin/python" -m pytest -p no:cacheprovider -q -o addopts="" tests/compose/check_compose.py "$@"
stamp "checks passed"
