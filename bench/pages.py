"""Page rendering benchmark: organisation pages of a 1M-triple synthetic graph, in-process.

The synthetic graph of ``kg/generate.py`` is written once to ``bench/data/synthetic-<n>.nt``
and bulk-loaded, beside the ontology and the glossary, into a store laid out as
``kg.store`` makes it (``new_build`` then ``publish``). The build's SHACL gate and
rules are skipped: the generator's output already holds what the rules derive, and
the gate takes minutes at this size. Then ``create_app`` serves that store and the
Flask test client asks for ``/page/organisation/<slug>`` of many organisations (each
once, after a warm-up that also reads the per-build indexes): the whole path of a
request but the socket. For comparison, the same organisations' page queries are
timed on pyoxigraph directly, in this process, without the query workers.

    .venv/bin/python bench/pages.py                    # 300 pages, a table on stdout
    .venv/bin/python bench/pages.py --readme           # and the table into bench/README.md
    .venv/bin/python bench/pages.py --profile 100      # and where the time of 100 pages goes
"""

from __future__ import annotations

import cProfile
import io
import platform
import pstats
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import click
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datasets import fingerprint, load_generated  # noqa: E402
from bench.report import machine  # noqa: E402
from kg.generate import sample_iris  # noqa: E402
from kg.queries import Substitutions, load_queries  # noqa: E402

README = ROOT / "bench" / "README.md"
GOAL_MS = 10.0
RAW_QUERIES = ("outgoing", "incoming", "organisation")  # what an organisation page asks


@dataclass(frozen=True)
class Timing:
    what: str
    samples: list[float]  # seconds

    def row(self) -> str:
        ms = sorted(s * 1000 for s in self.samples)
        p95 = ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)]
        return (
            f"| {self.what} | {len(ms)} | {statistics.median(ms):.2f} | {p95:.2f} | {ms[-1]:.2f} |"
        )


def prepared_store(triples: int, seed: int, progress: Callable[[str], None]) -> Path:
    """The store of the synthetic graph, made once per size, seed and generator."""
    folder = ROOT / "bench" / "data" / f"pages-{triples}-{seed}"
    store, stamp = folder / "store", folder / "prepared.json"
    wanted = fingerprint(triples, seed)
    if store.exists() and stamp.exists() and stamp.read_text() == wanted:
        return store
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    load_generated(store, triples, progress, seed)
    stamp.write_text(wanted)
    return store


def time_each(call: Callable[[str], object], items: Iterable[str]) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        call(item)
        samples.append(time.perf_counter() - started)
    return samples


def raw_queries(store_path: Path, iris: list[str]) -> Timing:
    """The page's queries on pyoxigraph itself: no worker, no serialisation, no Python page."""
    queries = load_queries(ROOT / "queries" / "pages")
    texts = [queries[name].text for name in RAW_QUERIES if name in queries]
    store = ox.Store.read_only(str(store_path.resolve()))

    def run(iri: str) -> None:
        bound: Substitutions = {ox.Variable("resource"): ox.NamedNode(iri)}
        for text in texts:
            rows = store.query(text, use_default_graph_as_union=True, substitutions=bound)
            assert isinstance(rows, ox.QuerySolutions)
            list(rows)

    run(iris[0])
    names = " + ".join(n for n in RAW_QUERIES if n in queries)
    return Timing(f"raw pyoxigraph: {names}.rq", time_each(run, iris))


def served(store: Path, cold: list[str], timed: list[str], extra: list[str]) -> list[Timing]:
    """Pages (and the pictures' JSON) through the app, as the server answers them."""
    from server import close, create_app

    app = create_app({"store": str(store)})
    client = app.test_client()

    def get(path: str) -> None:
        response = client.get(path, headers={"Accept-Language": "fr"})
        assert response.status_code == 200, (path, response.status_code)

    page = {iri: "/page/organisation/" + iri.rsplit("/", 1)[1] for iri in cold + timed + extra}
    try:
        started = time.perf_counter()
        get(page[cold[0]])
        cold_s = time.perf_counter() - started
        click.echo(f"first page (reads the per-build indexes): {cold_s:.1f} s", err=True)
        for iri in cold[1:]:
            get(page[iri])
        timings = [
            Timing(
                "organisation page, Flask test client, 2 query workers",
                time_each(lambda iri: get(page[iri]), timed),
            )
        ]
        for prefix, what in (
            ("/-/places.json?about=", "its places (JSON)"),
            ("/-/network.json?around=", "its network (JSON)"),
        ):
            paths = [prefix + iri for iri in timed[:100]]
            timings.append(Timing(f"{what}, `{prefix}…`", time_each(get, paths)))
        if extra:
            profile(get, [page[iri] for iri in extra])
    finally:
        close(app)
    return timings


@click.command()
@click.option("--triples", default=1_000_000, show_default=True, help="Size of the graph.")
@click.option("--seed", default=42, show_default=True, help="Seed of the generator.")
@click.option("--pages", default=300, show_default=True, help="Organisation pages timed.")
@click.option("--warmup", default=30, show_default=True, help="Pages asked before timing.")
@click.option("--profile", "profiled", default=0, help="Profile this many more pages.")
@click.option("--readme", is_flag=True, help="Append the table to bench/README.md.")
def main(triples: int, seed: int, pages: int, warmup: int, profiled: int, readme: bool) -> None:
    """Time organisation pages of a synthetic graph; the goal is a median of 10 ms."""
    store = prepared_store(triples, seed, lambda text: click.echo(text, err=True))
    sample = sample_iris(triples, seed, size=warmup + pages + profiled)["organisation"]
    if len(sample) < warmup + pages + profiled:
        raise click.ClickException(f"only {len(sample)} organisations to sample")
    cold, timed, extra = sample[:warmup], sample[warmup : warmup + pages], sample[warmup + pages :]
    timings = served(store, cold, timed, extra)
    timings.append(raw_queries(store, timed))
    report(timings, triples, seed, readme)


def profile(get: Callable[[str], None], paths: list[str]) -> None:
    """Where the time of some more pages goes (cumulative, on stderr)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    click.echo(out.getvalue(), err=True)


def report(timings: list[Timing], triples: int, seed: int, readme: bool) -> None:
    median = statistics.median(timings[0].samples) * 1000
    verdict = "met" if median <= GOAL_MS else "NOT met"
    lines = [
        f"Organisation pages of the {triples:,}-triple synthetic graph (seed {seed}), "
        f"{machine()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}.",
        "",
        "| what | n | median ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
        *(t.row() for t in timings),
        "",
        f"Goal: a median of at most {GOAL_MS:g} ms per page: **{verdict}** ({median:.2f} ms).",
    ]
    text = "\n".join(lines)
    click.echo(text)
    if readme:
        with README.open("a", encoding="utf-8") as out:
            out.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
