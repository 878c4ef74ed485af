"""The build: parse → rules → SHACL gate → publish the store atomically.

``stage`` does the first three steps into any Oxigraph store (in memory for
``validate``, a new folder on disk for ``build``); only a staged graph that
passed the gate is ever published.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import imports, shacl, shacl_sparql, store
from kg.progress import Progress, quiet
from kg.rules import RulesRun, apply_rules, load_rules
from kg.sources import load_sources, source_files

# The SHACL engines: pyshacl (the reference, on an rdflib copy of the graph) or the shapes
# compiled to SPARQL and run by Oxigraph (kg.shacl_sparql: the same results, proven by
# tests/test_shacl_sparql.py, in a fraction of the time). "auto" keeps the reference
# where it is quick and compiles above AUTO_LIMIT quads, where pyshacl takes minutes.
ENGINES = ("auto", "pyshacl", "sparql")
AUTO_LIMIT = 20_000


class NotConforming(Exception):
    """The graph failed the SHACL gate; ``report`` says why."""

    def __init__(self, report: shacl.Report) -> None:
        self.report = report
        count = sum(result.severity == "Violation" for result in report.results)
        super().__init__(f"the data does not conform: {count} violation(s)")


@dataclass(frozen=True)
class Staged:
    files: int
    triples: int
    rules: RulesRun
    report: shacl.Report


def stage(
    root: Path,
    target: ox.Store,
    progress: Progress = quiet,
    lang: str = "en",
    *,
    shacl_engine: str = "auto",
) -> Staged:
    """Load the sources into ``target``, derive, and validate; raises on bad input."""
    files = source_files(root)
    progress(f"Parsing {len(files)} files into the store")
    load_sources(target, files, progress)
    imports.stage_imports(root, target, progress)
    progress(f"Applying the derivation rules to {len(target):,} quads")
    run = apply_rules(target, load_rules(root / "queries" / "rules"), progress)
    progress(f"Derived {run.total:,} triples in {run.rounds} rounds; validating against the shapes")
    report = validate(target, shacl_engine, lang)
    progress(f"The data {'conforms' if report.conforms else 'does not conform'}: {report.how}")
    return Staged(len(files), len(target), run, report)


def validate(target: ox.Store, engine: str = "auto", lang: str = "en") -> shacl.Report:
    """The SHACL gate on the store's union graph, by the engine asked for (see ENGINES)."""
    if engine == "auto":
        engine = "pyshacl" if len(target) <= AUTO_LIMIT else "sparql"
    if engine == "sparql":
        return shacl_sparql.validate(target, lang=lang)
    if engine == "pyshacl":
        return shacl.validate(store.union_graph(target), lang=lang)
    raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINES)}")


def build(
    root: Path,
    path: Path,
    progress: Progress = quiet,
    lang: str = "en",
    *,
    shacl_engine: str = "auto",
) -> Staged:
    """Stage into a new on-disk store and serve it only if it passed the gate."""
    target, folder = store.new_build(path)
    try:
        staged = stage(root, target, progress, lang, shacl_engine=shacl_engine)
        if not staged.report.conforms:
            raise NotConforming(staged.report)
        progress("Writing the store")
        target.flush()
        target.optimize()
    except BaseException as error:
        # The store closes only when nothing refers to it, the traceback's frames included
        # (a file that failed half-way was being loaded into it); its folder can go then.
        traceback.clear_frames(error.__traceback__)
        del target
        store.discard(folder)
        raise
    del target  # closes the store before it is served
    try:
        store.publish(path, folder)
    except BaseException:
        store.discard(folder)
        raise
    return staged
