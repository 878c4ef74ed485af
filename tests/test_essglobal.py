"""The ESSGLOBAL export profile (kg/essglobal.py, queries/export/essglobal.rq)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import FOAF

from kg import essglobal
from kg.cli import main
from kg.queries import load_query
from kg.store import open_store
from kg.terms import ID

SHARED = Path(__file__).resolve().parents[2] / "shared" / "vocab" / "essglobal"
TEMPLATE = "http://purl.org/essglobal/"
EG = Namespace(essglobal.ESSGLOBAL + "vocab/")
GR = Namespace("http://purl.org/goodrelations/v1#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
OS = essglobal.ESSGLOBAL + "standard/organisational-structure/"
CO_ACTIONS = URIRef(f"{ID}organisation/co-actions")
# The namespaces an export may use besides essglobal: standard vocabularies only.
STANDARD = (
    str(RDF),
    str(GR),
    str(FOAF),
    str(VCARD),
    str(WGS84),
    "http://purl.org/dc/terms/",
)


def shared(path: str) -> Graph:
    """A file of the local ESSGLOBAL copy, with the deployed base substituted."""
    file = SHARED / path
    if not file.is_file():
        pytest.skip(f"{file} is absent (the shared ESSGLOBAL copy is not in this checkout)")
    text = file.read_text(encoding="utf-8").replace(TEMPLATE, essglobal.ESSGLOBAL)
    return Graph().parse(data=text, format="turtle")


@pytest.fixture(scope="module")
def exported(built_store_path: Path) -> Graph:
    output = io.BytesIO()
    essglobal.export(open_store(built_store_path), "ttl", output)
    return Graph().parse(data=output.getvalue(), format="turtle")


def test_the_query_has_a_header() -> None:
    query = load_query(essglobal.QUERY)
    assert query.title and query.description and not query.params


def test_every_organisation_is_an_initiative_with_a_name(exported: Graph) -> None:
    initiatives = set(exported.subjects(RDF.type, EG.SSEInitiative))
    assert len(initiatives) > 20
    for initiative in initiatives:
        assert str(initiative).startswith(f"{ID}organisation/"), initiative
        assert exported.value(initiative, GR.name) is not None, initiative


def test_co_actions(exported: Graph) -> None:
    assert (CO_ACTIONS, RDF.type, EG.SSEInitiative) in exported
    assert str(exported.value(CO_ACTIONS, GR.name)) == "Co-Actions"
    assert exported.value(CO_ACTIONS, FOAF.homepage) == URIRef("http://co-actions.coop")
    structures = set(exported.objects(CO_ACTIONS, EG.organisationalStructure))
    assert structures and all(str(s).startswith(OS) for s in structures)
    schemes = shared("standard/organisational-structure.ttl")
    for structure in structures:
        assert (structure, RDF.type, rdflib.SKOS.Concept) in schemes, structure
    address = exported.value(CO_ACTIONS, EG.hasAddress)
    assert (address, RDF.type, EG.Address) in exported
    assert str(exported.value(address, VCARD["country-name"])) == "France"
    assert str(exported.value(address, VCARD.region)) == "Nouvelle-Aquitaine"


def test_activities_and_coordinates(exported: Graph) -> None:
    sectors = set(exported.objects(None, EG.economicSector))
    assert sectors and all("/standard/activities-" in str(s) for s in sectors)
    maison_mere = URIRef(f"{ID}organisation/maison-mere")
    assert URIRef(essglobal.ESSGLOBAL + "standard/activities-modified/AM30") in set(
        exported.objects(maison_mere, EG.economicSector)
    )
    address = exported.value(maison_mere, EG.hasAddress)
    assert str(exported.value(address, VCARD.locality)) == "Baie-Saint-Paul"
    assert float(exported.value(address, WGS84.lat)) == pytest.approx(47.45)
    assert float(exported.value(address, WGS84.long)) == pytest.approx(-70.5)


def test_every_term_is_defined(exported: Graph) -> None:
    vocab = shared("vocab/essglobal-vocab.ttl")
    defined = {s for s in vocab.subjects() if isinstance(s, URIRef)}
    used = set(exported.predicates()) | set(exported.objects(None, RDF.type))
    for term in used:
        if str(term).startswith(str(EG)):
            assert term in defined, term
        else:
            assert str(term).startswith(STANDARD), term


def test_no_person_and_no_mail_hash(exported: Graph) -> None:
    terms = {str(t) for triple in exported for t in triple}
    assert not any(t.startswith(f"{ID}person/") for t in terms)
    assert not any("mbox" in t for t in terms)
    assert (None, RDF.type, FOAF.Person) not in exported


def test_cli_writes_the_profile_to_a_file(
    runner: CliRunner, built_store_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "essglobal.ttl"
    args = ["export", "--profile", "essglobal", "-o", str(out), "--store", str(built_store_path)]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "@prefix essglobal: <https://lod.coop/essglobal/2.1/vocab/>" in text
    assert (CO_ACTIONS, RDF.type, EG.SSEInitiative) in Graph().parse(data=text, format="turtle")


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("nt", "nt"), ("jsonld", "json-ld")])
def test_cli_other_formats(
    runner: CliRunner, built_store_path: Path, fmt: str, rdflib_format: str
) -> None:
    args = ["export", "--profile", "essglobal", "--format", fmt, "--store", str(built_store_path)]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0
    parsed = Graph().parse(data=result.stdout, format=rdflib_format)
    assert (CO_ACTIONS, RDF.type, EG.SSEInitiative) in parsed
