"""Endpoint benchmark: our SPARQL endpoint against a raw ``oxigraph serve`` and rdflib-endpoint.

The same data is served by the three servers and the same query texts are sent to
each: who-met-whom for one person, DESCRIBE of one organisation, and an aggregate
(encounters per evidence kind for the organisations of one region). Each request binds
a different parameter and carries its own LIMIT (always above the size of the answer),
so no two requests of a run are identical and no cache can flatter a figure. Clients
keep one HTTP connection open each. Ours and the raw server take turns measurement by
measurement, so that a change in the machine's load hits both alike; rdflib-endpoint,
far slower, is measured after them with fewer requests. The report gives p50/p95
latency and throughput per dataset × server × query × client count, the ratios ours/raw
and rdflib/ours, and whether the issue's goals are met.

Prepared data (the stores and an N-Quads copy for rdflib) is cached under
``bench/data/<dataset>/`` and made again only when its sources change.
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

import click
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATA = BENCH / "data"
BIN = Path(sys.executable).parent  # the project's virtual environment
RDFLIB_ENDPOINT = BENCH / ".venv" / "bin" / "rdflib-endpoint"
DATASETS = ("real", "synthetic-1m")
SERVERS = ("ours", "raw", "rdflib")
SYNTHETIC = {"triples": 1_000_000, "seed": 42}
GRAPH = "https://w3id.org/passerelles/graph/"
REQUEST_TIMEOUT = 30.0  # seconds; a slower answer is counted as a timeout
GOALS = {"p50": 1.3, "throughput": 0.8, "rdflib": 5.0}
Progress = Callable[[str], None]

# -- the data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """One dataset, ready to serve: a store of ours, a raw Oxigraph folder, N-Quads."""

    name: str
    folder: Path
    params: dict[str, list[str]]  # person, organisation, region IRIs that exist

    @property
    def store(self) -> Path:
        return self.folder / "store"

    @property
    def oxigraph(self) -> Path:
        return self.folder / "oxigraph"

    @property
    def nquads(self) -> Path:
        return self.folder / "data.nq"


def _fingerprint(name: str) -> str:
    """What the prepared data depends on: the sources and, for synthetic data, the generator."""
    digest = hashlib.sha256(name.encode())
    generator = ["bench/generate.py", "data/roles.ttl"]  # the generator copies the roles in
    parts = ["ontology", "queries/rules"] + (["data"] if name == "real" else generator)
    for part in parts:
        path = ROOT / part
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.relative_to(ROOT).as_posix().encode() + file.read_bytes())
    return digest.hexdigest()


def prepare(name: str, progress: Progress) -> Prepared:
    """The dataset called ``name``, from the cache when its sources have not changed."""
    folder = DATA / name
    stamp = folder / "prepared.json"
    key = _fingerprint(name)
    if stamp.exists():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved["fingerprint"] == key:
            progress(f"{name}: prepared data from {folder.relative_to(ROOT)}")
            return Prepared(name, folder, saved["params"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.monotonic()
    if name == "real":
        _run([BIN / "passerelles", "build", "--root", ROOT, "--store", folder / "store"])
    else:
        _load_synthetic(folder / "store", progress)
    progress(f"{name}: our store ready in {time.monotonic() - started:.0f} s; exporting N-Quads")
    prepared = Prepared(name, folder, {})
    _run(
        [
            BIN / "passerelles",
            "export",
            "--format",
            "nq",
            "--store",
            prepared.store,
            "-o",
            prepared.nquads,
        ]
    )
    _run([BIN / "oxigraph", "load", "--location", prepared.oxigraph, "--file", prepared.nquads])
    _run([BIN / "oxigraph", "optimize", "--location", prepared.oxigraph])  # as a build does
    params = _params(prepared)
    stamp.write_text(json.dumps({"fingerprint": key, "params": params}), encoding="utf-8")
    progress(f"{name}: prepared in {time.monotonic() - started:.0f} s")
    return Prepared(name, folder, params)


def _run(command: list[str | Path]) -> None:
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True, stdout=sys.stderr)


def _load_synthetic(store: Path, progress: Progress) -> None:
    """The generator's graph with the ontology and glossary, bulk-loaded into a store link.

    ``passerelles build`` takes too long at this size (most of it in the SHACL gate, see
    the README), and the generator's output already holds what the rules derive. Each
    file goes into the named graph a build would give it; the link is made the way
    ``kg.store.publish`` makes it.
    """
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate

    builds = store.with_name(store.name + ".builds")
    target = builds / "synthetic"
    target.mkdir(parents=True)
    loaded = ox.Store(str(target))
    for source, graph in (("ess.ttl", "ontology"), ("glossary.ttl", "glossary")):
        loaded.bulk_load(
            path=str(ROOT / "ontology" / source),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(GRAPH + graph),
        )
    with tempfile.TemporaryDirectory() as temporary:
        data = Path(temporary) / "synthetic.nt"
        with data.open("wb") as out:
            generate(SYNTHETIC["triples"], SYNTHETIC["seed"], out)
        progress(f"synthetic-1m: generated {data.stat().st_size / 1e6:.0f} MB, bulk-loading")
        loaded.bulk_load(
            path=str(data),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(GRAPH + "data/synthetic"),
        )
    loaded.optimize()
    del loaded
    store.symlink_to(Path(builds.name) / target.name)


PARAMS = {
    "person": "SELECT DISTINCT ?x WHERE { ?x a <http://xmlns.com/foaf/0.1/Person> }",
    "organisation": "SELECT DISTINCT ?x WHERE { ?x a <http://www.w3.org/ns/org#Organization> }",
    "region": "SELECT DISTINCT ?x WHERE { ?o <https://w3id.org/passerelles/ontology#region> ?x }",
}


def _params(prepared: Prepared) -> dict[str, list[str]]:
    """The IRIs the queries take in turn, in a stable order."""
    store = ox.Store.read_only(str(prepared.store.resolve()))
    found = {
        key: sorted(row[0].value for row in store.query(q, use_default_graph_as_union=True))
        for key, q in PARAMS.items()
    }
    if prepared.name != "real":
        sys.path.insert(0, str(ROOT))
        from bench.generate import sample_iris

        sample = sample_iris(SYNTHETIC["triples"], SYNTHETIC["seed"], size=1000)
        found["person"], found["organisation"] = sample["person"], sample["organisation"]
    return found


# -- the queries -----------------------------------------------------------------------------

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
AGGREGATE = """PREFIX ess: <https://w3id.org/passerelles/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?evidence (COUNT(DISTINCT ?encounter) AS ?encounters) (COUNT(DISTINCT ?person) AS ?people)
WHERE {
  VALUES ?region { <{iri}> }
  ?organisation ess:region ?region .
  ?person org:memberOf ?organisation .
  ?encounter ess:participant ?person ;
    ess:evidence ?evidence .
}
GROUP BY ?evidence
ORDER BY DESC(?encounters) ?evidence
LIMIT {limit}
"""


@dataclass(frozen=True)
class Query:
    """A query of the mix: its text with ``{iri}`` and ``{limit}``, and what it takes."""

    name: str
    param: str  # key of Prepared.params
    accept: str
    template: str

    def text(self, iri: str, limit: int) -> str:
        return self.template.replace("{iri}", iri).replace("{limit}", str(limit))


def who_met_whom() -> str:
    """queries/who-met-whom.rq with the person inlined as VALUES, as the peers need it."""
    lines = (ROOT / "queries" / "who-met-whom.rq").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("# "))
    text = text.replace("WHERE {", "WHERE {\n  VALUES ?person { <{iri}> }", 1)
    return text.rstrip() + "\nLIMIT {limit}\n"


QUERIES = {
    q.name: q
    for q in (
        Query("who-met-whom", "person", JSON, who_met_whom()),
        Query("describe", "organisation", TURTLE, "DESCRIBE <{iri}> LIMIT {limit}\n"),
        Query("aggregate", "region", JSON, AGGREGATE),
    )
}


def request_body(query: Query, params: list[str], k: int) -> bytes:
    """The ``k``-th request of a run: the parameters in turn, and a LIMIT of its own."""
    text = query.text(params[k % len(params)], 1_000_000 + k)
    return urllib.parse.urlencode({"query": text}).encode("ascii")


# -- the servers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    server: str
    port: int
    path: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command(server: str, prepared: Prepared, port: int, workers: int) -> tuple[list[str], str]:
    """How to start ``server`` on ``port``, and the path of its SPARQL endpoint."""
    if server == "ours":
        options = ["--store", prepared.store, "--host", "127.0.0.1", "--port", port]
        argv = [BIN / "passerelles", "serve", *options, "--workers", workers, "--threads", 8,
                "--rate-limit", 0]  # fmt: skip
        return [str(a) for a in argv], "/sparql"
    if server == "raw":
        argv = [
            BIN / "oxigraph",
            "serve-read-only",
            "--location",
            prepared.oxigraph,
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]
        return [str(a) for a in argv], "/query"
    argv = [RDFLIB_ENDPOINT, "serve", prepared.nquads, "--host", "127.0.0.1", "--port", port]
    return [str(a) for a in argv], "/"


@contextmanager
def running(
    server: str, prepared: Prepared, startup: float, log: Path, workers: int = 2
) -> Iterator[Endpoint]:
    """Start ``server`` on a free loopback port, wait until it answers, stop it on exit."""
    port = free_port()
    argv, path = command(server, prepared, port, workers)
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        endpoint = Endpoint(server, port, path)
        _wait_until_up(process, endpoint, startup, log)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def _wait_until_up(
    process: subprocess.Popen[bytes], endpoint: Endpoint, limit: float, log: Path
) -> None:
    deadline = time.monotonic() + limit
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode("ascii")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise click.ClickException(
                f"{endpoint.server} exited with {process.returncode}:\n{tail}"
            )
        try:
            if _post(endpoint, body, JSON, 5.0)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise click.ClickException(f"{endpoint.server} did not answer within {limit:g} s")


def _post(endpoint: Endpoint, body: bytes, accept: str, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=timeout)
    try:
        conn.request("POST", endpoint.path, body, _headers(accept))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _headers(accept: str) -> dict[str, str]:
    return {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}


# -- measuring -------------------------------------------------------------------------------


@dataclass
class ClientRun:
    """What one client saw: latencies of successful requests, failures, its own CPU time."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    finished: float = 0.0  # time.monotonic() at the end; for several clients, the wall time
    cpu: float = 0.0
    first_error: str = ""


