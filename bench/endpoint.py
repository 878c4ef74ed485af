"""The benchmark suite: our endpoint beside a raw Oxigraph server and rdflib-endpoint.

One run serves the same generated data (100k and 1M triples by default) from every
target of ``bench/targets.py`` — our server on its embedded store and in front of a
remote ``oxigraph serve``, a raw ``oxigraph serve-read-only``, rdflib-endpoint — and
sends each the query mix of ``bench/clients.py`` (who-met-whom for one person, DESCRIBE
of one organisation, an aggregate, and our HTML page of an organisation) at 1 and 8
concurrent clients. The fast targets take turns slice by slice, so that a change in the
machine's load hits them alike; rdflib-endpoint, far slower, is measured after them with
fewer requests. It prints p50/p95/p99 latency, throughput and the ratios (ours/raw,
rdflib/ours) with the goals met or not, and writes a CSV and a PNG plot.

Run it from the project folder: ``.venv/bin/python -m bench.endpoint --help``.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import click
import pyoxigraph as ox

from bench import report
from bench.clients import JSON, QUERIES, ClientRun, Endpoint, Query, Row, run_clients, send
from bench.clients import summarise as summarise_runs
from bench.datasets import Prepared, Progress, prepare, triples_of
from bench.targets import RDFLIB_ENDPOINT, TARGETS, Servers

DEFAULT_TARGETS = ("ours", "ours-remote", "raw", "rdflib")


@dataclass(frozen=True)
class Plan:
    clients: tuple[int, ...]
    duration: float  # seconds per query and client count, for each target
    max_requests: int  # per query and client count, all clients together
    slow_max_requests: int  # the same for rdflib-endpoint
    warmup: float  # seconds of requests of each query before measuring
    startup: float  # seconds a target may take to answer (10× for rdflib-endpoint)
    rounds: int  # slices of each measurement, in which the fast targets take turns
    workers: int  # query worker processes of our server
    cap: float  # seconds a request may take: a slower one counts as the cap


def measure(
    endpoint: Endpoint,
    query: Query,
    params: list[str],
    clients: int,
    duration: float,
    count: int,
    cap: float = 30.0,
    first: int = 0,
) -> Row:
    """Run ``clients`` clients for ``duration`` seconds, ``count`` requests at most in all."""
    run = run_clients(endpoint, query, params, clients, duration, count, first, cap)
    return summarise_runs("", endpoint.target, query.name, clients, [run], cap)


def answer_size(endpoint: Endpoint, query: Query, params: list[str], cap: float) -> int:
    """Rows, triples or bytes of the answer to request 0: the same on every target."""
    status, body = send(endpoint, query.request(endpoint, params, 0), query, cap)
    if status != 200:
        raise click.ClickException(f"{endpoint.target} answered {status} to {query.name}")
    if query.page:
        return len(body)
    if query.accept == JSON:
        return len(json.loads(body)["results"]["bindings"])
    # rdflib-endpoint 0.6.3 writes DESCRIBE answers as RDF/XML whatever the Accept header.
    xml = body.lstrip().startswith(b"<?xml")
    return len(list(ox.parse(body, format=ox.RdfFormat.RDF_XML if xml else ox.RdfFormat.TURTLE)))


def warm_up(servers: Servers, name: str, query: Query, params: list[str], plan: Plan
            ) -> int | None:  # fmt: skip
    """Warm ``name`` up; the size of its answer to request 0, or None if it hit the cap."""
    endpoint = servers.get(name)
    slow = TARGETS[name].slow
    # The first page requests of each of our processes read the per-build indexes (10 s
    # and more at 1M triples, longer when several requests do it at once): up to
    # --startup. A slow target's warm-up tells whether the query fits under the cap.
    cap = plan.cap if slow else max(plan.cap, plan.startup)
    try:
        size = answer_size(endpoint, query, params, cap)
        # Warm-up requests are numbered apart, so they repeat none of the measured ones.
        # As many connections as the most clients measured, so that each process of a
        # target with several (gunicorn) is warm before measuring.
        clients, count = (1, 2) if slow else (max(plan.clients), 1000)
        row = measure(endpoint, query, params, clients, plan.warmup, count, cap, 90_000_000)
        if not row.timeouts:
            return size
    except TimeoutError:
        pass
    servers.progress(f"{servers.prepared.name}/{name}/{query.name}: over the cap, restarting")
    servers.stop(name)
    return None


def capped(dataset: str, target: str, query: str, clients: int, cap: float) -> Row:
    """The row of a measurement skipped because a request took longer than the cap."""
    bound = cap * 1000
    note = f"not run: a request took over the {cap:g} s cap (percentiles are lower bounds)"
    return Row(dataset, target, query, clients, 1, 0, 1, bound, bound, bound, 0.0, 0.0,
               cap_ms=bound, note=note)  # fmt: skip


def bench_query(
    servers: Servers, group: list[str], query: Query, plan: Plan, progress: Progress
) -> list[Row]:
    """One query at every client count on the targets of ``group``, taking turns."""
    prepared = servers.prepared
    params = prepared.params[query.param]
    sizes = {name: warm_up(servers, name, query, params, plan) for name in group}
    live = [name for name in group if sizes[name] is not None]
    rows: list[Row] = []
    for n, clients in enumerate(plan.clients):
        runs: dict[str, list[ClientRun]] = {name: [] for name in group}
        rounds = plan.rounds if len(group) > 1 else 1
        for r in range(rounds):
            for name in list(live):
                slow = TARGETS[name].slow
                count = (plan.slow_max_requests if slow else plan.max_requests) // rounds
                run = run_clients(servers.get(name), query, params, clients,
                                  plan.duration / rounds, count,
                                  n * 10_000_000 + r * 1_000_000, plan.cap)  # fmt: skip
                runs[name].append(run)
                if run.timeouts:  # more requests would only wait longer
                    servers.stop(name)
                    live.remove(name)
        for name in group:
            if runs[name]:
                row = summarise_runs(prepared.name, name, query.name, clients, runs[name], plan.cap)
                row = replace(row, answer=sizes[name])
            else:
                row = capped(prepared.name, name, query.name, clients, plan.cap)
            rows.append(row)
            progress(f"{prepared.name}/{name}/{query.name}/{clients}: {summary(row)}")
    return rows


def bench_dataset(
    prepared: Prepared, chosen: list[str], plan: Plan, progress: Progress, logs: Path
) -> list[Row]:
    """Every query at every client count on every chosen target."""
    rows: list[Row] = []
    # The fast targets take turns; rdflib-endpoint, much slower, is measured on its own.
    for group in ([t for t in chosen if not TARGETS[t].slow],
                  [t for t in chosen if TARGETS[t].slow]):  # fmt: skip
        if not group:
            continue
        with Servers(prepared, plan.startup, plan.workers, progress, logs) as servers:
            for query in QUERIES.values():
                able = [t for t in group if TARGETS[t].pages or not query.page]
                rows += [Row(prepared.name, t, query.name, c, note="N/A")
                         for t in group if t not in able for c in plan.clients]  # fmt: skip
                if able:
                    rows += bench_query(servers, able, query, plan, progress)
    return rows


def summary(row: Row) -> str:
    return (
        f"{row.requests} requests, p50 {row.p50_ms} ms, p95 {row.p95_ms} ms, "
        f"p99 {row.p99_ms} ms, {row.throughput} req/s, {row.errors} errors, "
        f"{row.timeouts} timeouts, client CPU {row.client_cpu:.0%}"
        + (f" ({row.note})" if row.note else "")
    )


def _words(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    return [word.strip() for word in value.split(",") if word.strip()]


def _numbers(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        numbers = tuple(int(x) for x in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of numbers") from None
    if not numbers or min(numbers) < 1:
        raise click.BadParameter("client counts must be at least 1")
    return numbers


def check(datasets: list[str], targets: list[str]) -> None:
    """Usage errors before anything starts."""
    for label in datasets:
        try:
            triples_of(label)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--datasets") from None
    if unknown := sorted(set(targets) - set(TARGETS)):
        raise click.BadParameter(
            f"unknown target(s): {', '.join(unknown)}; known: {', '.join(TARGETS)}",
            param_hint="--targets",
        )
    if "rdflib" in targets and not RDFLIB_ENDPOINT.exists():
        raise click.ClickException(f"{RDFLIB_ENDPOINT} is missing: run `make bench`")


@click.command()
@click.option(
    "--datasets",
    default="100k,1m",
    show_default=True,
    callback=_words,
    help="Comma-separated sizes of generated graphs, in triples (e.g. 20k, 1m).",
)
@click.option(
    "--targets",
    default=",".join(DEFAULT_TARGETS),
    show_default=True,
    callback=_words,
    help=f"Comma-separated targets, of: {', '.join(TARGETS)}.",
)
@click.option(
    "--clients",
    default="1,8",
    show_default=True,
    callback=_numbers,
    help="Comma-separated numbers of concurrent clients.",
)
@click.option(
    "--duration",
    type=float,
    default=6.0,
    show_default=True,
    help="Seconds of requests per target, query and client count.",
)
@click.option(
    "--max-requests",
    type=int,
    default=100_000,
    show_default=True,
    help="Most requests per target, query and client count (all clients together).",
)
@click.option(
    "--slow-max-requests",
    type=int,
    default=50,
    show_default=True,
    help="The same for rdflib-endpoint, which is much slower.",
)
@click.option(
    "--rounds",
    type=int,
    default=4,
    show_default=True,
    help="Slices of each measurement, in which the fast targets take turns.",
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
    type=float,
    default=1.0,
    show_default=True,
    help="Seconds of requests of each query before measuring (2 requests for rdflib).",
)
@click.option(
    "--cap",
    type=float,
    default=20.0,
    show_default=True,
    help="Seconds a request may take; a slower one is reported as ≥ the cap.",
)
@click.option(
    "--startup",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds a target may take to start (10× for rdflib-endpoint), and each of our "
    "targets to answer its warm-up requests.",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench/data"),
    show_default=True,
    help="Folder of the prepared data (made once per size, then reused).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("bench/results/endpoint.csv"),
    show_default=True,
    help="CSV file of the results; the plot goes beside it as .png.",
)
def main(datasets: list[str], targets: list[str], clients: tuple[int, ...], duration: float,
         max_requests: int, slow_max_requests: int, rounds: int, workers: int, warmup: float,
         cap: float, startup: float, data: Path, out: Path) -> None:  # fmt: skip
    """Measure our endpoint against a raw Oxigraph server and rdflib-endpoint."""
    check(datasets, targets)
    plan = Plan(clients, duration, max_requests, slow_max_requests, warmup, startup,
                rounds, workers, cap)  # fmt: skip
    started = time.monotonic()

    def progress(step: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f}s] {step}", err=True)

    progress(f"machine: {report.machine()}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
        names = []
        for label in datasets:
            prepared = prepare(label, data, progress)
            names.append(prepared.name)
            rows += bench_dataset(prepared, targets, plan, progress, Path(logs))
    records = report.with_ratios(rows, names, targets)
    report.write_csv(records, out)
    where = f"{report.machine()}; {time.monotonic() - started:.0f} s in all"
    report.plot(records, targets, out.with_suffix(".png"), where)
    click.echo(report.table(records))
    checks = report.goals(records)
    click.echo("\nGoals:\n" + "\n".join(report.goal_lines(checks)))
    click.echo("\n" + report.goal_table(checks))
    click.echo(f"\nMachine: {where}. CSV: {out}, plot: {out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
