"""The SHACL gate compiled to SPARQL, run on the Oxigraph store itself.

pyshacl walks an rdflib copy of the graph node by node: minutes at a million
triples. Here each constraint of ``ontology/shapes.ttl`` becomes one SELECT that
finds every focus node breaking it at once, and Oxigraph answers it over the union
of the store's graphs. The results are the same :class:`kg.shacl.Result` objects
(focus, path, value, severity, messages, shape, constraint component), so reports
read the same whichever engine made them; ``tests/test_shacl_sparql.py`` runs both
engines on the same graphs and compares.

Semantics, as pyshacl's (SHACL 1.0, no inference): ``sh:class`` and
``sh:targetClass`` follow ``rdfs:subClassOf*`` (each class's subclasses are looked up
in the store once and listed in the queries); a SPARQL target runs as a subquery, and a
SPARQL constraint's ``SELECT`` runs once per focus node with ``$this`` bound, as in
pyshacl. The value constraints of one shape share one query. One difference: Oxigraph
stores integers typed with a derived type (``xsd:positiveInteger`` …) as
``xsd:integer``, so ``sh:datatype`` of such a type is checked as an integer in its
range.

A constraint this module does not know is an error (:class:`ShapesError`), never a
silent pass.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
from rdflib import Graph

from kg.shacl import (
    Report,
    Result,
    ShapesError,
    load_shapes,
    order,
    pick_message,
    report_graph,
)
from kg.shacl_compile import Check, compile_shapes


def validate(
    store: ox.Store, shapes: Graph | None = None, lang: str = "en", focus: Sequence[str] = ()
) -> Report:
    """Validate the union of the store's graphs; the same report as ``kg.shacl.validate``.

    With ``focus`` (named graph IRIs), only the focus nodes that appear in one of those
    graphs, as subject or object, are validated (against the whole union): what an
    import created or changed, without validating again everything else.
    """
    started = time.monotonic()
    shapes = shapes if shapes is not None else load_shapes()
    results = run_checks(store, compile_shapes(shapes, store, focus), lang)
    scope = _scope(store, focus) if focus else ""
    return report(results, shapes, "sparql", time.monotonic() - started, scope)


def run_checks(store: ox.Store, checks: Sequence[Check], lang: str = "en") -> set[Result]:
    """The results of the checks on the store."""
    results: set[Result] = set()
    # Oxigraph evaluates a query without holding the GIL: the checks share the cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for found in pool.map(lambda check: list(_run(store, check, lang)), checks):
            results.update(found)
    return results


def report(
    results: Iterable[Result], shapes: Graph, engine: str, seconds: float, scope: str = ""
) -> Report:
    """The report of these results, in order, with its graph."""
    ordered = sorted(results, key=order)
    conforms = not any(result.severity == "Violation" for result in ordered)
    graph = report_graph(conforms, ordered, shapes)
    return Report(conforms, ordered, graph, engine, seconds, scope)


def _scope(store: ox.Store, focus: Sequence[str]) -> str:
    """The focus in words: "the 1,234 nodes of graph <…>"."""
    graphs = " ".join(f"<{graph}>" for graph in focus)
    query = f"SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} "
    query += "GRAPH ?g { { ?node ?p ?o } UNION { ?s ?p ?node FILTER (!isLiteral(?node)) } } }"
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    count = int(next(iter(rows))["n"].value)
    return f"the {count:,} nodes of graph{'s' * (len(focus) > 1)} {', '.join(focus)}"


def _rows(store: ox.Store, check: Check) -> Iterator[ox.QuerySolution]:
    try:
        rows = store.query(check.query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        if check.select is None:
            yield from rows
            return
        this = ox.Variable("this")
        for focus in {row["this"] for row in rows}:
            bound = store.query(
                check.select, use_default_graph_as_union=True, substitutions={this: focus}
            )
            assert isinstance(bound, ox.QuerySolutions)
            yield from bound
    except SyntaxError as error:
        raise ShapesError(f"{check.shape} ({check.constraint}): {error}") from error


def _run(store: ox.Store, check: Check, lang: str) -> Iterator[Result]:
    for row in _rows(store, check):
        focus = row["this"]
        if focus is None:
            continue
        value = _bound(row, "value")
        path = _bound(row, "path")
        broken = [check.constraint] if not check.flags else [
            name for i, name in enumerate(check.flags) if _true(_bound(row, f"f{i}"))
        ]  # fmt: skip
        for constraint in broken:
            yield Result(
                focus=focus.value,
                path=path.value if path is not None else check.path,
                value=(value or focus).value if check.node_level or value else None,
                severity=check.severity,
                message=pick_message(check.messages, lang),
                shape=check.shape,
                constraint=constraint,
                messages=check.messages,
            )


def _true(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> bool:
    return isinstance(term, ox.Literal) and term.value == "true"


def _bound(row: ox.QuerySolution, name: str) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
    try:
        term = row[name]
    except (KeyError, IndexError):
        return None
    assert term is None or not isinstance(term, ox.Triple)
    return term
