"""The SHACL gate: validate a graph against ``ontology/shapes.ttl`` and say why it fails.

Only a graph with no ``sh:Violation`` passes; warnings and infos are reported but
never stop the gate. pyshacl runs offline (no ``owl:imports``) and without
inference: the shapes target every class and its subclasses explicitly, and
``rdfs:subClassOf`` triples of the ontology (in the data, or passed as
``ontology``) still count for ``sh:class`` and ``sh:targetClass`` as SHACL says.
RDFS inference would also apply ``rdfs:domain``/``rdfs:range`` and so make a
wrongly typed value conform; it is not worth it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.term import Node

from kg.terms import compact

SHAPES_PATH = Path(__file__).resolve().parents[1] / "ontology" / "shapes.ttl"
SHAPES = Namespace("https://w3id.org/passerelles/ontology/shapes#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = ("Violation", "Warning", "Info")
INFERENCE = "none"  # see the module docstring
ENGINE_NAMES = {
    "pyshacl": "pyshacl",
    "sparql": "the shapes compiled to SPARQL",
    "rows": "the import's row gate (kg/shacl_rows.py) and the shapes compiled to SPARQL",
}


class ShapesError(Exception):
    """The shapes could not be applied (a broken shape or SPARQL query)."""


@dataclass(frozen=True)
class Result:
    """One validation result, in plain terms."""

    focus: str
    path: str | None
    value: str | None
    severity: str  # "Violation" | "Warning" | "Info"
    message: str  # in the language asked for, else English
    shape: str
    constraint: str  # e.g. "MinCountConstraintComponent"
    messages: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (else English, else any)."""
        return pick_message(self.messages, lang) or self.message

    def line(self, lang: str = "en") -> str:
        """One readable line: severity, resource, property, rule, value."""
        where = compact(self.focus) + (f" {_compact_path(self.path)}" if self.path else "")
        value = f" (value: {_short(self.value)})" if self.value is not None else ""
        rule = (
            f"{_compact_shape(self.shape)}, {self.constraint.removesuffix('ConstraintComponent')}"
        )
        return f"{self.severity}: {where}: {self.message_in(lang)}{value} [{rule}]"


@dataclass(frozen=True)
class Report:
    """What the gate found; ``conforms`` is False only for violations."""

    conforms: bool
    results: list[Result]
    graph: Graph  # the report graph (sh:ValidationReport)
    engine: str = "pyshacl"  # what validated: "pyshacl", "sparql" (kg.shacl_sparql), "rows"
    seconds: float = 0.0
    scope: str = ""  # what was validated when not the whole graph (kg.shacl_sparql's focus)

    @property
    def how(self) -> str:
        """How the graph was validated, for progress lines and summaries."""
        what = f"validated {self.scope} " if self.scope else "validated "
        return f"{what}by {ENGINE_NAMES.get(self.engine, self.engine)} in {self.seconds:.1f} s"

    def count(self, severity: str) -> int:
        """How many results have this severity."""
        return sum(result.severity == severity for result in self.results)

    def text(self, lang: str = "en") -> str:
        """A readable report, one line per result, violations first."""
        verdict = "conforms" if self.conforms else "does not conform"
        counts = ", ".join(f"{self.count(s)} {s.lower()}(s)" for s in SEVERITIES[:2])
        lines = [f"The data {verdict}: {counts}."]
        lines += [result.line(lang) for result in self.results]
        lines.append(f"({self.how}.)")
        return "\n".join(lines)


def load_shapes(path: Path | None = None) -> Graph:
    """Parse the shapes graph (default: ``ontology/shapes.ttl``)."""
    return Graph().parse(path or SHAPES_PATH, format="turtle")


def validate(
    data: Graph,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    lang: str = "en",
) -> Report:
    """Validate ``data`` (a Graph, or a Dataset read as the union of its graphs)."""
    started = time.monotonic()
    shapes = shapes if shapes is not None else load_shapes()
    graph, own_copy = _union(data)
    _, report, text = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference=INFERENCE,
        advanced=True,  # for the SPARQL-based targets (sh:SPARQLTarget)
        allow_warnings=True,
        allow_infos=True,
        inplace=own_copy,
        do_owl_imports=False,
    )
    if not isinstance(report, Graph):
        raise ShapesError(str(text))
    results = sorted(_results(report, shapes, lang), key=order)
    conforms = not any(result.severity == "Violation" for result in results)
    return Report(conforms, results, report, "pyshacl", time.monotonic() - started)


def pick_message(messages: Iterable[tuple[str, str]], lang: str) -> str:
    """The text for ``lang`` from (language, text) pairs: exact, same language, English, any."""
    pairs = list(messages)
    wanted = lang.lower()
    for test in (
        lambda tag: tag == wanted,
        lambda tag: tag.split("-")[0] == wanted.split("-")[0],
        lambda tag: tag.split("-")[0] == "en",
        lambda tag: True,
    ):
        for tag, text in pairs:
            if test(tag.lower()):
                return text
    return ""


