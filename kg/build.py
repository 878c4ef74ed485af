"""The build: parse → rules → SHACL gate → publish the store atomically.

``stage`` does the first two steps into any Oxigraph store (in memory for
``validate``, a new folder on disk for ``build``); only a staged graph that
passed the gate is ever published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import shacl, store
from kg.rules import RulesRun, apply_rules, load_rules
from kg.sources import read_sources, source_files

Progress = Callable[[str], None]


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


def _quiet(_: str) -> None:
    pass


def stage(root: Path, target: ox.Store, progress: Progress = _quiet, lang: str = "en") -> Staged:
    """Load the sources into ``target``, derive, and validate; raises on bad input."""
    files = source_files(root)
    progress(f"Parsing {len(files)} files")
    dataset = read_sources(root, files)
    store.load_dataset(target, dataset)
    progress("Applying the derivation rules")
    run = apply_rules(target, load_rules(root / "queries" / "rules"))
    progress("Validating against the SHACL shapes")
    graph = store.union_graph(target)
    report = shacl.validate(graph, lang=lang)
    return Staged(len(files), len(target), run, report)


def build(root: Path, path: Path, progress: Progress = _quiet, lang: str = "en") -> Staged:
    """Stage into a new on-disk store and serve it only if it passed the gate."""
    target, folder = store.new_build(path)
    try:
        staged = stage(root, target, progress, lang)
        if not staged.report.conforms:
            raise NotConforming(staged.report)
        progress("Writing the store")
        target.flush()
        target.optimize()
        del target  # closes the store before it is served
        store.publish(path, folder)
    except BaseException:
        store.discard(folder)
        raise
    return staged