@dataclass(frozen=True)
class Job:
    endpoint: Endpoint
    query: Query
    params: list[str]
    ks: range  # the request numbers this client sends, in order
    start_at: float  # time.monotonic() (system-wide on Linux) when every client starts
    stop_at: float


def client(job: Job) -> ClientRun:
    """Send requests over one keep-alive connection until the time or the count runs out."""
    run, headers = ClientRun(), _headers(job.query.accept)
    while time.monotonic() < job.start_at:
        time.sleep(0.001)
    cpu = time.thread_time()
    conn = http.client.HTTPConnection("127.0.0.1", job.endpoint.port, timeout=REQUEST_TIMEOUT)
    for k in job.ks:
        if time.monotonic() >= job.stop_at:
            break
        body = request_body(job.query, job.params, k)
        sent = time.perf_counter()
        try:
            conn.request("POST", job.endpoint.path, body, headers)
            response = conn.getresponse()
            data = response.read()
        except TimeoutError:
            # The server may go on with that query for minutes (rdflib-endpoint does, and
            # serves nobody else meanwhile): this client stops here.
            run.timeouts += 1
            break
        except (OSError, http.client.HTTPException) as error:
            run.errors += 1
            run.first_error = run.first_error or f"{type(error).__name__}: {error}"
            conn.close()
            continue
        elapsed = time.perf_counter() - sent
        if response.status == 200 and data:
            run.latencies.append(elapsed)
        else:
            run.errors += 1
            run.first_error = run.first_error or f"HTTP {response.status}: {data[:200]!r}"
    conn.close()
    run.finished, run.cpu = time.monotonic(), time.thread_time() - cpu
    return run