def _union(data: Graph) -> tuple[Graph, bool]:
    # pyshacl would read a Dataset graph by graph; the shapes need the union.
    if not isinstance(data, (Dataset, ConjunctiveGraph)):
        return data, False
    union = Graph()
    for prefix, namespace in data.namespaces():
        union.bind(prefix, namespace)
    for subject, predicate, obj, _ in data.quads((None, None, None, None)):
        union.add((subject, predicate, obj))
    return union, True


def _results(report: Graph, shapes: Graph, lang: str) -> Iterable[Result]:
    # Only the report's own results: those under sh:detail (why a nested sh:node
    # failed) repeat what their parent result says.
    top = report.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    for node in report.objects(top, SH.result):
        messages = _messages(report, shapes, node)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        yield Result(
            focus=str(report.value(node, SH.focusNode)),
            path=path_string(report, path) if path is not None else None,
            value=str(value) if value is not None else None,
            severity=_local(report.value(node, SH.resultSeverity)),
            message=pick_message(messages, lang),
            shape=str(report.value(node, SH.sourceShape)),
            constraint=_local(report.value(node, SH.sourceConstraintComponent)),
            messages=messages,
        )


def _messages(report: Graph, shapes: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    """The result's messages with their language tags, mended in the report graph."""
    found = [m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)]
    if found and all(m.language for m in found):
        return tuple((str(m.language), str(m)) for m in found)
    # pyshacl drops the language tag of messages of SPARQL-based constraints: take
    # them again from the shapes graph (the shape's, else its SPARQL constraint's).
    sources = [report.value(node, SH.sourceShape), report.value(node, SH.sourceConstraint)]
    tagged = [
        m
        for source in sources
        if source is not None
        for m in shapes.objects(source, SH.message)
        if isinstance(m, Literal) and m.language
    ]
    if not tagged:
        return tuple(("en", str(m)) for m in found)
    report.remove((node, SH.resultMessage, None))
    for message in tagged:
        report.add((node, SH.resultMessage, message))
    return tuple((str(m.language), str(m)) for m in tagged)


def path_string(graph: Graph, path: Node) -> str:
    """A property path as text: the IRI itself, or SPARQL syntax (``^<p>``, ``<p>|<q>``)."""
    return str(path) if isinstance(path, URIRef) else path_sparql(graph, path)


def path_sparql(graph: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    if graph.value(path, RDF.first) is not None:
        return "/".join(path_sparql(graph, step) for step in Collection(graph, path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(path_sparql(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(path_sparql(graph, step) for step in Collection(graph, alternatives))
    return str(path)


def order(result: Result) -> tuple[int, str, str, str]:
    rank = SEVERITIES.index(result.severity) if result.severity in SEVERITIES else 3
    return rank, result.focus, result.path or "", result.shape


def report_graph(conforms: bool, results: list[Result], shapes: Graph) -> Graph:
    """A sh:ValidationReport graph of ``results`` (what pyshacl would write, less sh:detail)."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for result in results:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, URIRef(result.focus)))
        graph.add((node, SH.resultSeverity, SH[result.severity]))
        graph.add((node, SH.sourceShape, URIRef(result.shape)))
        graph.add((node, SH.sourceConstraintComponent, SH[result.constraint]))
        for tag, text in result.messages:
            graph.add((node, SH.resultMessage, Literal(text, lang=tag)))
        if result.value is not None:
            graph.add((node, SH.value, _value_term(result.value)))
        if result.path is not None:
            graph.add((node, SH.resultPath, _path_node(result, shapes, graph)))
    return graph


def _value_term(value: str) -> Node:
    # Results keep values as text: an IRI-looking value is written back as an IRI.
    return URIRef(value) if re.match(r"^[a-z][a-z0-9+.-]*:\S*$", value) else Literal(value)


def _path_node(result: Result, shapes: Graph, graph: Graph) -> Node:
    assert result.path is not None
    if "<" not in result.path:
        return URIRef(result.path)
    path = shapes.value(URIRef(result.shape), SH.path)
    assert path is not None
    for triple in shapes.cbd(path) if isinstance(path, BNode) else ():
        graph.add(triple)
    return path


def _local(term: Node | None) -> str:
    text = str(term) if term is not None else ""
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _compact_shape(shape: str) -> str:
    return "shp:" + shape.removeprefix(str(SHAPES)) if shape.startswith(str(SHAPES)) else shape


def _compact_path(path: str) -> str:
    if "<" not in path:
        return compact(path)
    return re.sub(r"<([^<>]*)>", lambda found: _compact_bracketed(found[1]), path)


def _compact_bracketed(iri: str) -> str:
    short = compact(iri)
    return short if short != iri else f"<{iri}>"


def _short(value: str, limit: int = 60) -> str:
    text = compact(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
