"""The query mix and the load loop: clients that send it and what they saw.

Every request of a run is different: a SPARQL query binds the next parameter and ends
with a LIMIT of its own (always above the answer's size), so no cache can flatter a
figure; a page is the next organisation's. Clients keep one HTTP connection open each;
with several, each runs in a process of its own, so the Python client holds back the
fastest server less (see the README).
"""

from __future__ import annotations

import http.client
import math
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
HTML = "text/html"
FORM = "application/x-www-form-urlencoded"
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
class Endpoint:
    """A running target: where its SPARQL endpoint is, and whether it has HTML pages."""

    target: str
    port: int
    path: str
    pages: bool


@dataclass(frozen=True)
class Query:
    """One item of the mix: SPARQL text with ``{iri}`` and ``{limit}``, or a page path."""

    name: str
    param: str  # key of Prepared.params
    accept: str
    template: str
    page: bool = False  # a GET of our HTML page, not a SPARQL query

    def request(self, endpoint: Endpoint, params: list[str], k: int) -> tuple[str, str, bytes]:
        """Method, path and body of the ``k``-th request of a run."""
        iri = params[k % len(params)]
        if self.page:
            return "GET", self.template.replace("{slug}", iri.rsplit("/", 1)[1]), b""
        text = self.template.replace("{iri}", iri).replace("{limit}", str(1_000_000 + k))
        return "POST", endpoint.path, urllib.parse.urlencode({"query": text}).encode("ascii")

    def headers(self) -> dict[str, str]:
        return {"Accept": self.accept} | ({} if self.page else {"Content-Type": FORM})


def who_met_whom() -> str:
    """queries/who-met-whom.rq with the person inlined as VALUES, as the peers need it."""
    lines = (ROOT / "queries" / "who-met-whom.rq").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("# "))
    text = text.replace("WHERE {", "WHERE {\n  VALUES ?person { <{iri}> }", 1)
    return text.rstrip() + "\nLIMIT {limit}\n"


QUERIES = {
    q.name: q
    for q in (
        # DESCRIBE first: rdflib-endpoint answers it fast, and is restarted only once it
        # has kept a request past the cap, as the others make it do.
        Query("describe", "organisation", TURTLE, "DESCRIBE <{iri}> LIMIT {limit}\n"),
        Query("who-met-whom", "person", JSON, who_met_whom()),
        Query("aggregate", "region", JSON, AGGREGATE),
        Query("page", "organisation", HTML, "/page/organisation/{slug}", page=True),
    )
}


def send(endpoint: Endpoint, request: tuple[str, str, bytes], query: Query, timeout: float
         ) -> tuple[int, bytes]:  # fmt: skip
    """One request on a connection of its own: status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=timeout)
    try:
        method, path, body = request
        conn.request(method, path, body or None, query.headers())
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class ClientRun:
    """What one client (or several, merged) saw."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    finished: float = 0.0  # seconds from the common start to the last answer
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
    cap: float  # seconds a request may take


def client(job: Job) -> ClientRun:
    """Send requests over one keep-alive connection until the time or the count runs out."""
    run, headers = ClientRun(), job.query.headers()
    while time.monotonic() < job.start_at:
        time.sleep(0.001)
    cpu = time.thread_time()
    conn = http.client.HTTPConnection("127.0.0.1", job.endpoint.port, timeout=job.cap)
    for k in job.ks:
        if time.monotonic() >= job.stop_at:
            break
        method, path, body = job.query.request(job.endpoint, job.params, k)
        sent = time.perf_counter()
        try:
            conn.request(method, path, body or None, headers)
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
    run.finished, run.cpu = time.monotonic() - job.start_at, time.thread_time() - cpu
    return run


def run_clients(
    endpoint: Endpoint,
    query: Query,
    params: list[str],
    clients: int,
    duration: float,
    count: int,
    first: int,
    cap: float,
) -> ClientRun:
    """What ``clients`` clients saw together in ``duration`` seconds or ``count`` requests.

    Client ``i`` sends requests ``first + i``, ``first + i + clients``…: no two alike.
    """
    processes = clients > 1
    start = time.monotonic() + (0.5 if processes else 0.05)  # time to fork the clients
    last = first + max(1, count // clients) * clients
    jobs = [
        Job(endpoint, query, params, range(first + i, last, clients), start, start + duration, cap)
        for i in range(clients)
    ]
    with (ProcessPoolExecutor if processes else ThreadPoolExecutor)(clients) as executor:
        runs = list(executor.map(client, jobs))
    return ClientRun(
        [x for run in runs for x in run.latencies],
        sum(run.errors for run in runs),
        sum(run.timeouts for run in runs),
        max(run.finished for run in runs),
        sum(run.cpu for run in runs),
        next((run.first_error for run in runs if run.first_error), ""),
    )


@dataclass(frozen=True)
class Row:
    """One measurement: a dataset, a target, a query, a number of clients."""

    dataset: str
    target: str
    query: str
    clients: int
    requests: int = 0
    errors: int = 0
    timeouts: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    throughput: float | None = None
    client_cpu: float | None = None  # share of the wall time the clients spent on the CPU
    answer: int | None = None  # rows, triples or bytes of the answer to request 0
    cap_ms: float | None = None  # set if a request hit the cap: percentiles there are lower bounds
    note: str = ""


def summarise(
    dataset: str, target: str, query: str, clients: int, runs: list[ClientRun], cap: float
) -> Row:
    """One row from the runs of one measurement (several if targets took turns)."""
    # A request that timed out counts as the cap: the percentiles are then lower bounds.
    timeouts = sum(run.timeouts for run in runs)
    latencies = sorted([x for run in runs for x in run.latencies] + [cap] * timeouts)
    done, errors = len(latencies) - timeouts, sum(run.errors for run in runs)
    wall, cpu = sum(run.finished for run in runs), sum(run.cpu for run in runs)
    note = next((run.first_error for run in runs if run.first_error), "")
    if timeouts:
        note = f"{timeouts} request(s) over the {cap:g} s cap, counted as {cap:g} s"
    return Row(
        dataset,
        target,
        query,
        clients,
        done + errors + timeouts,
        errors,
        timeouts,
        quantile(latencies, 0.50),
        quantile(latencies, 0.95),
        quantile(latencies, 0.99),
        round(done / wall, 2) if wall > 0 else 0.0,
        round(cpu / (wall * clients), 3) if wall > 0 else 0.0,
        cap_ms=cap * 1000 if timeouts else None,
        note=note,
    )


def quantile(values: list[float], q: float) -> float | None:
    """The nearest-rank quantile of sorted ``values``, in milliseconds."""
    if not values:
        return None
    return round(values[max(0, math.ceil(q * len(values)) - 1)] * 1000, 3)