@dataclass(frozen=True)
class Row:
    dataset: str
    server: str
    query: str
    clients: int
    requests: int
    errors: int
    timeouts: int
    p50_ms: float | None
    p95_ms: float | None
    throughput: float
    client_cpu: float  # share of the wall time the clients spent on the CPU
    note: str = ""  # the first error, if any
    answer: int | None = None  # rows or triples of the answer to request 0


def measure(
    endpoint: Endpoint,
    query: Query,
    params: list[str],
    clients: int,
    duration: float,
    cap: int,
    first: int = 0,
    processes: bool = False,
    dataset: str = "",
) -> Row:
    """Run ``clients`` clients for ``duration`` seconds, ``cap`` requests at most in all."""
    run = run_clients(endpoint, query, params, clients, duration, cap, first, processes)
    return summarise(dataset, endpoint.server, query.name, clients, [run])


def run_clients(
    endpoint: Endpoint,
    query: Query,
    params: list[str],
    clients: int,
    duration: float,
    cap: int,
    first: int,
    processes: bool,
) -> ClientRun:
    """What ``clients`` clients saw together; client ``i`` sends requests ``first + i``,
    ``first + i + clients``…, so no two requests are alike."""
    processes = processes and clients > 1
    start = time.monotonic() + (1.0 if processes else 0.05)  # time to start the processes
    last = first + max(1, cap // clients) * clients
    jobs = [
        Job(endpoint, query, params, range(first + i, last, clients), start, start + duration)
        for i in range(clients)
    ]
    with (ProcessPoolExecutor if processes else ThreadPoolExecutor)(clients) as executor:
        runs = list(executor.map(client, jobs))
    return ClientRun(
        [x for run in runs for x in run.latencies],
        sum(run.errors for run in runs),
        sum(run.timeouts for run in runs),
        max(run.finished for run in runs) - start,
        sum(run.cpu for run in runs),
        next((run.first_error for run in runs if run.first_error), ""),
    )


def summarise(dataset: str, server: str, query: str, clients: int, runs: list[ClientRun]) -> Row:
    """One row from the runs of one measurement (several if servers took turns)."""
    # A request that timed out counts as REQUEST_TIMEOUT: p50 and p95 are then lower bounds.
    timeouts = sum(run.timeouts for run in runs)
    latencies = sorted([x for run in runs for x in run.latencies] + [REQUEST_TIMEOUT] * timeouts)
    done, errors = len(latencies) - timeouts, sum(run.errors for run in runs)
    wall, cpu = sum(run.finished for run in runs), sum(run.cpu for run in runs)
    note = next((run.first_error for run in runs if run.first_error), "")
    if timeouts:
        note = f"{timeouts} request(s) over {REQUEST_TIMEOUT:g} s, counted as {REQUEST_TIMEOUT:g} s"
    return Row(
        dataset,
        server,
        query,
        clients,
        done + errors + timeouts,
        errors,
        timeouts,
        _quantile(latencies, 0.50),
        _quantile(latencies, 0.95),
        round(done / wall, 2) if wall > 0 else 0.0,
        round(cpu / (wall * clients), 3) if wall > 0 else 0.0,
        note,
    )


def _quantile(values: list[float], q: float) -> float | None:
    """The nearest-rank quantile of sorted ``values``, in milliseconds."""
    if not values:
        return None
    return round(values[max(0, math.ceil(q * len(values)) - 1)] * 1000, 3)


# -- a whole run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    clients: tuple[int, ...]
    duration: float
    max_requests: int
    warmup: int  # requests of each query before measuring
    processes: bool  # each client in a process of its own (if there are several)
    rdflib_max_requests: int  # rdflib-endpoint is slow: its runs are kept short
    startup: float
    rounds: int  # slices of each measurement, in which ours and raw take turns
    workers: int  # query worker processes of our server


class Servers:
    """The servers of one dataset, each started when first needed and stopped on exit.

    A server whose request timed out is stopped, and started again when next needed:
    rdflib-endpoint goes on evaluating a query its client gave up on, serving nobody else.
    """

    def __init__(self, prepared: Prepared, plan: Plan, progress: Progress, logs: Path) -> None:
        self.prepared, self.plan, self.progress, self.logs = prepared, plan, progress, logs
        self.started: dict[str, tuple[ExitStack, Endpoint]] = {}

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *_: object) -> None:
        for server in list(self.started):
            self.stop(server)

    def get(self, server: str) -> Endpoint:
        if server not in self.started:
            slow = server == "rdflib" and self.prepared.name != "real"
            startup = self.plan.startup * (10 if slow else 1)
            log = self.logs / f"{self.prepared.name}-{server}-{time.monotonic():.0f}.log"
            self.progress(f"{self.prepared.name}/{server}: starting")
            stack = ExitStack()
            started = running(server, self.prepared, startup, log, self.plan.workers)
            endpoint = stack.enter_context(started)
            self.started[server] = (stack, endpoint)
            self.progress(f"{self.prepared.name}/{server}: up")
        return self.started[server][1]

    def stop(self, server: str) -> None:
        self.started.pop(server)[0].close()


