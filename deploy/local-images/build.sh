#!/usr/bin/env bash
# Local equivalents of the upstream images the compose file names, for machines that reach no container
# registry (only Debian's and PyPI's). Built from Debian packages on a debootstrap base; each is tagged
# portal-local/<name> and given to compose through the image-name variables (POSTGRES_IMAGE, ...), whose
# defaults stay the real upstream images. The engine's data-root is the cache between runs (the debootstrap
# base by tag, the rest by layer); a fresh engine builds everything (about 3 minutes).
set -euo pipefail
cd "$(dirname "$0")"
: "${DOCKER_HOST:?start the engine first (tests/compose/engine.sh start)}"
BASE=portal-local/debian:bookworm
NICE="nice -n 10"

have() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have "$BASE"; then
  # The Debian mirror apt uses here (deb822 or one-line sources), else deb.debian.org.
  mirror="$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
              2>/dev/null || true) | grep -oE '(https?)://[^ ]+/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ')"
  mirror="${mirror:-http://deb.debian.org/debian}"
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap bookworm from $mirror"
  $NICE debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
  # The host's apt settings (a snapshot mirror) and extra CA certificates (a TLS-intercepting proxy in
  # front of the package registries): without them, apt or pip fail inside the builds.
  cp /etc/apt/apt.conf.d/99* "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$root"; trap - EXIT
fi

build() {  # name dir: always built, so a changed Dockerfile counts; unchanged, the layer cache answers at once
  {
    log="$(mktemp)"
    $NICE docker build -q --network host --build-arg BASE="$BASE" -t "portal-local/$1" "$2" > "$log" 2>&1 \
      || { cat "$log" >&2; rm -f "$log"; return 1; }
    rm -f "$log"
  }
}
build python:3.11 python
build postgres:15 postgres
build rabbitmq:3.10 rabbitmq
build nginx:1.22 nginx
build mailpit:local mailpit
