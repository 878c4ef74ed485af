"""The import's gate row by row (kg/shacl_rows.py) finds what the compiled gate finds.

Each case imports the SIRENE fixture (or the real CGET file) with a profile that
breaks one kind of rule, once validated row by row and once by the compiled gate on
the import's nodes in the store: the same results, whatever they are.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import shacl, shacl_sparql
from kg.build import build
from kg.cli import main
from kg.imports import run_import
from kg.shacl_rows import Lit, RowGate
from kg.sources import load_sources, source_files

ROOT = Path(__file__).resolve().parents[1]
SIRENE = ROOT / "tests" / "fixtures" / "import" / "sirene-unites-legales.csv"
CGET = ROOT / "data" / "external" / "cget-tiers-lieux-2019" / "CGET_TiersLieux_2019.csv"
PROFILE = (ROOT / "profiles" / "sirene.toml").read_text(encoding="utf-8")
LABEL = '{ property = "skos:prefLabel", column = "denominationUniteLegale", lang = "fr" },'
SCHEME = '{ property = "dcterms:type", constant = "cpt:scheme-siren" },'
CONCEPT = 'types = ["adms:Identifier"]'
CONCEPT_TOO = 'types = ["adms:Identifier", "skos:Concept"]'
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
COUNTRY = '{ property = "ess:country", constant = "place:france" },'

# name: (replaced, by, what the compiled gate reports: (shape, constraint) pairs)
CASES = {
    "conforms": ("", "", set()),
    "label without a language": (
        LABEL,
        LABEL.replace(', lang = "fr"', ""),
        {("Organisation-prefLabel", "Datatype")},
    ),
    "legal form not a concept": (
        '"9220" = "cpt:association"',
        '"9220" = "place:france"',
        {("Organisation-legalForm", "Class")},
    ),
    "identifier without a scheme": (SCHEME, "", {("Identifier-scheme", "MinCount")}),
    "two schemes": (
        SCHEME,
        SCHEME + ' { property = "dcterms:type", constant = "cpt:scheme-insee-region" },',
        {("Identifier-scheme", "MaxCount")},
    ),
    "two names in one language": (
        LABEL,
        LABEL + ' { property = "skos:prefLabel", column = "siren", lang = "fr" },',
        {("Organisation-prefLabelPerLanguage", "UniqueLang")},
    ),
    "two countries": (
        COUNTRY,
        COUNTRY + ' { property = "ess:country", constant = "place:canada" },',
        {("Organisation-country", "MaxCount")},
    ),
    "an IRI out of pattern": (
        'iri = "organisation/siren-{siren}"\n',
        'iri = "organisation/Siren-{siren}"\n',
        {("InstanceIRIShape", "Pattern")},
    ),
    "a constant IRI out of pattern": (
        '"N" = ""',
        '"N" = "cpt:Not_ESS"',
        {("InstanceIRIShape", "Pattern"), ("Organisation-classification", "Class")},
    ),
    "hosts a record that is no organisation": (
        COUNTRY,
        COUNTRY + ' { property = "ess:hosts", resource = "siren" },',
        {("Organisation-hosts", "Node")},
    ),
    "no provenance": (
        '{ property = "prov:wasDerivedFrom", constant = "src:sirene-unites-legales" },',
        "",
        {("Provenance-source", "MinCount")},
    ),
}


def sources_store() -> ox.Store:
    target = ox.Store()
    load_sources(target, source_files(ROOT))
    return target


def short(results: list[shacl.Result]) -> set[tuple[str, str]]:
    return {
        (r.shape.rsplit("#", 1)[-1], r.constraint.removesuffix("ConstraintComponent"))
        for r in results
    }


def both(profile: str, csv: Path, shapes: Graph) -> tuple[shacl.Report, shacl.Report]:
    """The import validated row by row, and by the compiled gate on its nodes."""
    target = sources_store()
    gate = RowGate(shapes, target)
    result = run_import(ROOT, target, csv, profile, gate=gate)
    assert gate.given_up == ""
    return gate.finish(result.graph), shacl_sparql.validate(target, shapes, focus=(result.graph,))


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_broken_rule_gives_the_same_results(case: str, shapes: Graph, tmp_path: Path) -> None:
    replaced, by, expected = CASES[case]
    assert replaced in PROFILE
    profile = tmp_path / "sirene.toml"
    profile.write_text(PROFILE.replace(replaced, by), encoding="utf-8")
    rows, store = both(str(profile), SIRENE, shapes)
    assert short(store.results) == expected  # the case breaks what it says it breaks
    assert rows.results == store.results
    assert rows.conforms == store.conforms == (not expected)
    assert rows.engine == "rows" and "as they were mapped" in rows.how


def test_the_real_cget_file_gives_the_same_results(shapes: Graph) -> None:
    rows, store = both("cget-tiers-lieux", CGET, shapes)
    assert rows.results == store.results and rows.conforms


def test_a_shape_the_rows_cannot_decide_makes_the_gate_give_up(shapes: Graph) -> None:
    gate = RowGate(shapes + longer_path(), sources_store())
    run_import(ROOT, sources_store(), SIRENE, "sirene", gate=gate)
    assert "a path longer than one property" in gate.given_up and "#siren" in gate.given_up


def longer_path() -> Graph:
    """A shape on identifiers whose path has two steps: not decidable from a row."""
    return Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <urn:test:SchemeInSchemeShape> a sh:NodeShape ;
            sh:targetClass <http://www.w3.org/ns/adms#Identifier> ;
            sh:property [
                sh:path ( <http://purl.org/dc/terms/type> skos:inScheme ) ;
                sh:minCount 1 ; sh:severity sh:Warning
            ] .
        """,
    )


