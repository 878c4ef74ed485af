"""The benchmark's data: generated graphs of a given size, ready for every target.

A dataset is made once and cached under ``<data>/<name>/``: our store (a store link laid
out as ``kg.store`` lays it), a copy for the raw ``oxigraph serve-read-only``, one for the
``oxigraph serve`` our remote backend talks to (that server locks its folder), and an
N-Quads file for rdflib-endpoint. It is made again only when its sources change.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the project's virtual environment
GRAPH = "https://w3id.org/passerelles/graph/"
SEED = 42
SIZES = {"k": 1_000, "m": 1_000_000}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Prepared:
    """One dataset, ready to serve, and the IRIs its queries take in turn."""

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
    def remote(self) -> Path:
        return self.folder / "oxigraph-remote"

    @property
    def nquads(self) -> Path:
        return self.folder / "data.nq"


def triples_of(label: str) -> int:
    """``100k`` → 100 000, ``1m`` → 1 000 000, ``20000`` → 20 000."""
    text = label.strip().lower()
    try:
        if text[-1:] in SIZES:
            return int(float(text[:-1]) * SIZES[text[-1]])
        return int(text)
    except ValueError:
        raise ValueError(f"{label!r} is not a number of triples (e.g. 100k, 1m)") from None


def fingerprint(triples: int, seed: int = SEED) -> str:
    """What the data depends on: the size, the seed, the generator, the ontology."""
    digest = hashlib.sha256(f"{triples}/{seed}".encode())
    generator = sorted((ROOT / "kg").glob("generate*.py"))
    parts = [*generator, ROOT / "ontology", ROOT / "data/roles.ttl"]
    for path in parts:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.relative_to(ROOT).as_posix().encode() + file.read_bytes())
    return digest.hexdigest()


def prepare(label: str, data: Path, progress: Progress) -> Prepared:
    """The generated dataset of ``label`` triples, from the cache when still current."""
    triples = triples_of(label)
    name = f"synthetic-{label}"
    folder = data / name
    stamp = folder / "prepared.json"
    key = fingerprint(triples)
    if stamp.exists():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved["fingerprint"] == key:
            progress(f"{name}: prepared data from {folder}")
            return Prepared(name, folder, saved["params"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.monotonic()
    prepared = Prepared(name, folder, {})
    load_generated(prepared.store, triples, progress)
    progress(f"{name}: our store ready in {time.monotonic() - started:.0f} s; copying it")
    _run([BIN / "passerelles", "export", "--format", "nq", "--store", prepared.store,
          "-o", prepared.nquads])  # fmt: skip
    for location in (prepared.oxigraph, prepared.remote):
        _run([BIN / "oxigraph", "load", "--location", location, "--file", prepared.nquads])
        _run([BIN / "oxigraph", "optimize", "--location", location])  # as a build does
    params = _params(prepared, triples)
    stamp.write_text(json.dumps({"fingerprint": key, "params": params}), encoding="utf-8")
    progress(f"{name}: prepared in {time.monotonic() - started:.0f} s")
    return Prepared(name, folder, params)


def _run(command: list[str | Path]) -> None:
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True, stdout=sys.stderr)


def load_generated(store: Path, triples: int, progress: Progress, seed: int = SEED) -> None:
    """The generator's graph with the ontology and glossary, bulk-loaded into a store link.

    Not through ``passerelles build``: the generator's output already holds what the
    rules derive, and the benchmark measures serving, not building. Each file goes into
    the named graph a build gives it; the link is made the way ``kg.store.publish`` does.
    """
    from kg.generate import generate

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
        nt = Path(temporary) / "synthetic.nt"
        with nt.open("wb") as out:
            generate(triples, seed, out)
        progress(f"generated {nt.stat().st_size / 1e6:.0f} MB of N-Triples, bulk-loading")
        loaded.bulk_load(
            path=str(nt),
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


def store_params(store: Path) -> dict[str, list[str]]:
    """Every person, organisation and region of a store, in a stable order."""
    opened = ox.Store.read_only(str(store.resolve()))
    found = {}
    for key, query in PARAMS.items():
        rows = opened.query(query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        found[key] = sorted(row[0].value for row in rows)
    return found


def _params(prepared: Prepared, triples: int) -> dict[str, list[str]]:
    """Every region; people who met someone and organisations with members, spread out."""
    from kg.generate import sample_iris

    sample = sample_iris(triples, SEED, size=1000)
    found = store_params(prepared.store)
    found["person"], found["organisation"] = sample["person"], sample["organisation"]
    return found
