"""Checks on data/: it parses, matches the source's counts and missions, follows the
IRI scheme, carries provenance and publishes no personal contact data."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, ORG, PROV, RDF

DATA = Path(__file__).resolve().parent.parent / "data"
BASE = "https://w3id.org/passerelles/"
ESS = Namespace(BASE + "ontology#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
# Plain namespaces: rdflib's closed SDO and XSD warn when pytest probes module attributes.
SDO = Namespace("https://schema.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SRC = Namespace(BASE + "source/")
KINDS = ("organisation", "person", "event", "place", "project", "concept")
ID = {kind: Namespace(f"{BASE}id/{kind}/") for kind in KINDS}

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SUBJECT_IRI = re.compile(
    re.escape(BASE)
    + rf"(?:id/(?:{'|'.join(KINDS)})/{SLUG}(?:#{SLUG})?|source/{SLUG}|graph/external/{SLUG})"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "+33 …", French "06 11 02 61 49" (the source's own format), North American "418 555-0100".
PHONE = re.compile(r"\+\d|\b0\d(?:[\s.\-]?\d\d){4}\b|\(?\b\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}\b")


def words(text: str) -> set[str]:
    return set(text.split())


# Organisation role addresses that may be published as contact points.
ROLE_ADDRESSES = words(
    "direction@pola.fr developpement@pola.fr communications@polecn.org direction@meduse.org"
    " info@espacekoala.com Maire@baiesaintpaul.com espacesdinitiatives@gmail.com"
)

# Hand count, 49: 47 organisations from the source document (3 of them an
# org:OrganizationalUnit of a bigger body) and 2 tiers-lieux from the CGET dataset.
ORGANISATIONS = {
    "main and associated partners (11, one unit)": "co-actions polecn fabrique-pola"
    " cooperative-des-tiers-lieux region-nouvelle-aquitaine cress-aquitaine cdrq"
    " fonds-emprunt-quebec mrc-de-charlevoix-service-developpement ville-de-baie-saint-paul"
    " maison-mere",
    "parents of units (2)": "mrc-de-charlevoix ville-de-quebec",
    "1st mission, besides partners (2), and the GSEF (1)": "boomcoworking esplanade gsef",
    "2nd mission, besides partners (15, one unit)": "cap-solidaire simone-et-les-mauhargats"
    " region-nouvelle-aquitaine-direction-ess urscop la-ruche-bordeaux adi-nouvelle-aquitaine"
    " kfe-des-familles la-miel cigales la-consigne arret-minute smicval coopea"
    " cooperer-pour-entreprendre",
    "3rd mission, besides Maison Mère (6, one unit)": "maison-de-la-cooperation meduse"
    " ville-de-quebec-service-culturel espace-koala espaces-d-initiatives la-barberie",
    "hosted by Maison Mère (5)": "auberge-le-balcon la-procure coop-de-l-arbre mousse-cafe"
    " cire-constance",
    "other events (2)": "tactiq pays-et-quartiers-d-aquitaine",
    "participants' organisations (4)": "recyclage-vanier les-grands-bois quartier-montcalm"
    " cdec-de-quebec",
    "CGET tiers-lieux 2019 only (2)": "la-tabatiere tiers-lieu-de-gascogne",
}
UNITS = words(
    "region-nouvelle-aquitaine-direction-ess mrc-de-charlevoix-service-developpement"
    " ville-de-quebec-service-culturel"
)

MISSIONS = {  # number: (start, end, datatype)
    1: ("2016-09-05", "2016-09-10", XSD.date),
    2: ("2017-05-08", "2017-05-12", XSD.date),
    3: ("2017-10-04", "2017-10-11", XSD.date),
    4: ("2018-09", "2018-09", XSD.gYearMonth),
}
TEAM_3 = (
    "cecile-marsan delphine-empio juliette-giraud noemie-escortell blaise-mercier magali-novion"
)
DELEGATIONS = {  # number: (size, named members, sent by); the 4th has none yet
    1: (2, words("cecile-marsan noemie-escortell"), {"co-actions"}),
    2: (8, set(), {"polecn"}),
    3: (6, words(TEAM_3), {"co-actions", "fabrique-pola"}),
}
VISITS = {
    1: words(
        "boomcoworking esplanade mrc-de-charlevoix maison-mere ville-de-baie-saint-paul"
        " fonds-emprunt-quebec"
    ),
    2: words(
        "cap-solidaire simone-et-les-mauhargats cress-aquitaine"
        " region-nouvelle-aquitaine-direction-ess urscop la-ruche-bordeaux adi-nouvelle-aquitaine"
        " fabrique-pola kfe-des-familles la-miel cigales la-consigne arret-minute smicval coopea"
        " cooperer-pour-entreprendre"
    ),
    3: words(
        "maison-de-la-cooperation meduse ville-de-quebec-service-culturel espace-koala"
        " espaces-d-initiatives la-barberie maison-mere"
    ),
    4: set(),
}
COUNTS = {  # class: number of instances (people and organisations: below)
    ESS.CooperationMission: 4,
    ESS.Forum: 5,
    ESS.Meeting: 2,
    ESS.SiteVisit: 29,
    ESS.Delegation: 3,
    SDO.Place: 27,
}


def data_files() -> list[Path]:
    return sorted(DATA.glob("*.ttl")) + sorted(DATA.glob("*.trig"))


@cache
def parsed(path: Path) -> Graph:
    """One data file: a Graph for Turtle, a Dataset keeping its named graphs for TriG."""
    trig = path.suffix == ".trig"
    graph = Dataset() if trig else Graph()
    graph.parse(path, format="trig" if trig else "turtle")
    return graph


def triples(path: Path) -> Iterator[tuple]:
    graph = parsed(path)
    graphs = graph.graphs() if isinstance(graph, Dataset) else [graph]
    return (triple for each in graphs for triple in each)


@cache
def union() -> Graph:
    """All the statements of data/, whatever their file and named graph."""
    graph = Graph()
    for path in data_files():
        for triple in triples(path):
            graph.add(triple)
    return graph


def instances(cls: URIRef) -> set:
    return set(union().subjects(RDF.type, cls))


def slugs(nodes: set, kind: str) -> set[str]:
    prefix = str(ID[kind])
    assert all(str(node).startswith(prefix) for node in nodes), nodes
    return {str(node).removeprefix(prefix) for node in nodes}


def mission(number: int) -> URIRef:
    return ID["event"][f"mission-{number}"]


def delegation(number: int) -> URIRef:
    return URIRef(f"{mission(number)}#delegation")


@pytest.mark.parametrize("path", data_files(), ids=lambda path: path.name)
def test_every_file_parses(path: Path) -> None:
    assert sum(1 for _ in triples(path)) > 0


@pytest.mark.parametrize("cls, expected", COUNTS.items(), ids=lambda v: str(v).split("/")[-1])
def test_instance_counts(cls: URIRef, expected: int) -> None:
    assert len(instances(cls)) == expected


def test_organisations() -> None:
    groups = [words(text) for text in ORGANISATIONS.values()]
    expected = set().union(*groups)
    assert len(expected) == sum(map(len, groups)) == 49  # no organisation counted twice
    assert slugs(instances(ORG.Organization), "organisation") == expected
    units = instances(ORG.OrganizationalUnit)
    assert slugs(units, "organisation") == UNITS
    assert all(union().value(unit, ORG.subOrganizationOf) for unit in units)


@pytest.mark.parametrize("number", MISSIONS)
def test_mission_dates_and_status(number: int) -> None:
    graph, node = union(), mission(number)
    start, end, datatype = MISSIONS[number]
    assert (node, RDF.type, ESS.CooperationMission) in graph
    assert graph.value(node, ESS.missionNumber) == Literal(number, datatype=XSD.positiveInteger)
    assert set(graph.objects(node, SDO.startDate)) == {Literal(start, datatype=datatype)}
    assert set(graph.objects(node, SDO.endDate)) == {Literal(end, datatype=datatype)}
    # Only the 4th mission is still planned, and its delegation is not yet formed.
    assert ((node, SDO.eventStatus, SDO.EventScheduled) in graph) == (number == 4)
    assert (graph.value(node, ESS.delegation) is None) == (number not in DELEGATIONS)


@pytest.mark.parametrize("number", DELEGATIONS)
def test_mission_delegation(number: int) -> None:
    graph, group = union(), delegation(number)
    size, members, senders = DELEGATIONS[number]
    assert graph.value(mission(number), ESS.delegation) == group
    assert (group, RDF.type, ESS.Delegation) in graph
    assert graph.value(group, ESS.delegationSize) == Literal(size, datatype=XSD.nonNegativeInteger)
    assert slugs(set(graph.objects(group, FOAF.member)), "person") == members
    assert slugs(set(graph.objects(group, ESS.sentBy)), "organisation") == senders


@pytest.mark.parametrize("number", VISITS)
def test_mission_visits(number: int) -> None:
    graph = union()
    visits = set(graph.subjects(SDO.superEvent, mission(number))) & instances(ESS.SiteVisit)
    visited = set()
    for visit in visits:
        (organisation,) = graph.objects(visit, ESS.visited)
        slug = slugs({organisation}, "organisation").pop()
        assert visit == ID["event"][f"visit-{number}-{slug}"]
        assert (visit, SDO.attendee, delegation(number)) in graph
        visited.add(slug)
    assert visited == VISITS[number]


def test_subject_iris_follow_the_scheme() -> None:
    """No blank node either: a blank node with a description would be a subject."""
    for subject in set(union().subjects()):
        assert isinstance(subject, URIRef), subject
        assert SUBJECT_IRI.fullmatch(str(subject)), subject


def test_no_dangling_references() -> None:
    """Every own resource that is pointed at is described (glossary concepts aside)."""
    graph = union()
    described = set(graph.subjects())
    own = (str(ID[kind]) for kind in KINDS if kind != "concept")
    prefixes = (*own, str(ID["concept"]) + "role-", str(SRC))
    for target in set(graph.objects()):
        if isinstance(target, URIRef) and str(target).startswith(prefixes):
            assert target in described, target


@pytest.mark.parametrize("text", ["06 11 02 61 49", "0611026149", "+33 6 11", "418-555-0100"])
def test_phone_pattern_catches(text: str) -> None:
    assert PHONE.search(f"Tél. {text}")


def test_no_phone_number_or_personal_email() -> None:
    graph = union()
    for subject, predicate, value in graph:
        for term in (subject, value):
            assert not str(term).startswith(("mailto:", "tel:")), term
        if not isinstance(value, Literal) or predicate == FOAF.mbox_sha1sum:
            continue
        assert not PHONE.search(value), (subject, value)
        if EMAIL.search(value):
            assert predicate == SDO.email and str(value) in ROLE_ADDRESSES, value
            assert (subject, RDF.type, SDO.ContactPoint) in graph
    published = {str(v) for v in graph.objects(None, SDO.email)}
    assert published == ROLE_ADDRESSES
    assert not any(graph.triples((None, FOAF.mbox, None)))


def test_email_hashes() -> None:
    graph = union()
    for person in instances(FOAF.Person):
        (digest,) = graph.objects(person, FOAF.mbox_sha1sum)
        assert re.fullmatch(r"[0-9a-f]{40}", digest), person
    expected = hashlib.sha1(b"mailto:maire@baiesaintpaul.com").hexdigest()
    assert graph.value(ID["person"]["jean-fortin"], FOAF.mbox_sha1sum) == Literal(expected)


def test_provenance() -> None:
    """Every described resource, persons and organisations among them, names its source."""
    graph = union()
    cited = set(parsed(DATA / "sources.ttl").subjects())
    for subject in set(graph.subjects()) - cited:
        assert graph.value(subject, PROV.wasDerivedFrom), subject
    for source in set(graph.objects(None, PROV.wasDerivedFrom)):
        assert source in cited or str(source).startswith("https://sws.geonames.org/"), source
    agents = instances(FOAF.Person) | instances(ORG.Organization)
    assert agents and agents <= set(graph.subjects(PROV.wasDerivedFrom))


def test_each_external_graph_names_its_source() -> None:
    dataset = parsed(DATA / "external-facts.trig")
    default = dataset.default_graph
    names = {g.identifier for g in dataset.graphs() if g.identifier != default.identifier}
    for name in names:
        slug = str(name).removeprefix(BASE + "graph/external/")
        assert (name, PROV.wasDerivedFrom, SRC[slug]) in default, name


def test_municipalities_have_coordinates() -> None:
    graph = union()
    for city in instances(SDO.City):
        for axis in (GEO.lat, GEO.long):
            values = set(graph.objects(city, axis))
            assert len(values) == 1 and values.pop().datatype == XSD.decimal, (city, axis)


def test_person_names_are_unique() -> None:
    names = list(union().objects(None, FOAF.name))
    assert len(names) == len(set(names)) == 22