def test_a_row_stating_the_type_of_a_node_it_did_not_mint_gives_up(shapes: Graph) -> None:
    gate = RowGate(shapes, sources_store())
    concept = "https://w3id.org/passerelles/id/concept/association"
    gate.check({concept: {RDF_TYPE: ["http://www.w3.org/ns/org#Organization"]}}, set())
    assert "did not mint" in gate.given_up
    gate.check({concept: {"http://www.w3.org/2004/02/skos/core#prefLabel": [Lit("x")]}}, set())
    assert gate.results == []  # nothing more is checked once it gave up


def test_the_import_command_validates_the_rows_and_says_so(tmp_path: Path) -> None:
    served = tmp_path / "store"
    build(ROOT, served)
    args = ["import", str(SIRENE), "--profile", "sirene", "--store", str(served)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "validated the import's rows as they were mapped" in result.output
    assert "Compacting" not in result.output


def test_the_import_falls_back_to_the_compiled_gate_when_the_rows_cannot_tell(
    tmp_path: Path, shapes: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = tmp_path / "store"
    build(ROOT, served)
    more = shapes + longer_path()
    for module in (shacl, shacl_sparql):
        monkeypatch.setattr(module, "load_shapes", lambda *_: more)
    args = ["import", str(SIRENE), "--profile", "sirene", "--store", str(served)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "could not be validated as they were mapped" in result.output
    assert "a path longer than one property" in result.output
    assert "validated the " in result.output and "nodes of graph" in result.output


def test_a_record_already_in_the_store_is_not_taken_for_the_rows_own(shapes: Graph) -> None:
    target = sources_store()
    record = ox.NamedNode("https://w3id.org/passerelles/id/organisation/siren-900000019")
    elsewhere = ox.NamedNode("https://w3id.org/passerelles/graph/test-elsewhere")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    # A second French name, stated outside the import: the row alone would not see it.
    target.add(ox.Quad(record, label, ox.Literal("Autre nom", language="fr"), elsewhere))
    gate = RowGate(shapes, target)
    result = run_import(ROOT, target, SIRENE, "sirene", gate=gate)
    # The row states its type: the gate gives up, and the compiled gate finds the two names.
    assert gate.given_up.endswith(f"of {record.value}, a node it did not mint")
    store = shacl_sparql.validate(target, shapes, focus=(result.graph,))
    assert short(store.results) == {("Organisation-prefLabelPerLanguage", "UniqueLang")}
