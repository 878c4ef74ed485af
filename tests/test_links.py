"""The link sets and their checker: good and bad ids of every scheme, the real data, the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import links
from kg.cli import main
from kg.sources import read_sources

ROOT = Path(__file__).resolve().parents[1]
CPT = "https://w3id.org/passerelles/id/concept/"

CASES: list[tuple[Callable[[str], str | None], list[str], list[str]]] = [
    (
        links.wikidata_id,
        ["Q1479", "Q18678082", "http://www.wikidata.org/entity/Q2145"],
        [
            "Q0",
            "Q01479",
            "q1479",
            "P17",
            "Q",
            "1479",
            "Q14 79",
            "https://www.wikidata.org/wiki/Q1479",
            "http://www.wikidata.org/entity/",
        ],
    ),
    (
        links.geonames_id,
        ["3031582", "1", "https://sws.geonames.org/6325494/"],
        [
            "0",
            "-5",
            "abc",
            "",
            "https://sws.geonames.org/0/",
            "https://sws.geonames.org/6325494",
            "https://www.geonames.org/6325494/",
        ],
    ),
    (
        links.siren,
        ["732829320", "552100554", "356000000"],  # 356000000: La Poste
        ["732829321", "73282932", "7328293200", "73282932A", ""],
    ),
    (
        links.siret,
        ["73282932000074", "35600000000048", "35600000049837"],  # 356000000…: La Poste's rule
        ["73282932000075", "35600000000049", "35600000049838", "7328293200007", "73282932100074"],
    ),
    (
        links.neq,
        ["1143395726", "2262140000", "8800000000"],
        ["114339572", "11433957261", "11433957A6", ""],
    ),
    (
        links.insee_commune,
        ["33063", "40119", "2A004", "2B033", "97411"],
        ["3306", "330630", "2C004", "A3063", "33 63"],
    ),
    (links.insee_departement, ["33", "2A", "2B", "974"], ["00", "20", "2C", "3", "333"]),
    (links.insee_region, ["75", "11"], ["7", "750", "7A"]),
    (links.positive_integer, ["174", "1172"], ["0", "017", "-3", "x"]),
]


@pytest.mark.parametrize(("check", "good", "bad"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_scheme_accepts_good_ids_and_refuses_bad_ones(
    check: Callable[[str], str | None], good: list[str], bad: list[str]
) -> None:
    for value in good:
        assert check(value) is None, value
    for value in bad:
        assert check(value), value


def test_luhn_and_la_poste() -> None:
    assert links.luhn_ok("732829320") and not links.luhn_ok("732829321")
    assert links.siren("732829321") == "wrong SIREN check digit (Luhn)"
    # La Poste's SIRETs fail Luhn but pass by their digit sum, a multiple of 5.
    assert not links.luhn_ok("35600000049837") and links.siret("35600000049837") is None


def graph_of(body: str) -> Graph:
    prefixes = f"""
    @prefix adms: <http://www.w3.org/ns/adms#> . @prefix cpt: <{CPT}> .
    @prefix dcterms: <http://purl.org/dc/terms/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix ex: <https://example.org/> .
    """
    return Graph().parse(data=prefixes + body, format="turtle")


def test_check_links_reads_same_as_and_identifiers() -> None:
    graph = graph_of("""
        ex:a owl:sameAs <http://www.wikidata.org/entity/Q01>, <https://sws.geonames.org/0/>,
            <http://www.wikidata.org/entity/Q1>, <https://example.org/elsewhere> .
        ex:b adms:identifier [ a adms:Identifier ; skos:notation "732829321" ;
            dcterms:type cpt:scheme-siren ] .
        ex:c adms:identifier [ a adms:Identifier ; skos:notation "1143395726" ;
            dcterms:type cpt:scheme-neq ] .
        ex:d adms:identifier [ skos:notation "1" ; dcterms:type cpt:scheme-unknown ] .
        ex:e adms:identifier [ a adms:Identifier ; dcterms:type cpt:scheme-neq ] .
    """)
    found = {(p.resource.removeprefix("https://example.org/"), p.scheme) for p in
             links.check_links(graph)}  # fmt: skip
    assert found == {
        ("a", "wikidata"),
        ("a", "geonames"),
        ("b", "siren"),
        ("d", f"{CPT}scheme-unknown"),
        ("e", "neq"),
    }


def test_the_shipped_links_pass() -> None:
    dataset = read_sources(ROOT)
    assert links.check_links(dataset) == []
    schemes = {str(iri) for iri in links.SCHEMES}
    declared = Graph().parse(ROOT / "data" / "links" / "schemes.ttl")
    used = {str(o) for o in dataset.objects(None, links.DCTERMS.type)}
    assert used & schemes <= {str(s) for s in declared.subjects()}


def test_cli_passes_on_the_shipped_data(runner: CliRunner) -> None:
    result = runner.invoke(main, ["links", "check", "--root", str(ROOT), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_cli_fails_on_a_broken_link(runner: CliRunner, project: Path) -> None:
    places = project / "data" / "links" / "places.trig"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("entity/Q1479>", "entity/Q01479>"), encoding="utf-8")
    result = runner.invoke(main, ["links", "check", "--root", str(project)])
    assert result.exit_code == 1
    line = "https://w3id.org/passerelles/id/place/bordeaux\thttp://www.wikidata.org/entity/Q01479"
    assert line in result.stdout and "\twikidata\t" in result.stdout
    as_json = runner.invoke(main, ["links", "check", "--root", str(project), "--format", "json"])
    [problem] = json.loads(as_json.stdout)
    assert problem["scheme"] == "wikidata" and problem["link"].endswith("Q01479")


@pytest.mark.parametrize(
    ("scheme", "code", "url"),
    [
        ("siren", "900000019", "https://annuaire-entreprises.data.gouv.fr/entreprise/900000019"),
        ("siren", "900000018", None),  # a wrong check digit: no link
        (
            "siret",
            "90000001900019",
            "https://annuaire-entreprises.data.gouv.fr/etablissement/90000001900019",
        ),
        ("cget-tiers-lieux-2019", "239", None),  # no page per row
        ("nope", "1", None),
    ],
)
def test_lookup_url(scheme: str, code: str, url: str | None) -> None:
    assert links.lookup_url(str(links.CONCEPT[f"scheme-{scheme}"]), code) == url
