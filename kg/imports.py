"""Imports in the build (``data/imports.toml``) and by ``passerelles import``.

The build imports each file that ``data/imports.toml`` lists, with its profile,
after the sources and before the rules, so the SHACL gate sees it with the rest.
``passerelles import FILE --profile NAME`` adds (or replaces) one import's graph
in the served store: a copy of the store is made beside it (an Oxigraph backup:
hard links, no time), the graph is replaced, the rules run again and the graph
passes the gate before the copy is published, in one atomic step. A run that
fails publishes nothing. An import made this way lasts until the next build: list
it in ``data/imports.toml`` to make it part of the build.

The gate: each row is validated as it is mapped, from its own triples
(:mod:`kg.shacl_rows`: the nodes a row mints have no statement elsewhere), and
what the rows cannot show is validated in the store afterwards (the nodes the
import used without minting them, the shapes with SPARQL-based targets). When the
shapes need more than a row shows, or the rules derived something new from the
import, the compiled gate validates the import in the store instead: the nodes of
the import's graph when it is a small part of the store, else the whole store, by
the build's gate.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import shacl, shacl_sparql, store
from kg.importer import ImportResult, UnreadableFile, import_rows
from kg.profile import ProfileError, load_profile
from kg.progress import Progress, quiet
from kg.rules import apply_rules, inferred_is_current, load_rules
from kg.shacl_rows import RowGate
from kg.sources import SourceError
from kg.terms import INFERRED_GRAPH

Gate = Callable[[ox.Store], shacl.Report]
IMPORTS_FILE = Path("data") / "imports.toml"
# Above this share of the store, the import's nodes are validated with the rest: a scoped
# gate looks each focus node up in the graph, which then costs more than it saves.
SCOPED_SHARE = 0.5


class ImportFailed(SourceError):
    """An import that cannot run (a bad profile, a missing file or column): a bad input file."""


class ImportNotConforming(Exception):
    """The graph with the import failed the SHACL gate; nothing was published."""

    def __init__(self, report: shacl.Report) -> None:
        self.report = report
        super().__init__(f"the data does not conform: {report.count('Violation')} violation(s)")


@dataclass(frozen=True)
class Planned:
    file: Path
    profile: str


def planned(root: Path) -> list[Planned]:
    """The imports of the build, from ``data/imports.toml`` (none if there is no such file)."""
    path = root / IMPORTS_FILE
    if not path.is_file():
        return []
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("import", [])
        return [Planned(root / "data" / e["file"], e["profile"]) for e in entries]
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise ImportFailed(path, str(error)) from error


def run_import(
    root: Path,
    target: ox.Store,
    file: Path,
    profile: str,
    progress: Progress = quiet,
    gate: RowGate | None = None,
) -> ImportResult:
    """Import ``file`` into ``target`` (its graph replaced); raises ImportFailed.

    With ``gate``, the rows are validated as they are mapped (see kg.shacl_rows)."""
    try:
        loaded = load_profile(profile, root / "profiles")
        result = import_rows(target, file, loaded, progress, gate)
    except (ProfileError, UnreadableFile, FileNotFoundError, UnicodeDecodeError) as error:
        raise ImportFailed(file, str(error)) from error
    progress(f"{file.name}: {result.summary()}")
    return result


def stage_imports(root: Path, target: ox.Store, progress: Progress = quiet) -> list[ImportResult]:
    """The build's step: every import of ``data/imports.toml``, into the staged store."""
    return [run_import(root, target, p.file, p.profile, progress) for p in planned(root)]


def import_into(
    root: Path,
    path: Path,
    file: Path,
    profile: str,
    gate: Gate,
    progress: Progress = quiet,
    lang: str = "en",
) -> tuple[ImportResult, shacl.Report]:
    """Import into a copy of the store at ``path``; publish the copy only if it passed the gate
    (``gate``: the build's SHACL gate over the whole store, given by the caller, as kg.build
    imports this module; see ``validate``)."""
    target, folder = store.copy_build(path)
    try:
        progress(f"Importing {file}")
        rows = RowGate(shacl.load_shapes(), target, lang)
        result = run_import(root, target, file, profile, progress, rows)
        progress("Checking what the derivation rules derive with the import")
        rules = load_rules(root / "queries" / "rules")
        # Only reads: a write right after the bulk loads would wait for RocksDB to compact
        # their files (13 s at a million rows), and the rules' answers rarely change.
        current = inferred_is_current(target, rules)
        if not current:
            progress("Applying the derivation rules")
            target.remove_graph(ox.NamedNode(str(INFERRED_GRAPH)))
            apply_rules(target, rules)
        why = rows.given_up or ("" if current else "the rules derive something else with it")
        if why:
            progress(f"The rows could not be validated as they were mapped: {why}")
            report = validate(target, result, gate, lang, progress)
        else:
            progress("Validating what the rows could not show in the store")
            report = rows.finish(result.graph, target)
        progress(f"The data {'conforms' if report.conforms else 'does not conform'}: {report.how}")
        if not report.conforms:
            raise ImportNotConforming(report)
        progress("Writing the store")
        target.flush()
        del target
        store.publish(path, folder)
    except BaseException:
        store.discard(folder)
        raise
    return result, report


def scoped(target: ox.Store, result: ImportResult) -> bool:
    """Whether the compiled gate after this import validates its graph's nodes only (a small
    part of the store)."""
    return result.triples <= SCOPED_SHARE * len(target)


def validate(
    target: ox.Store, result: ImportResult, gate: Gate, lang: str, progress: Progress = quiet
) -> shacl.Report:
    """The compiled gate after an import: the nodes of the import's graph, else (when the
    import is most of the store) the whole store."""
    if scoped(target, result):
        progress("Validating the import's nodes against the SHACL shapes")
        return shacl_sparql.validate(target, lang=lang, focus=(result.graph,))
    # Compacted before the gate over the whole store, not after: each bulk load left
    # files that overlap all the others, and the gate's queries ran 1.6 times slower
    # over them.
    progress("Compacting the store")
    target.optimize()
    progress("Validating against the SHACL shapes")
    return gate(target)
