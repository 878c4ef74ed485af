"""Parsing the project's RDF sources (ontology, glossary, curated data) into one dataset.

Each file lands in its own named graph, so every statement keeps where it came
from. A file that does not parse raises :class:`SourceError` naming the file and
the line; nothing is half-loaded because the caller only ever sees a complete
dataset or the error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.terms import GLOSSARY_GRAPH, ONTOLOGY_GRAPH, data_graph

FORMATS = {".ttl": "turtle", ".trig": "trig"}
# RDF that data/ does not take. RDF/XML above all: rdflib expands XML entities, so a
# file with a DTD ("billion laughs", external entities) is refused, never parsed.
REFUSED = {".rdf", ".owl", ".xml", ".nt", ".nq", ".n3", ".jsonld", ".json"}


class SourceError(Exception):
    """An input file that cannot be read: names the file and, when known, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    graph: URIRef  # where its triples go (a TriG file's named graphs keep their names)


def source_files(root: Path) -> list[SourceFile]:
    """The files of the ontology and of ``data/``, in a stable order."""
    files = [
        SourceFile(root / "ontology" / "ess.ttl", ONTOLOGY_GRAPH),
        SourceFile(root / "ontology" / "glossary.ttl", GLOSSARY_GRAPH),
    ]
    data = root / "data"
    for path in sorted(p for p in data.rglob("*") if p.suffix.lower() in REFUSED):
        raise SourceError(
            path, f"{path.suffix} files are not read here: write Turtle (.ttl) or TriG"
        )
    for path in sorted(p for p in data.rglob("*") if p.suffix in FORMATS and p.is_file()):
        stem = path.relative_to(data).with_suffix("").as_posix()
        files.append(SourceFile(path, data_graph(stem)))
    return files


def read_sources(root: Path, files: list[SourceFile] | None = None) -> Dataset:
    """Parse every source file into a fresh dataset (default graph = union of graphs)."""
    dataset = Dataset(default_union=True)
    for source in files if files is not None else source_files(root):
        for graph_name, graph in parse_file(source):
            target = dataset.graph(graph_name)
            for triple in graph:
                target.add(triple)
    return dataset


def parse_file(source: SourceFile) -> Iterator[tuple[URIRef, Graph]]:
    """The graphs of one file, as (graph name, triples); raises SourceError."""
    path = source.path
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise SourceError(path, f"unsupported file type {path.suffix!r} (use .ttl or .trig)")
    if not path.is_file():
        raise SourceError(path, "file not found")
    parsed = Dataset()
    try:
        text = path.read_bytes().decode("utf-8")
        parsed.parse(data=text, format=fmt, publicID=str(source.graph))
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise SourceError(path, "not valid UTF-8", line) from error
    except SyntaxError as error:
        raise SourceError(path, _syntax_message(error), _syntax_line(error)) from error
    for graph in parsed.graphs():
        if len(graph) == 0:
            continue
        name = graph.identifier
        if name == DATASET_DEFAULT_GRAPH_ID or fmt == "turtle":
            name = source.graph
        yield URIRef(str(name)), graph


def _syntax_line(error: SyntaxError) -> int | None:
    # rdflib's BadSyntax keeps the line only in its text ("at line 4 of <>: …").
    found = re.search(r"at line (\d+)", str(error))
    return int(found.group(1)) if found else error.lineno


def _syntax_message(error: SyntaxError) -> str:
    text = str(error)
    found = re.search(r"Bad syntax \((.*?)\) at \^", text, re.S)
    return f"Turtle syntax error: {found.group(1)}" if found else text.splitlines()[-1]
