"""The import benchmark: `passerelles import` of a generated SIRENE-schema CSV.

    python bench/import.py --rows 1000000 --seed 7 --work var/bench-import

1. Writes ``--rows`` rows in the column schema of SIRENE's StockUniteLegale file to
   ``WORK/sirene.csv``, streamed, the same bytes for the same seed and size. Mostly
   associations and cooperatives; 1 row in 20 has ceased, 1 in 500 has a SIREN with a
   wrong check digit, 1 in 500 repeats a SIREN: the import reports and skips those.
2. Builds the project's real data into a scratch store ``WORK/store``.
3. Runs ``passerelles import WORK/sirene.csv --profile sirene --store WORK/store`` in a
   child process and reports its wall time, CPU time, the rows per second and its peak
   resident memory (``getrusage`` of a wrapper process's only child), and the time of
   each step from its progress lines: the import itself, the rules, compacting the
   store, the SHACL gate (over the whole store here: the import is most of it), writing.
4. Runs the import step alone (``kg.imports.run_import``: read, check, map, reconcile,
   bulk-load) in another child, into a fresh on-disk store holding our sources, and
   reports the same figures for it.
5. The peer: Oxigraph's own bulk loader alone, loading the N-Triples the import made
   (dumped from the store, not timed) into a fresh on-disk store holding our sources,
   in the import's batches, then flushing it (as the command does before publishing:
   RocksDB compacts the loaded files first), in a third child. Its rows/s is the most
   any import into this store can do on this machine, before reading, mapping or
   validating a row; ``command_to_store_load`` is the command's wall time over it.

Goal (issue #5): at least 20,000 rows/s, under 1 GiB.
"""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script
from kg.links import luhn_ok  # noqa: E402

COLUMNS = (
    "siren,statutDiffusionUniteLegale,dateCreationUniteLegale,sigleUniteLegale,"
    "sexeUniteLegale,prenom1UniteLegale,trancheEffectifsUniteLegale,"
    "etatAdministratifUniteLegale,nomUniteLegale,denominationUniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "economieSocialeSolidaireUniteLegale,caractereEmployeurUniteLegale"
).split(",")
# (legal form code, ESS flag): associations, SCOP, other cooperatives, SAS, SARL.
FORMS = [("9220", "O")] * 6 + [("5458", "O"), ("5460", "O"), ("5710", "N"), ("5499", "N")]
WORDS = """atelier solidaire cooperative velo jardin partage culture quartier energie
habitat recyclerie epicerie tiers lieu fabrique ecole musique theatre sport insertion
emploi reseau territoire commun local rural urbain avenir terre mer montagne""".split()
ACTIVITIES = ("94.99Z", "88.99B", "41.20A", "70.22Z", "56.10A", "90.01Z")
# A wrapper: runs the command given, then prints its only child's peak memory (KiB) and
# CPU seconds (user + system): on a shared machine the CPU time says more than the wall.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(use.ru_maxrss, use.ru_utime + use.ru_stime, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
STEP = re.compile(r"^\[\s*([0-9.]+)s\] (.*)$")
# The import step alone, in a child: argv = project root, CSV file, scratch store folder.
ROWS_ONLY = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "import pyoxigraph as ox\n"
    "from kg.imports import run_import\n"
    "from kg.sources import load_sources, source_files\n"
    "root, csv_path, folder = map(Path, sys.argv[1:])\n"
    "target = ox.Store(str(folder))\n"
    "load_sources(target, source_files(root))\n"
    "started = time.monotonic()\n"
    "result = run_import(root, target, csv_path, 'sirene')\n"
    "print(result.rows, time.monotonic() - started)\n"
)

# The peer: Oxigraph's bulk loader alone; argv = project root, N-Triples file, store folder.
STORE_ONLY = (
    "import sys, time\n"
    "from itertools import islice\n"
    "from pathlib import Path\n"
    "import pyoxigraph as ox\n"
    "from kg.importer import BATCH\n"
    "from kg.sources import load_sources, source_files\n"
    "root, nt, folder = map(Path, sys.argv[1:])\n"
    "target = ox.Store(str(folder))\n"
    "load_sources(target, source_files(root))\n"
    "graph = ox.NamedNode('https://w3id.org/passerelles/graph/import/sirene')\n"
    "started = time.monotonic()\n"
    "with nt.open('rb') as lines:\n"
    "    while batch := list(islice(lines, BATCH)):\n"
    "        target.bulk_load(b''.join(batch), ox.RdfFormat.N_TRIPLES, to_graph=graph)\n"
    "loaded = time.monotonic()\n"
    "target.flush()\n"
    "print(time.monotonic() - started, loaded - started)\n"
)


def siren(number: int, valid: bool = True) -> str:
    """The SIREN whose first 8 digits are ``number``: its check digit right, or wrong."""
    base = f"{number:08d}"
    digit = next(d for d in range(10) if luhn_ok(f"{base}{d}"))
    return f"{base}{digit if valid else (digit + 1) % 10}"


