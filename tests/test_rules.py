"""Derivation rules: hand-checked encounters and non-encounters on the real data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.queries import NamedQuery
from kg.rules import apply_rules, inferred_is_current, load_rules
from kg.terms import ESS, ID, INFERRED_GRAPH

ROOT = Path(__file__).resolve().parents[1]
Rows = list[dict[str, str]]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"

ENCOUNTERS = """
PREFIX ess: <https://w3id.org/passerelles/ontology#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?person ?mission ?other ?evidence WHERE {
  ?e a ess:Encounter ; ess:participant ?person, ?other ;
     ess:during ?event ; ess:evidence ?evidence .
  FILTER (?other != ?person)
  ?event schema:superEvent? ?mission .
}
"""


def person(slug: str) -> str:
    return f"{ID}person/{slug}"


def met(select: Callable[..., Rows], who: str, mission: str) -> dict[str, str]:
    rows = select(ENCOUNTERS, person=person(who), mission=f"{ID}event/{mission}")
    return {row["other"].rsplit("/", 1)[-1]: row["evidence"].rsplit("#", 1)[-1] for row in rows}


MISSION_1_HOSTS = {
    "sylvie-germain",
    "jean-fortin",
    "sylvain-gendreau",
    "lysiane-randria",
    "aina-rakotoarinivo",
}
MISSION_3_DELEGATION = {
    "cecile-marsan",
    "delphine-empio",
    "juliette-giraud",
    "noemie-escortell",
    "blaise-mercier",
    "magali-novion",
}
MISSION_3_HOSTS = {
    "jacques-beaudet",
    "caroline-salaun",
    "andres-mercado-salomon",
    "edouard-julien-blanchet",
}


def test_mission_1_noemie_travelled_with_cecile_and_met_the_hosts(select) -> None:
    found = met(select, "noemie-escortell", "mission-1")
    assert found == {"cecile-marsan": "TravelledTogether"} | dict.fromkeys(
        MISSION_1_HOSTS, "MetDuringVisit"
    )


def test_mission_3_delegation_members_all_travelled_together(select) -> None:
    for member in MISSION_3_DELEGATION:
        found = met(select, member, "mission-3")
        together = {k for k, v in found.items() if v == "TravelledTogether"}
        assert together == MISSION_3_DELEGATION - {member}
        assert {k for k, v in found.items() if v == "MetDuringVisit"} == MISSION_3_HOSTS


def test_someone_absent_from_a_mission_met_no_one_during_it(select) -> None:
    assert met(select, "delphine-empio", "mission-1") == {}
    assert met(select, "sylvie-germain", "mission-3") == {}
    assert met(select, "felix-bussieres", "mission-1") == {}


def test_mission_2_has_no_person_encounters_only_the_delegation_visits(select) -> None:
    rows = select(
        """PREFIX ess: <https://w3id.org/passerelles/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT ?mission ?evidence (COUNT(*) AS ?n) WHERE {
          ?e ess:during ?visit ; ess:evidence ?evidence . ?visit schema:superEvent ?mission
        } GROUP BY ?mission ?evidence""",
        mission=f"{ID}event/mission-2",
    )
    assert [r["evidence"] for r in rows] == [str(ESS.DelegationVisit)]
    assert int(rows[0]["n"]) >= 14


def test_encounters_live_in_the_inferred_graph_with_provenance(store: ox.Store) -> None:
    query = """PREFIX ess: <https://w3id.org/passerelles/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT (COUNT(?e) AS ?all) (COUNT(?source) AS ?sourced) WHERE {
      GRAPH ?g { ?e a ess:Encounter OPTIONAL { ?e prov:wasDerivedFrom ?source } } }"""
    row = next(iter(store.query(query, default_graph=[ox.NamedNode(str(INFERRED_GRAPH))])))
    assert int(row["all"].value) > 0
    assert row["sourced"].value == row["all"].value


FIXTURE = f"""
@prefix ess: <https://w3id.org/passerelles/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
<{ID}event/talk> ess:presenter <{ID}person/a>, <{ID}person/b> ;
    schema:attendee <{ID}person/a>, <{ID}person/b>, <{ID}person/c>, <{ID}organisation/o> .
<{ID}person/a> a foaf:Person . <{ID}person/b> a foaf:Person . <{ID}person/c> a foaf:Person .
"""


def test_presenters_meet_the_named_audience_not_each_other() -> None:
    store = ox.Store()
    store.load(FIXTURE, ox.RdfFormat.TURTLE)
    run = apply_rules(store, load_rules(ROOT / "queries" / "rules"))
    pairs = {
        (r["a"].value[-1], r["b"].value[-1])
        for r in store.query(
            "SELECT ?a ?b WHERE { ?a <https://w3id.org/passerelles/ontology#met> ?b }",
            use_default_graph_as_union=True,
        )
    }
    assert pairs == {("a", "c"), ("c", "a"), ("b", "c"), ("c", "b")}
    assert run.derived["50-met-at-presentation"] > 0
    assert run.rounds == 2, "a second round finds nothing new: the fixed point"


def test_a_rule_fed_by_a_later_rule_runs_again_until_nothing_is_new() -> None:
    chain = [
        NamedQuery(
            "a-grandparent", "CONSTRUCT { ?x <urn:gp> ?z } WHERE { ?x <urn:p> ?y . ?y <urn:p> ?z }"
        ),
        NamedQuery("b-parent", "CONSTRUCT { ?x <urn:p> ?y } WHERE { ?x <urn:child-of> ?y }"),
    ]
    store = ox.Store()
    family = b"<urn:1> <urn:child-of> <urn:2> .\n<urn:2> <urn:child-of> <urn:3> .\n"
    store.load(family, ox.RdfFormat.N_TRIPLES)
    run = apply_rules(store, chain)
    # Round 1: b derives two urn:p (a saw none yet); round 2: a derives urn:gp; round 3: nothing.
    assert run.derived == {"a-grandparent": 1, "b-parent": 2}
    assert run.rounds == 3
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    assert len(list(store.quads_for_pattern(None, None, None, inferred))) == 3


def test_the_inferred_graph_is_current_until_the_data_or_it_changes() -> None:
    rules = load_rules(ROOT / "queries" / "rules")
    store = ox.Store()
    store.load(FIXTURE, ox.RdfFormat.TURTLE)
    assert not inferred_is_current(store, rules)  # nothing derived yet
    apply_rules(store, rules)
    assert inferred_is_current(store, rules)
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    # A fact that makes one more encounter: the rules derive something new.
    event = next(store.quads_for_pattern(None, ox.NamedNode(f"{ESS}presenter"), None)).subject
    someone = ox.NamedNode(f"{ID}person/d")
    store.add(ox.Quad(someone, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF_PERSON)))
    store.add(ox.Quad(event, ox.NamedNode("https://schema.org/attendee"), someone))
    assert not inferred_is_current(store, rules)
    apply_rules(store, rules)
    assert inferred_is_current(store, rules)
    # A derived triple that no rule gives any more: not current either.
    store.add(ox.Quad(someone, ox.NamedNode(f"{ESS}met"), someone, inferred))
    assert not inferred_is_current(store, rules)
