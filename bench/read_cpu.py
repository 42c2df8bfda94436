"""CPU time per request of the read paths' WSGI apps, in-process: the least noisy measure on a shared machine.

Seeds PostgreSQL as ``read_paths.py`` does (20,000 profiles, 100,000 applications), builds the partners
and apps services' Flask apps in this process (no HTTP server, no nginx), and calls each app directly,
one thread, with each scenario's requests of ``read_paths.scenarios``: ``BENCH_WARMUP`` (300) requests
first, then ``BENCH_REQUESTS`` (2,000), and prints the thread's CPU time and the wall time per request
(the wall time includes PostgreSQL's share, the CPU time does not), for apps that read every answer and
for apps that keep them (the 200 searches of a scenario are all kept after the warm-up).
``--profile 'directory: search'`` (repeatable) prints where a scenario's time goes instead (cProfile).

Run: ``.venv/bin/python bench/read_cpu.py`` (needs PostgreSQL on this machine).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import time

from read_paths import scenarios, seed
from werkzeug.test import EnvironBuilder

from portal_apps.bootstrap import SERVICE as APPS
from portal_partners.bootstrap import SERVICE as PARTNERS
from portalkit.auth import JwksCache, TokenVerifier
from portalkit.testing import AUDIENCE, DEFAULT_POSTGRES, ISSUER, PostgresDatabases, TokenFactory, prepared_runtime

WARMUP = int(os.environ.get("BENCH_WARMUP", 300))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 2_000))
CONFIGURATIONS = {"every answer read": {"answer_cache_mb": 0}, "answers kept": {}}
"""The same apps twice: reading every answer from PostgreSQL, and keeping answers (``AnswerCache``)."""


def environs(paths: list[str], headers: dict[str, str]) -> list[dict]:
    return [EnvironBuilder(path=path, headers=headers).get_environ() for path in paths]


def call(app, environ: dict) -> str:
    """One request straight into the WSGI app; its status line (the body is read to its end)."""
    status = []
    body = app(dict(environ), lambda line, headers, exc_info=None: status.append(line))
    try:
        for _chunk in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return status[0]


def measure(app, requests: list[dict], count: int) -> tuple[float, float]:
    """CPU and wall microseconds per request over ``count`` requests (cycling through ``requests``)."""
    cpu, wall = time.thread_time(), time.perf_counter()
    for n in range(count):
        status = call(app, requests[n % len(requests)])
        if not status.startswith("200"):
            raise SystemExit(f"unexpected answer {status}")
    return (time.thread_time() - cpu) / count * 1e6, (time.perf_counter() - wall) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="append", help="a scenario to profile instead of measuring all")
    arguments = parser.parse_args()
    databases = PostgresDatabases(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    tokens, started, urls = TokenFactory(), {}, {}
    try:
        for definition in (PARTNERS, APPS):
            urls[definition.name] = databases.create(f"readcpu_{definition.name}")
            for label, overrides in CONFIGURATIONS.items():
                runtime = prepared_runtime(definition, urls[definition.name], **overrides)
                app = definition.create_app(runtime=runtime)
                app.extensions["portal.verifier"] = TokenVerifier(JwksCache(tokens.jwks), ISSUER, AUDIENCE)
                started[definition.name, label] = (app, runtime)
                runtime.table_changes.listening.wait(5)
        rng = random.Random(20261125)
        seed(urls.__getitem__, rng)
        moderator = {"Authorization": f"Bearer {tokens.token('bench-moderator', roles=['moderator'])}"}
        print(f"CPU (wall) µs per request, {REQUESTS:,} requests after {WARMUP:,}")
        print(f"{'scenario':28}" + "".join(f"{label:>24}" for label in CONFIGURATIONS))
        for name, paths in scenarios(rng).items():
            if arguments.profile and name not in arguments.profile:
                continue
            requests = environs(paths, moderator if name.startswith("moderator") else {})
            figures = []
            for label in CONFIGURATIONS:
                app = started["partners" if name.startswith("directory") else "apps", label][0]
                measure(app, requests, WARMUP)
                if arguments.profile:
                    profiler = cProfile.Profile(time.thread_time)  # CPU time: waits for PostgreSQL left out
                    profiler.runcall(measure, app, requests, REQUESTS)
                    report = io.StringIO()
                    pstats.Stats(profiler, stream=report).sort_stats("tottime").print_stats(30)
                    print(f"== {name}, {label}", report.getvalue(), sep="\n")
                    continue
                cpu, wall = measure(app, requests, REQUESTS)
                figures.append(f"{cpu:,.0f} ({wall:,.0f})")
            if figures:
                print(f"{name:28}" + "".join(f"{figure:>24}" for figure in figures), flush=True)
    finally:
        for _app, runtime in started.values():
            runtime.close()
        databases.drop_all()


if __name__ == "__main__":
    main()
