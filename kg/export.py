"""Exporting the built graph: Turtle (all graphs merged), TriG, N-Quads, JSON-LD."""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

from kg.store import UNION
from kg.terms import PREFIXES

# name -> (Oxigraph format, keeps named graphs)
FORMATS: dict[str, tuple[ox.RdfFormat, bool]] = {
    "ttl": (ox.RdfFormat.TURTLE, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nq": (ox.RdfFormat.N_QUADS, True),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}


def export(store: ox.Store, name: str, output: BinaryIO) -> None:
    """Write the whole store to ``output`` in the format called ``name``."""
    fmt, with_graphs = FORMATS[name]
    if with_graphs:
        quads = store.quads_for_pattern(None, None, None)
        ox.serialize(quads, output, fmt, prefixes=PREFIXES)
    else:
        triples = store.query(UNION, use_default_graph_as_union=True)
        assert isinstance(triples, ox.QueryTriples)
        ox.serialize(triples, output, fmt, prefixes=PREFIXES)
