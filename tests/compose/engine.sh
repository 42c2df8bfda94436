#!/usr/bin/env bash
# An isolated Docker engine for the compose test (docs: /work/shared/docs/containers.md, deploy/README.md).
#   engine.sh start   install what is missing, start dockerd on its own socket; prints DOCKER_HOST
#   engine.sh stop    stop that dockerd by its pid, remove its run-time state and the docker0 bridge
# Everything lives under $PORTAL_ENGINE_DIR (default /var/lib/portal-test-docker): data-root there is the
# image cache kept between runs (base images, layers); `engine.sh purge` removes it.
set -euo pipefail
DIR="${PORTAL_ENGINE_DIR:-/var/lib/portal-test-docker}"
SOCK="$DIR/docker.sock"

install_missing() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then echo "missing ${missing[*]} and not root to install them" >&2; return 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

start() {
  install_missing
  mkdir -p "$DIR/data" "$DIR/exec"
  if [ -f "$DIR/dockerd.pid" ] && kill -0 "$(cat "$DIR/dockerd.pid")" 2>/dev/null; then
    echo "unix://$SOCK"; return 0
  fi
  cat > "$DIR/daemon.json" <<JSON
{"data-root":"$DIR/data","exec-root":"$DIR/exec","pidfile":"$DIR/dockerd.pid",
 "hosts":["unix://$SOCK"],"storage-driver":"overlay2",
 "exec-opts":["native.cgroupdriver=cgroupfs"],"iptables":false,"ip-masq":false,
 "default-ulimits":{"nofile":{"Name":"nofile","Hard":20000,"Soft":20000}}}
JSON
  setsid dockerd --config-file "$DIR/daemon.json" > "$DIR/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    DOCKER_HOST="unix://$SOCK" docker version >/dev/null 2>&1 && { echo "unix://$SOCK"; return 0; }
    sleep 0.5
  done
  tail -20 "$DIR/dockerd.log" >&2
  echo "dockerd did not start" >&2
  return 1
}

stop() {
  if [ -f "$DIR/dockerd.pid" ]; then
    local pid; pid="$(cat "$DIR/dockerd.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid"
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      fi
    fi
    rm -f "$DIR/dockerd.pid"
  fi
  # The exec-root (containerd's state, the default network namespace bind-mounted there) goes with it.
  if [ -d "$DIR/exec" ]; then
    findmnt -rn -o TARGET | { grep -F "$DIR/exec" || true; } | sort -r | while read -r mountpoint; do
      umount -l "$mountpoint" 2>/dev/null || true
    done
  fi
  rm -rf "$DIR/exec" "$SOCK"
  # The default bridge it created (compose's own networks went with `down`); a moment after the engine.
  for _ in $(seq 1 20); do
    ip link show docker0 >/dev/null 2>&1 || break
    ip link del docker0 2>/dev/null || sleep 0.5
  done
  if ip link show docker0 >/dev/null 2>&1; then echo "docker0 is still there" >&2; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  purge) stop; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|stop|purge" >&2; exit 2 ;;
esac
