"""The build at scale: generate N triples, build them, serve a page; time and memory per phase.

    .venv/bin/python bench/build.py --triples 1000000            # a table on stdout
    .venv/bin/python bench/build.py --triples 1000000,10000000 --readme

Runs the real commands, each in its own process: ``passerelles generate``, then
``passerelles build --root`` on its output (parse → rules → SHACL gate → publish),
then ``passerelles serve --get`` of an organisation's page (a dozen queries on the store).
The build's phases come from its own progress lines (``[ 12.3s] step…``); peak memory
is each process's maximum resident set (``wait4``). The goals are issue #6's: 1M
triples built, validated and served in under 60 s and 2 GiB; 10M in under 15 min.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datasets import triples_of  # noqa: E402
from bench.report import machine  # noqa: E402

BIN = Path(sys.executable).parent
DATA = ROOT / "bench" / "data"
README = ROOT / "bench" / "README.md"
GiB = 1 << 30
# Goal per size: (seconds for build + first page, peak bytes); None: no goal at that size.
GOALS = {1_000_000: (60.0, 2 * GiB), 10_000_000: (15 * 60.0, None)}
# The build's progress lines that start each phase (see kg/build.py).
PHASES = (
    ("parse", "Parsing"),
    ("rules", "Applying the derivation rules"),
    ("shacl", "Derived"),
    ("write", "Writing the store"),
)
# The first organisation of every generated graph; its page asks the store a dozen queries.
PAGE = "/page/organisation/org-000001"
LINE = re.compile(r"^\[\s*([\d.]+)s\] (.*)$")


@dataclass
class Run:
    """One command: wall time, peak resident memory, and its progress lines."""

    seconds: float
    peak: int  # bytes
    lines: list[str] = field(default_factory=list)
    cpu: float = 0.0  # user + system seconds: what the run costs, whatever else runs


@dataclass
class Measure:
    triples: int
    built: int  # quads in the built store
    generate: Run
    build: Run
    serve: Run
    phases: dict[str, float]  # phase -> seconds
    engine: str

    @property
    def total(self) -> float:
        """Wall seconds from sources to a served page."""
        return self.build.seconds + self.serve.seconds

    @property
    def peak(self) -> int:
        return max(self.generate.peak, self.build.peak, self.serve.peak)

    def goal(self) -> str:
        seconds, memory = GOALS.get(self.triples, (None, None))
        if seconds is None:
            return "—"
        met = self.total < seconds and (memory is None or self.peak < memory)
        limit = f"< {seconds:.0f} s" + (f", < {memory / GiB:.0f} GiB" if memory else "")
        return f"{limit}: {'met' if met else 'not met'}"


def run(command: list[str | Path]) -> Run:
    """Run a command to its end; its wall time, maxrss, and stderr then stdout lines."""
    started = time.monotonic()
    # stdout goes to a file: a page of hundreds of kB would fill a pipe nobody reads yet.
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen(
            [str(part) for part in command], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE
        )
        assert process.stderr is not None
        lines = []
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            click.echo(f"    {line}", err=True)
            lines.append(line)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        output = stdout.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise click.ClickException(f"{command[0]} {command[1]} failed: {output[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(time.monotonic() - started, usage.ru_maxrss * 1024, lines + output.splitlines(), cpu)


def phases(lines: list[str], total: float) -> dict[str, float]:
    """Seconds per phase, from the times the build printed at the start of each."""
    starts: dict[str, float] = {}
    for line in lines:
        found = LINE.match(line)
        if not found:
            continue
        for name, prefix in PHASES:
            if found[2].startswith(prefix) and name not in starts:
                starts[name] = float(found[1])
    names = [name for name, _ in PHASES if name in starts]
    ends = [starts[n] for n in names[1:]] + [total]
    return {name: end - starts[name] for name, end in zip(names, ends, strict=True)}


def measure(triples: int, seed: int, folder: Path) -> Measure:
    """Generate, build and serve ``triples`` triples in ``folder`` (made afresh)."""
    shutil.rmtree(folder, ignore_errors=True)
    store = folder / "store"
    click.echo(f"{triples:,} triples: generating", err=True)
    passerelles = BIN / "passerelles"
    generated = run([passerelles, "generate", "--triples", str(triples), "--seed", str(seed),
                     "--out", folder])  # fmt: skip
    click.echo(f"{triples:,} triples: building", err=True)
    built = run([passerelles, "build", "--root", folder, "--store", store])
    click.echo(f"{triples:,} triples: serving an organisation's page", err=True)
    served = run([passerelles, "serve", "--root", folder, "--store", store, "--get", PAGE])
    summary = next(line for line in built.lines if line.startswith("Built "))
    quads = int(re.search(r": ([\d,]+) quads", summary)[1].replace(",", ""))  # type: ignore[index]
    how = next((line for line in built.lines if "validated by" in line), "")
    engine = "SPARQL" if "SPARQL" in how else "pyshacl"
    return Measure(
        triples, quads, generated, built, served, phases(built.lines, built.seconds), engine
    )


HEADER = (
    "| triples | built quads | generate | parse | rules | SHACL | write | build | first page "
    "| build + page | CPU | peak memory | goal |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def row(m: Measure) -> str:
    cells = [
        f"{m.triples:,}",
        f"{m.built:,}",
        f"{m.generate.seconds:.1f} s",
        *(f"{m.phases.get(name, 0.0):.1f} s" for name, _ in PHASES),
        f"{m.build.seconds:.1f} s",
        f"{m.serve.seconds:.1f} s",
        f"{m.total:.1f} s",
        f"{m.build.cpu + m.serve.cpu:.1f} s",
        f"{m.peak / 2**20:,.0f} MiB",
        m.goal(),
    ]
    return "| " + " | ".join(cells) + " |"


def table(measures: list[Measure]) -> str:
    return "\n".join([HEADER, *(row(m) for m in measures)])


def sizes(_ctx: click.Context, _param: click.Parameter, value: str) -> list[int]:
    try:
        found = [triples_of(part) for part in value.split(",")]
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    if any(size < 1000 for size in found):
        raise click.BadParameter("each size is at least 1000 triples")
    return found


@click.command()
@click.option(
    "--triples",
    default="1000000",
    show_default=True,
    callback=sizes,
    help="Sizes to measure, comma-separated (e.g. 1000000,10000000).",
)
@click.option("--seed", default=42, show_default=True, help="Seed of the generator.")
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=DATA,
    show_default=True,
    help="Folder for the generated projects and their stores (build-<size>/).",
)
@click.option("--readme", is_flag=True, help="Append the table to bench/README.md.")
def main(triples: list[int], seed: int, data: Path, readme: bool) -> None:
    """Measure `passerelles build` on generated data: time per phase and peak memory."""
    measures = [measure(size, seed, data / f"build-{size}") for size in triples]
    text = table(measures)
    engines = ", ".join(sorted({m.engine for m in measures}))
    note = f"Measured on {machine()} at the end of the run; SHACL by {engines}."
    click.echo(text)
    click.echo(note)
    if readme:
        with README.open("a", encoding="utf-8") as out:
            out.write(f"\n{text}\n\n{note}\n")


if __name__ == "__main__":
    main()
