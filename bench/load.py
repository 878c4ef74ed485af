"""A bounded load test on loopback: many clients for a while over the query mix and pages.

    python bench/load.py --clients 50 --duration 60

Starts our server on the project's real data, sends from ``--clients`` threads (one
keep-alive connection each) a mix of the endpoint benchmark's queries (who met whom,
DESCRIBE, an aggregate) and page views (organisation and person pages, the home page,
a search), and reports requests, errors, p50/p95 latency, throughput, and the server's
memory (its process and its query workers) before and after. Only 127.0.0.1 is used;
every loop is bounded in time and in count.
"""

from __future__ import annotations

import http.client
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from bench.clients import QUERIES, Endpoint  # noqa: E402
from bench.datasets import store_params  # noqa: E402
from bench.targets import free_port, wait_until_up  # noqa: E402

MAX_REQUESTS = 1_000_000


def memory_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)  # fmt: skip
        stack += [int(child) for child in children]
    return total


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def mix(params: dict[str, list[str]]) -> list[tuple[str, str, bytes | None, str]]:
    """(method, path, body, accept) of every kind of request, each as likely as the others."""
    pages = [("GET", "/page/" + iri.split("/id/", 1)[1], None, "text/html")
             for iri in params["organisation"] + params["person"]]  # fmt: skip
    others = [("GET", "/", None, "text/html"), ("GET", "/search?q=cooperative", None, "text/html")]
    sparql = Endpoint("ours", 0, "/sparql", True)
    queries: list[tuple[str, str, bytes | None, str]] = [
        (*query.request(sparql, params[query.param], k), query.accept)
        for query in QUERIES.values()
        if not query.page
        for k in range(len(params[query.param]))
    ]
    return queries + pages + others


def client(port: int, requests: list[tuple[str, str, bytes | None, str]], until: float,
           seed: int, tally: Tally) -> None:  # fmt: skip
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(MAX_REQUESTS):
        if time.monotonic() >= until:
            break
        method, path, body, accept = rng.choice(requests)
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                tally.errors.append(f"{response.status} {method} {path}")
        except (OSError, http.client.HTTPException) as error:
            tally.errors.append(f"{type(error).__name__} {method} {path}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tally.latencies.append(time.perf_counter() - started)
    conn.close()


def run(store: Path, clients: int, duration: float, log: Path) -> dict[str, float]:
    """Serve ``store`` and load it; the figures of the run."""
    params = store_params(store)
    port = free_port()
    argv = [str(Path(sys.executable).with_name("passerelles")), "serve", "--store", str(store),
            "--host", "127.0.0.1", "--port", str(port), "--rate-limit", "0",
            "--threads", str(max(8, clients))]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(server, Endpoint("ours", port, "/sparql", True), 30.0, log)
        requests = mix(params)
        warm = Tally()
        client(port, requests, time.monotonic() + 2.0, 0, warm)  # fills the caches
        before = memory_kib(server.pid)
        tallies = [Tally() for _ in range(clients)]
        until = time.monotonic() + duration
        threads = [threading.Thread(target=client, args=(port, requests, until, n, tallies[n]))
                   for n in range(clients)]  # fmt: skip
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        after = memory_kib(server.pid)
    finally:
        server.terminate()
        server.wait(15)
    latencies = sorted(t for tally in tallies for t in tally.latencies)
    errors = [e for tally in tallies for e in tally.errors]
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0.0,
        "throughput": len(latencies) / elapsed,
        "memory_before_mib": before / 1024,
        "memory_after_mib": after / 1024,
    }


@click.command()
@click.option("--store", type=click.Path(path_type=Path), default=Path("var/store"),
              show_default=True, help="A built store (passerelles build).")  # fmt: skip
@click.option("--clients", default=50, show_default=True, help="Concurrent clients.")
@click.option("--duration", default=60.0, show_default=True, help="Seconds of load.")
@click.option("--log", type=click.Path(path_type=Path), default=Path("/tmp/passerelles-load.log"),
              show_default=True, help="Where the server's output goes.")  # fmt: skip
def main(store: Path, clients: int, duration: float, log: Path) -> None:
    """Load our server on loopback and report errors, latency, throughput and memory."""
    click.echo(f"{clients} clients for {duration:g} s on {store}…", err=True)
    figures = run(store, clients, duration, log)
    for key, value in figures.items():
        click.echo(f"{key:>18}: {value:,.2f}")
    if figures["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