def bench_group(
    group: list[str], prepared: Prepared, plan: Plan, progress: Progress, logs: Path
) -> list[Row]:
    """Every query at every client count on the servers of ``group``.

    Each measurement is cut into ``plan.rounds`` slices in which the servers take turns,
    so that a change in the machine's load hits them alike.
    """
    rows: list[Row] = []
    with Servers(prepared, plan, progress, logs) as servers:
        for query in QUERIES.values():
            params = prepared.params[query.param]
            sizes = {server: warm_up(servers, server, query, params, plan) for server in group}
            live = {server for server, size in sizes.items() if size is not None}
            for n, clients in enumerate(plan.clients):
                runs: dict[str, list[ClientRun]] = {server: [] for server in group}
                rounds = plan.rounds if len(group) > 1 else 1
                for r in range(rounds):
                    for server in [s for s in group if s in live]:
                        cap = plan.rdflib_max_requests if server == "rdflib" else plan.max_requests
                        run = run_clients(
                            servers.get(server),
                            query,
                            params,
                            clients,
                            plan.duration / rounds,
                            cap // rounds,
                            n * 10_000_000 + r * 1_000_000,
                            plan.processes,
                        )
                        runs[server].append(run)
                        if run.timeouts:  # more requests would only wait longer
                            servers.stop(server)
                            live.discard(server)
                for server in group:
                    row = summarise(prepared.name, server, query.name, clients, runs[server])
                    rows.append(
                        replace(row, answer=sizes[server])
                        if runs[server]
                        else timed_out(prepared.name, server, query.name, clients)
                    )
                    progress(
                        f"{prepared.name}/{server}/{query.name}/{clients}: {summary(rows[-1])}"
                    )
    return rows


