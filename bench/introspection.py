"""Token introspection (RFC 7662) per second and latency on the local stack (PostgreSQL, granian, nginx).

A resource server introspects 500 distinct live client_credentials tokens, one picked at random per
request, through nginx with ``wrk`` at 32 keep-alive connections, in rounds; prints each round, the median
and range, the identity web processes' memory under load, and the machine and its load. ORY Hydra
publishes 5,109 introspections/s. Starts its own stack (``token_endpoint.bench_stack``) and removes it.

Run: ``make bench-introspection`` (needs nginx, wrk, PostgreSQL and RabbitMQ on this machine).
"""

from __future__ import annotations

import base64
import json
import statistics
import urllib.parse
import urllib.request

from token_endpoint import (
    CLIENT_ID,
    CONNECTIONS,
    DURATION,
    ROUNDS,
    SECRET,
    WEB_THREADS,
    WEB_WORKERS,
    PeakMemory,
    bench_stack,
    load,
    machine,
    spread,
    wrk,
)

TOKENS = 500
LUA = """
local tokens = {%s}
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic %s"
request = function()
    return wrk.format(nil, nil, nil, "token=" .. tokens[math.random(#tokens)])
end
"""


def post_form(url: str, form: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, urllib.parse.urlencode(form).encode(), headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main() -> None:
    with bench_stack() as stack:
        created = dict(
            line.split("=", 1)
            for line in stack.portalctl("identity", "clients", "create-resource-server", "--name", "Bench API").split()
        )
        credentials = base64.b64encode(f"{created['client_id']}:{created['client_secret']}".encode()).decode()
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET}
        tokens = [post_form(f"{stack.url}/oauth/token", form)["access_token"] for _ in range(TOKENS)]
        url = f"{stack.url}/oauth/introspect"
        sample = post_form(url, {"token": tokens[0]}, {"Authorization": f"Basic {credentials}"})
        if not sample.get("active"):
            raise SystemExit(f"a live token introspected as {sample}")
        script = stack.run_dir / "introspect.lua"
        script.write_text(LUA % (",".join(f'"{token}"' for token in tokens), credentials))
        print(f"machine: {machine()}")
        print(
            f"identity: portalctl serve (granian), {WEB_WORKERS} workers of {WEB_THREADS} threads; nginx 1 worker; "
            f"wrk -t2 -c{CONNECTIONS} -d{DURATION}; {TOKENS} distinct live tokens, one at random per request"
        )
        wrk(url, script, close=False)  # warm-up: every token verified once per worker, connection pools
        results = []
        print(f"{'round':6} {'introspections/s':>17} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8}")
        with PeakMemory(stack.processes["identity-web"].pid) as memory:
            for round_number in range(1, ROUNDS + 1):
                result = wrk(url, script, close=False)
                results.append(result)
                print(
                    f"{round_number:<6} {result['rps']:17.0f} {result['p50']:7.2f} {result['p99']:7.2f} "
                    f"{result['errors']:8d} {result['socket_errors']}",
                    flush=True,
                )
        print(f"introspections/s, median (range) of {ROUNDS} rounds: {spread([r['rps'] for r in results])}")
        p99 = [r["p99"] for r in results]
        print(f"p99 ms, median (range): {statistics.median(p99):.1f} ({min(p99):.1f}-{max(p99):.1f})")
        print(memory)
        print(f"after: load average {load()}")


if __name__ == "__main__":
    main()
