"""Reconciliation of imported records with our organisations (kg/reconcile.py)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from kg.reconcile import Reconciler, Record, host, normalise, our_organisations

ORG = "https://w3id.org/passerelles/id/organisation/"
Rows = list[dict[str, str]]

LINKS = """
PREFIX ess: <https://w3id.org/passerelles/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?ours ?record ?score ?evidence WHERE {
  GRAPH <https://w3id.org/passerelles/graph/import/cget-tiers-lieux-2019> {
    ?ours owl:sameAs ?record .
    ?r a ess:Reconciliation ; ess:reconciledResource ?ours ; ess:importedRecord ?record ;
       ess:score ?score ; <http://purl.org/dc/terms/description> ?evidence .
  }
}
"""


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("L'Arrêt Minute", "arret minute"),
        ("Simone & les Mauhargats", "simone et les mauhargats"),
        ("Tiers-Lieu de Gascogne", "tiers lieu de gascogne"),
        ("LA FABRIQUE POLA", "fabrique pola"),
        ("Les", "les"),
    ],
)
def test_normalise(name: str, normalised: str) -> None:
    assert normalise(name) == normalised


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.pola.fr/", "pola.fr"),
        ("arretminute.fr", "arretminute.fr"),
        ("https://www.facebook.com/Corner-Cow", ""),  # shared: says nothing
        ("http://canapcafe.jimdo.com/", ""),
    ],
)
def test_host(url: str, expected: str) -> None:
    assert host(url) == expected


CURATED_ROWS = """
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?ours ?row WHERE {
  GRAPH <https://w3id.org/passerelles/graph/links/cget-tiers-lieux-2019> {
    ?ours adms:identifier ?id . ?id skos:notation ?row ;
      dcterms:type <https://w3id.org/passerelles/id/concept/scheme-cget-tiers-lieux-2019> .
  }
}
"""


def test_the_build_links_exactly_our_known_cget_rows(select: Callable[..., Rows]) -> None:
    """Every organisation data/links/ places in the CGET file, and nothing else."""
    links = {(row["ours"], row["record"]) for row in select(LINKS)}
    curated = select(CURATED_ROWS)
    expected = {(r["ours"], f"{ORG}cget-tiers-lieux-2019-{r['row']}") for r in curated}
    assert len(expected) == 6
    assert links == expected


def test_each_link_has_its_score_and_evidence(select: Callable[..., Rows]) -> None:
    rows = select(LINKS)
    assert rows and all(0.8 <= float(row["score"]) <= 1 for row in rows)
    assert all(row["evidence"].startswith("name 1.00") for row in rows)
    assert all("same commune" in row["evidence"] for row in rows)


@pytest.fixture(scope="module")
def reconciler(store: ox.Store) -> Reconciler:
    return Reconciler(our_organisations(store), threshold=0.8, min_name=0.85)


def linked(reconciler: Reconciler, **keys: str) -> list[str]:
    record = Record(iri="https://example.org/record", **keys)
    return [m.ours.removeprefix(ORG) for m in reconciler.matches(record)]


@pytest.mark.parametrize(
    "keys",
    [
        # Row 537: the same name and web site as L'Arrêt Minute, in Coutras, not Libourne.
        {"name": "Arrêt Minute", "commune": "33138", "web": "http://www.arretminute.fr/"},
        # The La Ruche of Paris (row 568) and of Barbezieux (row 236).
        {"name": "La Ruche", "commune": "75110", "web": "http://la-ruche.net/"},
        {"name": "La Ruche", "commune": "16028"},
        # The same name and nothing else.
        {"name": "La Ruche"},
        {"name": "Co-Actions"},
        # Another coworking space of Bordeaux, and one of La Réole.
        {"name": "Coworking Bordeaux", "commune": "33063", "web": "www.coworking-bordeaux.fr"},
        {"name": "La Manufacture", "commune": "33352", "web": "www.manufacturelareole.fr"},
        # A near name in the right commune.
        {"name": "La Tabatière du Port", "commune": "33352"},
        # A shared host is no evidence.
        {"name": "Fabrique POLA", "web": "https://www.facebook.com/pola"},
    ],
)
def test_near_misses_are_not_linked(reconciler: Reconciler, keys: dict[str, str]) -> None:
    assert linked(reconciler, **keys) == []


@pytest.mark.parametrize(
    ("keys", "ours"),
    [
        ({"name": "LA TABATIERE", "commune": "33352"}, "la-tabatiere"),
        ({"name": "Fabrique POLA", "web": "pola.fr"}, "fabrique-pola"),
        (
            {"name": "CO-ACTIONS", "form": "https://w3id.org/passerelles/id/concept/cooperative"},
            "co-actions",
        ),
    ],
)
def test_same_organisation_is_linked(
    reconciler: Reconciler, keys: dict[str, str], ours: str
) -> None:
    assert linked(reconciler, **keys) == [ours]


def test_deterministic(store: ox.Store) -> None:
    ours = our_organisations(store)
    record = Record("https://example.org/r", "Arrêt Minute", "33243")
    first = Reconciler(ours, 0.8, 0.85).matches(record)
    assert first == Reconciler(list(reversed(ours)), 0.8, 0.85).matches(record)
    assert [m.ours for m in first] == [ORG + "arret-minute"]