def warm_up(
    servers: Servers, server: str, query: Query, params: list[str], plan: Plan
) -> int | None:
    """Warm ``server`` up; the size of its answer to request 0, or None if it timed out."""
    endpoint = servers.get(server)
    try:
        size = answer_size(endpoint, query, params)
        # Warm-up requests are numbered apart, so they repeat none of the measured ones.
        count = min(plan.warmup, 2) if server == "rdflib" else plan.warmup
        if not measure(endpoint, query, params, 1, plan.duration, count, 90_000_000).timeouts:
            return size
    except TimeoutError:
        pass
    servers.progress(f"{servers.prepared.name}/{server}/{query.name}: timed out, restarting")
    servers.stop(server)
    return None


def timed_out(dataset: str, server: str, query: str, clients: int) -> Row:
    """The row of a measurement skipped because a request took longer than the timeout."""
    bound = REQUEST_TIMEOUT * 1000
    note = f"not run: a request took over {REQUEST_TIMEOUT:g} s (p50 and p95 are lower bounds)"
    return Row(dataset, server, query, clients, 1, 0, 1, bound, bound, 0.0, 0.0, note)


def answer_size(endpoint: Endpoint, query: Query, params: list[str]) -> int:
    """Rows or triples of the answer to request 0: the same on every server if they agree."""
    status, body = _post(endpoint, request_body(query, params, 0), query.accept, REQUEST_TIMEOUT)
    if status != 200:
        raise click.ClickException(f"{endpoint.server} answered {status} to {query.name}")
    if query.accept == JSON:
        return len(json.loads(body)["results"]["bindings"])
    # rdflib-endpoint 0.6.3 writes DESCRIBE answers as RDF/XML whatever the Accept header.
    xml = body.lstrip().startswith(b"<?xml")
    return len(list(ox.parse(body, format=ox.RdfFormat.RDF_XML if xml else ox.RdfFormat.TURTLE)))


