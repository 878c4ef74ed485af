"""The benchmark's report: ratios, goals met or not, a Markdown table, a CSV and a plot."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.clients import Row
from bench.datasets import triples_of

GOAL_RAW = 1.5  # ours within 1.5× of raw Oxigraph: p50 and throughput
GOAL_RDFLIB = 20.0  # rdflib-endpoint's p50 at least 20× ours…
GOAL_RDFLIB_TRIPLES = 1_000_000  # …at 1M triples
RATIOS = ("p50_over_raw", "throughput_over_raw", "rdflib_p50_over_this")
COLUMNS = ("dataset", "target", "query", "clients", "requests", "errors", "timeouts", "p50_ms",
           "p95_ms", "p99_ms", "throughput", "client_cpu", "answer", *RATIOS)  # fmt: skip
Record = dict[str, object]


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def at_cap(row: Row, value: float | None) -> bool:
    """Whether a percentile of ``row`` is a request that hit the cap: a lower bound."""
    return row.cap_ms is not None and value is not None and value >= row.cap_ms


def with_ratios(rows: list[Row], datasets: list[str], targets: list[str]) -> list[Record]:
    """Rows as dicts, in a stable order, with the ratios of their (dataset, query, clients)."""
    index = {(r.dataset, r.query, r.clients, r.target): r for r in rows}
    queries = list(dict.fromkeys(r.query for r in rows))
    ordered = sorted(rows, key=lambda r: (datasets.index(r.dataset), queries.index(r.query),
                                          r.clients, targets.index(r.target)))  # fmt: skip
    records = []
    for row in ordered:
        # a peer is not compared with itself
        raw, rdflib = (
            None if row.target == peer else index.get((row.dataset, row.query, row.clients, peer))
            for peer in ("raw", "rdflib")
        )
        record: Record = asdict(row)
        record["p50_over_raw"] = ratio(row.p50_ms, raw.p50_ms if raw else None)
        record["throughput_over_raw"] = ratio(row.throughput, raw.throughput if raw else None)
        record["rdflib_p50_over_this"] = ratio(rdflib.p50_ms if rdflib else None, row.p50_ms)
        # rdflib's p50 at the cap is a lower bound, and so is the ratio
        record["rdflib_capped"] = bool(rdflib and at_cap(rdflib, rdflib.p50_ms))
        records.append(record)
    return records


@dataclass(frozen=True)
class Check:
    """One goal checked on one measurement of one of our targets."""

    goal: str
    target: str
    dataset: str
    case: str  # query and clients
    shown: str  # the ratio, "≥ x" for a lower bound
    met: bool | None  # None: not measured


def goals(records: list[Record]) -> list[Check]:
    """Every goal on every measurement of our targets that it applies to."""
    out: list[Check] = []
    for r in records:
        if r["target"] in ("raw", "rdflib") or r["note"] == "N/A" or r["query"] == "page":
            continue  # the peers have no pages to compare ours with
        where = (str(r["target"]), str(r["dataset"]), f"{r['query']} {r['clients']}")
        checks: list[tuple[str, object, bool, Callable[[float], bool]]] = [
            (f"p50 ours/raw ≤ {GOAL_RAW:g}", r["p50_over_raw"], False, lambda x: x <= GOAL_RAW),
            (f"throughput ours/raw ≥ 1/{GOAL_RAW:g}", r["throughput_over_raw"], False,
             lambda x: x >= 1 / GOAL_RAW),
        ]  # fmt: skip
        if triples_of(str(r["dataset"]).removeprefix("synthetic-")) >= GOAL_RDFLIB_TRIPLES:
            checks.append((f"p50 rdflib/ours ≥ {GOAL_RDFLIB:g} at 1M", r["rdflib_p50_over_this"],
                           bool(r["rdflib_capped"]), lambda x: x >= GOAL_RDFLIB))  # fmt: skip
        for goal, value, bound, test in checks:
            if not isinstance(value, float):
                out.append(Check(goal, *where, "", None))
                continue
            out.append(Check(goal, *where, f"≥ {value}" if bound else str(value), test(value)))
    return out


def goal_lines(checks: list[Check]) -> list[str]:
    """Each goal: how many cases meet it, then each case."""
    lines = []
    for goal in dict.fromkeys(c.goal for c in checks):
        cases = [c for c in checks if c.goal == goal]
        lines.append(f"{goal}: met in {sum(1 for c in cases if c.met)} of {len(cases)} cases")
        for c in cases:
            verdict = "not measured" if c.met is None else "met" if c.met else "NOT MET"
            lines.append(f"  {c.target}, {c.dataset}, {c.case} client(s): {c.shown} {verdict}")
    return lines


def goal_table(checks: list[Check]) -> str:
    """Goal × dataset × target against query × clients: each ratio, **bold** if not met."""
    cases = list(dict.fromkeys(c.case for c in checks))
    goals = list(dict.fromkeys(c.goal for c in checks))
    rows = sorted(dict.fromkeys((c.goal, c.dataset, c.target) for c in checks),
                  key=lambda row: goals.index(row[0]))  # fmt: skip
    lines = ["| goal | dataset | target | " + " | ".join(cases) + " | met |",
             "|" + "---|" * (len(cases) + 4)]  # fmt: skip
    for key in rows:
        found = {c.case: c for c in checks if (c.goal, c.dataset, c.target) == key}
        cells = [
            "" if case not in found else found[case].shown if found[case].met
            else f"**{found[case].shown or 'n/a'}**"
            for case in cases
        ]  # fmt: skip
        met = sum(1 for c in found.values() if c.met)
        lines.append("| " + " | ".join([*key, *cells])
                     + f" | {met} of {len(found)} |")  # fmt: skip
    return "\n".join(lines)


def _cell(record: Record, column: str) -> str:
    value = record[column]
    if record["note"] == "N/A" and column not in ("dataset", "target", "query", "clients"):
        return "N/A"
    if value is None:
        return ""
    cap = record["cap_ms"]
    lower_bound = (isinstance(cap, float) and isinstance(value, float) and value >= cap
                   and column.endswith("_ms")) or (
        column == "rdflib_p50_over_this" and record["rdflib_capped"]
    )  # fmt: skip
    return f"≥ {value}" if lower_bound else str(value)


def table(records: list[Record]) -> str:
    """A Markdown table of the records (the README takes it as it is)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    return "\n".join(lines + ["| " + " | ".join(_cell(r, c) for c in COLUMNS) + " |"
                              for r in records])  # fmt: skip


