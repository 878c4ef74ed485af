"""The shapes compiled to SPARQL find exactly what pyshacl finds, on every graph we have."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from test_shacl import CASES, FIXTURES, Case, edited, iri, turtle

from kg import shacl, shacl_sparql
from kg.build import AUTO_LIMIT, validate
from kg.cli import main
from kg.generate import generate
from kg.rules import apply_rules, load_rules
from kg.sources import load_sources, source_files
from kg.store import union_graph

ROOT = Path(__file__).resolve().parents[1]
Key = tuple[str, str | None, str, str, str]
SH_PREFIX = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"


def keys(report: shacl.Report) -> set[Key]:
    return {(r.focus, r.path, r.constraint, r.severity, r.shape) for r in report.results}


def same(value: str | None) -> object:
    """A value as compared: Oxigraph keeps numbers in canonical form ("-271.208")."""
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return value


def store_of(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def both(graph: Graph, shapes: Graph) -> tuple[shacl.Report, shacl.Report]:
    """pyshacl's report and the compiled engine's, on the same graph."""
    return shacl.validate(graph, shapes), shacl_sparql.validate(store_of(graph), shapes)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.name)
def test_every_fixture_gives_the_same_results(fixture: Path, shapes: Graph) -> None:
    expected, found = both(Graph().parse(fixture, format="turtle"), shapes)
    assert keys(found) == keys(expected)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_broken_rule_gives_the_same_results(base: Graph, shapes: Graph, case: Case) -> None:
    expected, found = both(edited(base, case.remove, case.add), shapes)
    assert keys(found) == keys(expected)
    assert found.conforms is expected.conforms
    # The case's own result, with the same value and the same messages.
    mine = [r for r in found.results if r.shape == iri(case.shape) and r.focus == iri(case.focus)]
    theirs = [r for r in expected.results if (r.shape, r.focus) == (mine[0].shape, mine[0].focus)]
    assert {same(r.value) for r in mine} == {same(r.value) for r in theirs}
    assert {r.message_in("fr") for r in mine} == {r.message_in("fr") for r in theirs}


def test_the_real_data_gives_the_same_results(shapes: Graph) -> None:
    store = ox.Store()
    load_sources(store, source_files(ROOT))
    apply_rules(store, load_rules(ROOT / "queries" / "rules"))
    expected = shacl.validate(union_graph(store), shapes)
    found = shacl_sparql.validate(store, shapes)
    assert keys(found) == keys(expected)
    assert found.results, "the real data has a few warnings: the comparison is not empty"


def test_generated_data_gives_the_same_results(shapes: Graph) -> None:
    buffer = io.BytesIO()
    generate(10_000, 7, buffer, derived=True)
    graph = Graph().parse(data=buffer.getvalue(), format="nt")
    for name in ("ess.ttl", "glossary.ttl"):
        graph.parse(ROOT / "ontology" / name, format="turtle")
    broken = turtle("<https://w3id.org/passerelles/id/person/person-000001> a foaf:Person .")
    expected, found = both(graph + broken, shapes)
    assert keys(found) == keys(expected)


def test_ontology_subclasses_count_as_in_pyshacl(base: Graph, shapes: Graph) -> None:
    cigales = (
        'ont:cigales a ess:Club ; skos:prefLabel "CIGALES"@fr ; '
        "prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 ."
    )
    graph = edited(base, add=f"evt:mission-1 schema:attendee ont:cigales . {cigales}")
    assert keys(both(graph, shapes)[1]) == keys(both(graph, shapes)[0]) != set()
    graph += turtle("ess:Club rdfs:subClassOf org:Organization .")
    assert shacl_sparql.validate(store_of(graph), shapes).results == []


def test_the_report_says_how_it_validated(base: Graph, shapes: Graph) -> None:
    report = shacl_sparql.validate(store_of(base), shapes)
    assert report.engine == "sparql"
    assert (
        report.text().splitlines()[-1].startswith("(validated by the shapes compiled to SPARQL in")
    )
    assert "validated by pyshacl" in shacl.validate(base, shapes).text()


@pytest.mark.parametrize(
    "constraint",
    [
        "sh:closed true",
        "sh:xone ( [ sh:class foaf:Person ] [ sh:class org:Organization ] )",
        "sh:lessThan schema:endDate",
        "sh:equals foaf:name",
    ],
)
def test_an_unsupported_constraint_is_an_error(base: Graph, shapes: Graph, constraint: str) -> None:
    extra = turtle(
        SH_PREFIX + f"shp:Odd a sh:NodeShape ; sh:targetClass foaf:Person ; {constraint} ."
    )
    with pytest.raises(shacl.ShapesError, match="not supported"):
        shacl_sparql.validate(store_of(base), shapes + extra)


def test_an_unsupported_constraint_in_a_nested_shape_is_an_error(
    base: Graph, shapes: Graph
) -> None:
    extra = turtle(
        SH_PREFIX + "shp:Odd a sh:NodeShape ; sh:targetClass foaf:Person ; "
        "sh:node [ sh:path foaf:name ; sh:maxCount 1 ] ."
    )
    with pytest.raises(shacl.ShapesError, match="nested"):
        shacl_sparql.validate(store_of(base), shapes + extra)


@pytest.mark.parametrize(
    ("engine", "said"),
    [("sparql", "the shapes compiled to SPARQL"), ("pyshacl", "pyshacl")],
)
def test_validate_takes_the_engine_asked_for_and_says_so(
    runner: CliRunner, engine: str, said: str
) -> None:
    result = runner.invoke(main, ["validate", "--shacl", engine])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith(f"(validated by {said} in ")
    assert f"The data conforms: validated by {said}" in result.stderr


def test_auto_compiles_the_shapes_above_the_limit(base: Graph) -> None:
    store = store_of(base)
    assert len(store) <= AUTO_LIMIT
    assert validate(store).engine == "pyshacl"
    for i in range(AUTO_LIMIT):
        store.add(ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:p"), ox.Literal("v")))
    assert validate(store).engine == "sparql"
