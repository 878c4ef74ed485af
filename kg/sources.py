"""Reading the project's RDF sources (ontology, glossary, curated data) into a store.

Each file lands in its own named graph, so every statement keeps where it came
from. Oxigraph parses every file, streaming it into the store (a file of millions
of triples never sits in memory as Python objects). A file that does not parse
raises :class:`SourceError` naming the file and the line; the caller loads into a
store that is thrown away on error (a new build, or memory), so nothing half-loaded
is ever served.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from kg.progress import Progress, quiet
from kg.terms import GLOSSARY_GRAPH, ONTOLOGY_GRAPH, data_graph

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}
# RDF that data/ does not take. RDF/XML above all: an XML parser may expand entities, so
# a file with a DTD ("billion laughs", external entities) is refused, never parsed.
REFUSED = {".rdf", ".owl", ".xml", ".n3", ".jsonld", ".json"}
LINE_BASED = {ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS}
CHUNK_BYTES = 64 << 20  # a progress line per chunk of a line-based file


class SourceError(Exception):
    """An input file that cannot be read: names the file and, when known, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    graph: URIRef  # where its triples go (a TriG or N-Quads file's named graphs keep their names)


def source_files(root: Path) -> list[SourceFile]:
    """The files of the ontology and of ``data/``, in a stable order."""
    files = [
        SourceFile(root / "ontology" / "ess.ttl", ONTOLOGY_GRAPH),
        SourceFile(root / "ontology" / "glossary.ttl", GLOSSARY_GRAPH),
    ]
    data = root / "data"
    for path in sorted(p for p in data.rglob("*") if p.suffix.lower() in REFUSED):
        raise SourceError(
            path, f"{path.suffix} files are not read here: write Turtle, TriG, N-Triples or N-Quads"
        )
    for path in sorted(p for p in data.rglob("*") if p.suffix in FORMATS and p.is_file()):
        stem = path.relative_to(data).with_suffix("").as_posix()
        files.append(SourceFile(path, data_graph(stem)))
    return files


def load_sources(target: ox.Store, files: list[SourceFile], progress: Progress = quiet) -> None:
    """Stream every file into ``target``, each in its graph; raises SourceError."""
    for source in files:
        path = source.path
        if not path.is_file():
            raise SourceError(path, "file not found")
        size, started = path.stat().st_size, time.monotonic()
        for done in load_file(target, source):
            if size > CHUNK_BYTES:
                rate = done / max(time.monotonic() - started, 1e-6) / 1e6
                progress(
                    f"Loading {path.name}: {done / 1e6:.0f} of {size / 1e6:.0f} MB, {rate:.0f} MB/s"
                )


def load_file(target: ox.Store, source: SourceFile) -> Iterator[int]:
    """Load one file; yields the bytes loaded so far after each chunk."""
    fmt = FORMATS.get(source.path.suffix)
    if fmt is None:
        raise SourceError(source.path, f"unsupported file type {source.path.suffix!r}")
    graph = ox.NamedNode(str(source.graph))
    if fmt not in LINE_BASED:
        _bulk_load(target, source.path, fmt, graph, source.path, 0)
        yield source.path.stat().st_size
        return
    # N-Triples and N-Quads have one statement a line: chunks cut at line ends parse alone.
    done, lines = 0, 0
    with source.path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            chunk += file.readline()
            _bulk_load(target, chunk, fmt, graph, source.path, lines)
            done, lines = done + len(chunk), lines + chunk.count(b"\n")
            yield done


def _bulk_load(
    target: ox.Store,
    data: Path | bytes,
    fmt: ox.RdfFormat,
    graph: ox.NamedNode,
    path: Path,
    lines_before: int,
) -> None:
    try:
        if isinstance(data, Path):
            target.bulk_load(path=str(data), format=fmt, base_iri=graph.value, to_graph=graph)
        else:
            target.bulk_load(data, format=fmt, base_iri=graph.value, to_graph=graph)
    except SyntaxError as error:
        line = error.lineno + lines_before if error.lineno else None
        raise SourceError(path, _syntax_message(error, fmt), line) from error


def _syntax_message(error: SyntaxError, fmt: ox.RdfFormat) -> str:
    # "Parser error at line 4 column 11: . is not a valid RDF object": the place is ours to say.
    text = str(error.msg).split(": ", 1)[-1]
    if text.startswith("Invalid UTF-8"):
        return "not valid UTF-8"
    return f"{fmt.name} syntax error: {text}"


def read_sources(root: Path, files: list[SourceFile] | None = None) -> Dataset:
    """Every source file as an rdflib dataset (default graph = union of graphs).

    For the tools that walk the small curated data with rdflib (the link checker);
    the build itself never copies the graph out of Oxigraph.
    """
    loaded = ox.Store()
    load_sources(loaded, files if files is not None else source_files(root))
    dataset = Dataset(default_union=True)
    for graph in loaded.named_graphs():
        data = loaded.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        dataset.graph(URIRef(graph.value)).parse(data=data, format="nt")
    return dataset