def write_csv(records: list[Record], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        fields = [*COLUMNS, "cap_ms", "rdflib_capped", "note"]
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def plot(records: list[Record], targets: list[str], out: Path, title: str) -> None:
    """p50 latency and throughput per query and client count, one row per dataset."""
    import matplotlib

    matplotlib.use("Agg")  # no display: write a file
    import matplotlib.pyplot as plt

    datasets = list(dict.fromkeys(str(r["dataset"]) for r in records))
    cases = list(dict.fromkeys(f"{r['query']}\n{r['clients']} client(s)" for r in records))
    figure, axes = plt.subplots(len(datasets), 2, figsize=(16, 4.5 * len(datasets)), squeeze=False)
    width = 0.8 / len(targets)
    for row, dataset in enumerate(datasets):
        for col, (metric, label) in enumerate((("p50_ms", "p50 latency (ms)"),
                                               ("throughput", "throughput (req/s)"))):  # fmt: skip
            ax = axes[row][col]
            for t, target in enumerate(targets):
                xs, ys = [], []
                for r in records:
                    case = f"{r['query']}\n{r['clients']} client(s)"
                    if r["dataset"] == dataset and r["target"] == target and r[metric]:
                        xs.append(cases.index(case) + (t - (len(targets) - 1) / 2) * width)
                        ys.append(float(r[metric]))  # type: ignore[arg-type]
                ax.bar(xs, ys, width, label=target)
            ax.set_yscale("log")
            ax.set_xticks(range(len(cases)), cases, fontsize=7)
            ax.set_title(f"{dataset}: {label}", fontsize=10)
            ax.grid(axis="y", which="both", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    note = "page: our targets only (N/A for the peers); a bar at the cap is a lower bound"
    figure.suptitle(f"{title}\n{note}", fontsize=9)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=90)
    plt.close(figure)


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
    when = datetime.now(UTC)
    return f"{os.cpu_count()} CPUs ({model}), load average {load}, {when:%Y-%m-%d %H:%M} UTC"