def rows(count: int, seed: int) -> Iterator[list[str]]:
    """``count`` rows of the SIRENE schema, deterministic for a seed."""
    rng = random.Random(seed)
    for n in range(count):
        code, ess = rng.choice(FORMS)
        number = n - 1 if n % 500 == 499 else n  # repeats the row before
        name = " ".join(rng.choices(WORDS, k=3)).upper() + f" {n}"
        yield [
            siren(10_000_000 + number, valid=n % 500 != 250),
            "O",
            f"{rng.randint(1950, 2024)}-{rng.randint(1, 12):02d}-01",
            "", "", "", "NN",
            "C" if n % 20 == 7 else "A",
            "",
            name,
            code,
            rng.choice(ACTIVITIES),
            ess,
            rng.choice("ON"),
        ]  # fmt: skip


def generate(path: Path, count: int, seed: int) -> None:
    """Write the CSV, streamed."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows(count, seed))


def passerelles(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("passerelles")), *args]


def steps(progress: str, wall_s: float) -> dict[str, float]:
    """Seconds from each step of the command's progress lines to the next (the last: to
    the end of the process, its exit included)."""
    found = [(float(m[1]), m[2]) for m in map(STEP.match, progress.splitlines())
             if m and not re.match(r"[0-9]+ rows read", m[2])]  # fmt: skip
    found.append((wall_s, "exit"))
    return {
        text[:50]: round(end - at, 2)
        for (at, text), (end, _) in zip(found, found[1:], strict=False)
    }


@dataclass(frozen=True)
class Measure:
    stdout: str
    stderr: str
    wall_s: float
    cpu_s: float
    peak_kib: int

    def figures(self, rows: int) -> dict[str, float]:
        return {
            "wall_s": round(self.wall_s, 2),
            "rows_per_s": round(rows / self.wall_s),
            "cpu_s": round(self.cpu_s, 2),
            "rows_per_cpu_s": round(rows / self.cpu_s),
            "peak_rss_mib": round(self.peak_kib / 1024),
        }


def measured(command: list[str]) -> Measure:
    """Run a command in the wrapper: its output, wall and CPU time, peak memory."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise click.ClickException(f"{' '.join(command[:3])} failed:\n{done.stderr[-4000:]}")
    peak_kib, cpu = done.stderr.strip().splitlines()[-1].split()
    return Measure(done.stdout, done.stderr, seconds, float(cpu), int(peak_kib))


def run(count: int, seed: int, work: Path) -> dict[str, object]:
    """Generate, build, import (the command, then the import step alone); the figures."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    csv_path, store = work / "sirene.csv", work / "store"
    started = time.monotonic()
    generate(csv_path, count, seed)
    generated = time.monotonic() - started
    subprocess.run(passerelles("build", "--store", str(store)), check=True, capture_output=True)
    command = measured(passerelles("import", str(csv_path), "--profile", "sirene",
                                   "--store", str(store), "--format", "json"))  # fmt: skip
    report = json.loads(command.stdout)
    alone = measured([sys.executable, "-c", ROWS_ONLY, str(ROOT), str(csv_path),
                      str(work / "rows-only")])  # fmt: skip
    step_s = float(alone.stdout.split()[1])
    nt = work / "import.nt"
    dump = "import sys, pyoxigraph as ox; ox.Store.read_only(sys.argv[1]).dump(sys.argv[2], "
    dump += "ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(sys.argv[3]))"
    subprocess.run([sys.executable, "-c", dump, str(store), str(nt), report["graph"]], check=True)
    peer = measured(
        [sys.executable, "-c", STORE_ONLY, str(ROOT), str(nt), str(work / "store-only")]
    )
    load_s, unflushed_s = map(float, peer.stdout.split())
    return {
        "rows": report["rows"],
        "imported": report["imported"],
        "skipped": report["skipped"],
        "generate_s": round(generated, 2),
        "command": command.figures(report["rows"]),
        "command_steps_s": steps(command.stderr, command.wall_s),
        # Its wall time: the step's own, without starting Python and loading our sources.
        "import_step_alone": alone.figures(report["rows"])
        | {"step_wall_s": round(step_s, 2), "step_rows_per_s": round(report["rows"] / step_s)},
        "store_load_alone": peer.figures(report["rows"])
        | {
            "load_wall_s": round(load_s, 2),
            "load_rows_per_s": round(report["rows"] / load_s),
            "of_which_bulk_loads_s": round(unflushed_s, 2),
        },
        "command_to_store_load": round(command.wall_s / load_s, 2),
    }


@click.command()
@click.option("--rows", "count", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Rows of the generated CSV.")  # fmt: skip
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the generator.")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path),
              default=ROOT / "var" / "bench-import", show_default=True,
              help="Folder for the CSV and the scratch stores (emptied first).")  # fmt: skip
def main(count: int, seed: int, work: Path) -> None:
    """Import a generated SIRENE-schema CSV and report rows/s and peak memory."""
    figures = run(count, seed, work)
    click.echo(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