def summary(row: Row) -> str:
    return (
        f"{row.requests} requests, p50 {row.p50_ms} ms, p95 {row.p95_ms} ms, "
        f"{row.throughput} req/s, {row.errors} errors, {row.timeouts} timeouts, "
        f"client CPU {row.client_cpu:.0%}" + (f" ({row.note})" if row.note else "")
    )


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def with_ratios(rows: list[Row]) -> list[dict[str, object]]:
    """Rows as dicts with the ratios of their (dataset, query, clients) group."""
    index = {(r.dataset, r.query, r.clients, r.server): r for r in rows}
    order = [*DATASETS, *QUERIES, *SERVERS]
    rows = sorted(
        rows,
        key=lambda r: (
            order.index(r.dataset),
            order.index(r.query),
            r.clients,
            order.index(r.server),
        ),
    )
    out = []
    for row in rows:
        group = {s: index.get((row.dataset, row.query, row.clients, s)) for s in SERVERS}
        ours, raw, rdflib = (group[s] for s in SERVERS)
        record: dict[str, object] = asdict(row)
        record["p50_ours_over_raw"] = ratio(ours and ours.p50_ms, raw and raw.p50_ms)
        record["throughput_ours_over_raw"] = ratio(ours and ours.throughput, raw and raw.throughput)
        record["p50_rdflib_over_ours"] = ratio(rdflib and rdflib.p50_ms, ours and ours.p50_ms)
        out.append(record)
    return out


def goals(records: list[dict[str, object]]) -> list[str]:
    """One line per goal and (dataset, query, clients): the ratio and met / NOT MET."""
    lines = []
    for r in records:
        if r["server"] != "ours":
            continue
        where = f"{r['dataset']} {r['query']} {r['clients']} client(s)"
        checks = [
            ("p50 ours/raw", r["p50_ours_over_raw"], "<=", GOALS["p50"]),
            ("p50 rdflib/ours", r["p50_rdflib_over_ours"], ">=", GOALS["rdflib"]),
        ]
        if r["clients"] == 4:
            checks.append(
                ("throughput ours/raw", r["throughput_ours_over_raw"], ">=", GOALS["throughput"])
            )
        for name, value, op, goal in checks:
            if value is None:
                lines.append(f"{where}: {name} not measured")
                continue
            met = value <= goal if op == "<=" else value >= goal  # type: ignore[operator]
            lines.append(f"{where}: {name} = {value} ({op} {goal}) {'met' if met else 'NOT MET'}")
    return lines


COLUMNS = (
    "dataset",
    "server",
    "query",
    "answer",
    "clients",
    "requests",
    "errors",
    "timeouts",
    "p50_ms",
    "p95_ms",
    "throughput",
    "client_cpu",
    "p50_ours_over_raw",
    "throughput_ours_over_raw",
    "p50_rdflib_over_ours",
)


