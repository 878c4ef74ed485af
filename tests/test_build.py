"""The built store (after rules and the SHACL gate) holds exactly the source's facts.

The expected figures are the hand-checked ones of test_data.py: this checks that
the build loses nothing, invents nothing and keeps derived facts apart.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from test_data import COUNTS, DELEGATIONS, MISSIONS, ORGANISATIONS, VISITS, words

from kg.reconcile import IMPORT_GRAPHS as IMPORTS
from kg.terms import ID, INFERRED_GRAPH

Rows = list[dict[str, str]]
PREFIXES = """PREFIX ess: <https://w3id.org/passerelles/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
"""
CURATED = f"FILTER (!STRSTARTS(STR(?g), '{IMPORTS}'))"


def slugs(rows: Rows, key: str) -> set[str]:
    return {row[key].rsplit("/", 1)[-1] for row in rows if key in row}


def test_counts_of_people_organisations_and_events(select: Callable[..., Rows]) -> None:
    people = select(PREFIXES + "SELECT DISTINCT ?p WHERE { ?p a foaf:Person }")
    assert len(people) == 22
    # Ours: the imports (data/imports.toml) add theirs in graphs of their own.
    organisations = select(
        PREFIXES + "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?o a ?c } " + CURATED + " VALUES ?c "
        "{ org:Organization org:FormalOrganization org:OrganizationalUnit } }"
    )
    assert slugs(organisations, "o") == set().union(*map(words, ORGANISATIONS.values()))
    for cls, expected in COUNTS.items():
        rows = select(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH ?g {{ ?x a <{cls}> }} {CURATED} }}"
        )
        assert int(rows[0]["n"]) == expected, cls


def test_imports_are_in_their_own_graphs(select: Callable[..., Rows]) -> None:
    rows = select(
        PREFIXES + "SELECT ?g (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?o a org:Organization }"
        f" FILTER (STRSTARTS(STR(?g), '{IMPORTS}')) }} GROUP BY ?g"
    )
    assert {(r["g"], int(r["n"])) for r in rows} == {(f"{IMPORTS}cget-tiers-lieux-2019", 1512)}


def test_each_mission_dates_delegation_and_visits(select: Callable[..., Rows]) -> None:
    for number, (start, end, datatype) in MISSIONS.items():
        mission = f"{ID}event/mission-{number}"
        dates = select(
            PREFIXES + "SELECT ?mission ?s ?e (DATATYPE(?s) AS ?t) WHERE "
            "{ ?mission schema:startDate ?s ; schema:endDate ?e }",
            mission=mission,
        )
        assert [(d["s"], d["e"], d["t"]) for d in dates] == [(start, end, str(datatype))]
        visited = select(PREFIXES + "SELECT ?mission ?o WHERE { ?mission ess:visited ?o }",
                         mission=mission)  # fmt: skip
        assert slugs(visited, "o") == VISITS[number], f"mission {number} (lifted by rule 20)"
        delegation = select(
            PREFIXES + "SELECT ?mission ?size ?member ?sender WHERE { ?mission ess:delegation ?d "
            "OPTIONAL { ?d ess:delegationSize ?size } OPTIONAL { ?d foaf:member ?member } "
            "OPTIONAL { ?d ess:sentBy ?sender } }",
            mission=mission,
        )
        if number not in DELEGATIONS:
            assert delegation == []
            continue
        size, members, senders = DELEGATIONS[number]
        assert {int(r["size"]) for r in delegation} == {size}
        assert slugs(delegation, "member") == members
        assert slugs(delegation, "sender") == senders


def test_derived_facts_are_only_in_the_inferred_graph(store: ox.Store) -> None:
    met = ox.NamedNode("https://w3id.org/passerelles/ontology#met")
    graphs = {quad.graph_name.value for quad in store.quads_for_pattern(None, met, None)}
    assert graphs == {str(INFERRED_GRAPH)}
