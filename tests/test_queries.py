"""Named queries: headers, typed parameters, and every shipped query runs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.queries import NamedQuery, QueryError, load_queries, parse_query, run
from kg.terms import ID

ROOT = Path(__file__).resolve().parents[1]
NOEMIE = f"{ID}person/noemie-escortell"

HEADER = """# title: Things of a kind
# description: Lists things.
# param: kind iri The class.
# param: limit integer How many.
SELECT ?s WHERE { ?s a ?kind } LIMIT 10
"""


def test_header_gives_title_description_and_typed_params() -> None:
    query = parse_query("things", HEADER)
    assert (query.title, query.description) == ("Things of a kind", "Lists things.")
    assert [(p.name, p.type, p.description) for p in query.params] == [
        ("kind", "iri", "The class."),
        ("limit", "integer", "How many."),
    ]


def test_unknown_parameter_type_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown type 'uri'"):
        parse_query("bad", "# param: x uri X\nSELECT * {}")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "urn:x"}, "missing parameter limit"),
        ({"kind": "urn:x", "limit": "ten"}, "limit='ten' is not a valid integer"),
        ({"kind": "not an iri", "limit": "1"}, "is not a valid iri"),
        ({"kind": "urn:x", "limit": "1", "other": "1"}, "unknown parameter"),
    ],
)
def test_bad_parameters_are_refused(values: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query("things", HEADER).bind(values)


def test_parameters_are_rdf_terms_not_query_text() -> None:
    query = parse_query("things", HEADER)
    hostile = "urn:x> } ; DROP ALL ; SELECT * { ?s ?p <urn:y"
    with pytest.raises(QueryError):
        query.bind({"kind": hostile, "limit": "1"})
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("} UNION {")))
    strings = parse_query("s", "# param: v string V\nSELECT ?s ?v WHERE { ?s ?p ?v }")
    assert [r["s"].value for r in run(store, strings, {"v": "} UNION {"})] == ["urn:a"]


def test_prefixed_names_expand() -> None:
    bound = parse_query("things", HEADER).bind({"kind": "person:noemie-escortell", "limit": "2"})
    assert bound[ox.Variable("kind")] == ox.NamedNode(NOEMIE)
    assert bound[ox.Variable("limit")].datatype.value.endswith("#integer")


def test_every_shipped_query_has_a_header_and_runs(store: ox.Store) -> None:
    queries = load_queries(ROOT / "queries")
    assert len(queries) >= 7
    examples = {
        "person": NOEMIE,
        "mission": f"{ID}event/mission-3",
        "organisation": f"{ID}organisation/co-actions",
    }
    for query in queries.values():
        assert query.title != query.name and query.description, query.name
        rows = list(run(store, query, {p.name: examples[p.name] for p in query.params}))
        assert rows, f"{query.name} returned nothing on the real data"


def test_a_named_query_with_a_syntax_error_is_reported() -> None:
    broken = NamedQuery("broken", "SELECT ?s WHERE { ?s ")
    with pytest.raises(QueryError, match="broken"):
        run(ox.Store(), broken)


def test_every_form_has_its_label(store: ox.Store) -> None:
    """Engines lower-case language tags: a label is matched by LANGMATCHES, not by "fr-FR"."""
    query = load_queries(ROOT / "queries")["organisations-by-form"]
    rows = list(run(store, query, {}))
    assert rows and all(row["formLabel"] is not None for row in rows)
    assert any(row["formLabel"].value == "tiers-lieu" for row in rows)  # type: ignore[union-attr]