def table(records: list[dict[str, object]]) -> str:
    """A Markdown table of the records (the README takes it as it is)."""
    cells = [[("" if r[c] is None else str(r[c])) for c in COLUMNS] for r in records]
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def write_csv(records: list[dict[str, object]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[*COLUMNS, "note"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def machine() -> str:
    """nproc, CPU model, load average and date, for the report."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({model}), load average {load}, {datetime.now():%Y-%m-%d %H:%M}"


# -- command line ----------------------------------------------------------------------------


def _numbers(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        numbers = tuple(int(x) for x in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of numbers") from None
    if not numbers or min(numbers) < 1:
        raise click.BadParameter("client counts must be at least 1")
    return numbers


@click.command()
@click.option(
    "--dataset",
    type=click.Choice([*DATASETS, "all"]),
    default="all",
    show_default=True,
    help="real: the project's data; synthetic-1m: bench/generate.py, 1M triples.",
)
@click.option(
    "--servers",
    default=",".join(SERVERS),
    show_default=True,
    help="Comma-separated servers to measure: ours, raw (oxigraph serve), rdflib.",
)
@click.option(
    "--clients",
    default="1,4",
    show_default=True,
    callback=_numbers,
    help="Comma-separated numbers of concurrent clients.",
)
@click.option(
    "--duration",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds each client runs per query and client count.",
)
@click.option(
    "--max-requests",
    type=int,
    default=100_000,
    show_default=True,
    help="Most requests per query and client count (all clients together).",
)
@click.option(
    "--rdflib-max-requests",
    type=int,
    default=100,
    show_default=True,
    help="The same cap for rdflib-endpoint, which is much slower.",
)
@click.option(
    "--rounds",
    type=int,
    default=5,
    show_default=True,
    help="Slices of each measurement in which ours and raw take turns.",
)
@click.option(
    "--workers",
    type=int,
    default=2,
    show_default=True,
    help="Query worker processes of our server (passerelles serve --workers).",
)
@click.option(
    "--warmup",
    type=int,
    default=50,
    show_default=True,
    help="Requests of each query sent before measuring (2 for rdflib-endpoint).",
)
@click.option(
    "--threads",
    is_flag=True,
    help="Run the clients as threads of one process, not one process each (see the README).",
)
@click.option(
    "--startup",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds a server may take to answer (10x for rdflib on synthetic data).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("bench/results/endpoint.csv"),
    show_default=True,
    help="CSV file of the results.",
)
def main(
    dataset: str,
    servers: str,
    clients: tuple[int, ...],
    duration: float,
    max_requests: int,
    rdflib_max_requests: int,
    rounds: int,
    workers: int,
    warmup: int,
    threads: bool,
    startup: float,
    out: Path,
) -> None:
    """Measure our endpoint against a raw Oxigraph server and rdflib-endpoint."""
    chosen = [s.strip() for s in servers.split(",") if s.strip()]
    if unknown := sorted(set(chosen) - set(SERVERS)):
        raise click.BadParameter(f"unknown server(s): {', '.join(unknown)}", param_hint="servers")
    if "rdflib" in chosen and not RDFLIB_ENDPOINT.exists():
        raise click.ClickException(f"{RDFLIB_ENDPOINT} is missing: run `make bench`")
    started = time.monotonic()

    def progress(step: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f}s] {step}", err=True)

    plan = Plan(
        clients,
        duration,
        max_requests,
        warmup,
        not threads,
        rdflib_max_requests,
        startup,
        rounds,
        workers,
    )
    progress(f"machine: {machine()}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
        for name in DATASETS if dataset == "all" else (dataset,):
            prepared = prepare(name, progress)
            # ours and raw take turns; rdflib-endpoint, much slower, is measured on its own.
            for group in (
                [s for s in chosen if s != "rdflib"],
                [s for s in chosen if s == "rdflib"],
            ):
                rows += bench_group(group, prepared, plan, progress, Path(logs)) if group else []
    records = with_ratios(rows)
    write_csv(records, out)
    click.echo(table(records))
    click.echo("\nGoals:\n" + "\n".join(goals(records)))
    click.echo(f"\nMachine: {machine()}. CSV: {out}")


if __name__ == "__main__":
    main()
