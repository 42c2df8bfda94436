"""client_credentials tokens per second and latency, on the local stack (PostgreSQL, granian, nginx),
against a peer measured in the same run: node-oidc-provider (``bench/peer``, pinned, installed there by
npm) as a cluster of worker processes with one client and ES256 JWT access tokens of 900 s.

Drives ``wrk`` (Debian) at 32 keep-alive connections, alternating rounds of ours through nginx and the
peer, and prints each figure, the medians, ranges and the ratio; then ours directly and through nginx
with a new connection per request. Starts its own stack on other ports, databases and broker namespace,
imports one client, measures, and removes everything again.

Run: ``make bench-token`` (needs nginx, wrk, node and npm, PostgreSQL and RabbitMQ on this machine).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import benchstack
from benchstack import load, machine

from portal_gateway.stack import Stack, StackSettings
from portalkit.testing import DEFAULT_AMQP, DEFAULT_POSTGRES, RUN

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 32))
DURATION = os.environ.get("BENCH_DURATION", "10s")
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", 2))
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", 2))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
PEER_WORKERS = int(os.environ.get("BENCH_PEER_WORKERS", 2))
PEER_PORT = 28999
PEER = Path(__file__).parent / "peer"
CLIENT_ID, SECRET = "bench-client", "bench-Secret-0123456789-abcdefghij"
LUA = """
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=%s&client_secret=%s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (granian's main process and its workers)."""
    found, index = [pid], 0
    while index < len(found):
        for task in Path(f"/proc/{found[index]}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            found += [int(child) for child in children]
        index += 1
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """(RSS, PSS) summed over ``pids`` in MB: RSS counts pages the workers share once per process, PSS splits them."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(("Rss:", "Pss:")):
                    kilobytes = int(line.split()[1])
                    rss, pss = (rss + kilobytes, pss) if line.startswith("Rss:") else (rss, pss + kilobytes)
        except OSError:
            continue  # a worker that ended meanwhile
    return rss / 1024, pss / 1024


class PeakMemory:
    """The highest (RSS, PSS) of a process tree while the block runs, sampled every 0.2 s."""

    def __init__(self, pid: int):
        self.pid = pid
        self.rss = self.pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            rss, pss = memory_mb(process_tree(self.pid))
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def __str__(self) -> str:
        return f"identity web under load, all its processes: RSS {self.rss:.0f} MB (PSS {self.pss:.0f} MB)"


def time_wait_sockets() -> int:
    """TCP sockets in TIME_WAIT (state 06) on this machine."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            count += sum(1 for row in rows if row.split()[3] == "06")
    return count


def drain_time_wait(limit: int = 1000, timeout: float = 90) -> None:
    """Wait for the previous runs' closed connections to leave TIME_WAIT (60 s on Linux).

    wrk connects from one address, so after a few seconds at thousands of new connections per second the
    kernel searches the ~28,000 ephemeral ports for a reusable one on every connect: a cost of this
    load generator, not of the portal, that would otherwise pile up from run to run.
    """
    deadline = time.monotonic() + timeout
    while time_wait_sockets() > limit and time.monotonic() < deadline:
        time.sleep(2)


def wrk(url: str, script: Path, close: bool) -> dict:
    """One wrk run at this bench's connections and duration."""
    return benchstack.wrk(url, script, close, CONNECTIONS, DURATION)


def start_peer() -> subprocess.Popen:
    """node-oidc-provider at the version package-lock.json pins, installed into bench/peer/node_modules."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("node and npm are needed for the peer: apt-get install -y nodejs npm")
    if not (PEER / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=PEER, check=True)
    peer = subprocess.Popen(
        ["node", "server.mjs", str(PEER_PORT), str(PEER_WORKERS), CLIENT_ID, SECRET],
        cwd=PEER,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", PEER_PORT), timeout=1):
                return peer
        except OSError:
            time.sleep(0.2)
    peer.terminate()
    raise SystemExit("the peer did not start")


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def compare_with_peer(ours: str, peer: str, script: Path) -> None:
    """Alternating rounds in one run, so both meet the same machine state."""
    results = {"ours": [], "peer": []}
    for url in (ours, peer):
        wrk(url, script, close=False)  # warm-up: caches, connection pools, JIT
    print(f"{'round':6} {'server':28} {'tokens/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8}")
    for round_number in range(1, ROUNDS + 1):
        for name, url in (("ours", ours), ("peer", peer)):
            result = wrk(url, script, close=False)
            results[name].append(result)
            label = "identity through nginx" if name == "ours" else f"oidc-provider, {PEER_WORKERS} workers"
            print(
                f"{round_number:<6} {label:28} {result['rps']:9.0f} {result['p50']:7.2f} {result['p99']:7.2f} "
                f"{result['errors']:8d} {result['socket_errors']}",
                flush=True,
            )
    ours_rps = [r["rps"] for r in results["ours"]]
    peer_rps = [r["rps"] for r in results["peer"]]
    ratios = [o / p for o, p in zip(ours_rps, peer_rps, strict=True)]
    print(f"tokens/s, median (range) of {ROUNDS} rounds: ours {spread(ours_rps)}, peer {spread(peer_rps)}")
    print(
        f"p99 ms, median: ours {statistics.median(r['p99'] for r in results['ours']):.1f}, "
        f"peer {statistics.median(r['p99'] for r in results['peer']):.1f}"
    )
    print(f"ratio ours / peer: {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})")


@contextlib.contextmanager
def bench_stack() -> Iterator[Stack]:
    """The local stack on the bench's own ports, databases and broker namespace, with the bench client
    imported; everything is removed again afterwards."""
    amqp = os.environ.get("TEST_AMQP_URL", DEFAULT_AMQP)
    postgres = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    namespace = RUN.broker_namespace(amqp, "bench")
    run_dir = Path(tempfile.mkdtemp(prefix="bench-stack-"))
    stack = Stack(
        StackSettings(
            port=28080,
            port_offset=20000,
            postgres_url=postgres,
            database_prefix=RUN.database_name(postgres, "bench") + "_",
            broker_url=amqp,
            broker_namespace=namespace,
            smtp_port=28025,
            run_dir=run_dir,
            web_workers=WEB_WORKERS,
            web_threads=WEB_THREADS,
            # wrk asks from one address: far above the real per-address limit (20/s), which would measure 429s.
            nginx_limits={"token_rate": "100000r/s", "token_burst": 100000},
            extra_env={"LOG_LEVEL": "WARNING"},
        )
    )
    try:
        stack.start()
        clients = run_dir / "clients.json"
        grants = [
            {"api": api, "institution_number": f"{n:06d}"} for api in ("leerlingen", "personeel") for n in range(10)
        ]
        clients.write_text(
            json.dumps([{"client_id": CLIENT_ID, "name": "Bench", "client_secret": SECRET, "grants": grants}])
        )
        stack.portalctl("identity", "clients", "import", str(clients))
        yield stack
    finally:
        stack.stop()
        stack.drop_databases()
        RUN.delete_broker_namespace(namespace)
        shutil.rmtree(run_dir, ignore_errors=True)
        if RUN.leftovers():
            raise SystemExit(f"left behind: {', '.join(RUN.leftovers())}")


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    peer = start_peer()
    try:
        with bench_stack() as stack:
            script = stack.run_dir / "token.lua"
            script.write_text(LUA % (CLIENT_ID, SECRET))
            direct = f"http://127.0.0.1:{stack.service_port('identity')}/oauth/token"
            gateway = f"{stack.url}/oauth/token"
            print(f"machine: {machine()}")
            print(
                f"identity: portalctl serve (granian), {WEB_WORKERS} workers of {WEB_THREADS} threads; "
                f"nginx 1 worker; wrk -t2 -c{CONNECTIONS} -d{DURATION}"
            )
            with PeakMemory(stack.processes["identity-web"].pid) as memory:
                compare_with_peer(gateway, f"http://127.0.0.1:{PEER_PORT}/token", script)
            print(memory)
            print(f"{'path':10} {'connection':12} {'tokens/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8}")
            for name, url in (("direct", direct), ("gateway", gateway)):
                for close in (False, True):
                    if close:
                        drain_time_wait()
                    result = wrk(url, script, close)
                    mode = "new per req" if close else "keep-alive"
                    print(
                        f"{name:10} {mode:12} {result['rps']:9.0f} {result['p50']:7.2f} {result['p99']:7.2f} "
                        f"{result['errors']:8d} {result['socket_errors']}",
                        flush=True,
                    )
            print(f"after: load average {load()}")
    finally:
        peer.terminate()
        peer.wait(10)


if __name__ == "__main__":
    main()
