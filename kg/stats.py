"""Counts that describe a built store: triples per graph, instances per class."""

from __future__ import annotations

import pyoxigraph as ox

from kg.remote import AnyStore
from kg.terms import compact

CLASSES_QUERY = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
GRAPHS_QUERY = """
SELECT ?graph (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY ?graph
"""


def stats(store: AnyStore) -> dict[str, dict[str, int]]:
    """``{"graphs": {graph: triples}, "classes": {class: instances}}``, IRIs compacted."""

    def counts(query: str, key: str, union: bool) -> dict[str, int]:
        rows = store.query(query, use_default_graph_as_union=union)
        assert isinstance(rows, ox.QuerySolutions)
        return {compact(row[key].value): int(row["n"].value) for row in rows}

    return {
        "graphs": counts(GRAPHS_QUERY, "graph", union=False),
        "classes": counts(CLASSES_QUERY, "class", union=True),
    }
