"""The ESSGLOBAL export: our organisations in the vocabulary the SSE maps read.

Each organisation (``org:Organization`` or a subclass) becomes an
``essglobal:SSEInitiative`` under its own IRI, with ``gr:name``, ``foaf:homepage``,
the lod.coop organisational-structure and activity concepts its glossary type
matches, an ``essglobal:Address`` (vCard locality, region and country name,
WGS84 coordinates) and ``dcterms:source``. The mapping is the CONSTRUCT in
``queries/export/essglobal.rq``; vocabulary: ``../shared/vocab/essglobal/``,
deployed base https://lod.coop/essglobal/2.1/. People are never exported.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.export import FORMATS
from kg.queries import load_query, run
from kg.terms import PREFIXES

QUERY = Path(__file__).resolve().parents[1] / "queries" / "export" / "essglobal.rq"
ESSGLOBAL = "https://lod.coop/essglobal/2.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

ESSGLOBAL_PREFIXES: dict[str, str] = PREFIXES | {
    "essglobal": ESSGLOBAL + "vocab/",
    "gr": "http://purl.org/goodrelations/v1#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "os": ESSGLOBAL + "standard/organisational-structure/",
    "am": ESSGLOBAL + "standard/activities-modified/",
    "ica": ESSGLOBAL + "standard/activities-ica/",
}


def _order(triple: ox.Triple) -> tuple[str, bool, str, str]:
    """Subject by subject, its type first, so that Turtle groups each description."""
    predicate = triple.predicate.value
    return (str(triple.subject), predicate != RDF_TYPE, predicate, str(triple.object))


def initiatives(store: ox.Store) -> list[ox.Triple]:
    """The ESSGLOBAL description of every organisation of the store, in a stable order."""
    triples = run(store, load_query(QUERY))
    assert isinstance(triples, ox.QueryTriples)
    return sorted(triples, key=_order)


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of ``triples`` is in."""
    iris = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object)
        if isinstance(term, ox.NamedNode)
    } | {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    return {
        prefix: namespace
        for prefix, namespace in ESSGLOBAL_PREFIXES.items()
        if any(iri.startswith(namespace) for iri in iris)
    }


def export(store: ox.Store, name: str, output: BinaryIO) -> None:
    """Write the ESSGLOBAL description in the format called ``name`` (one graph)."""
    fmt, _ = FORMATS[name]
    triples = initiatives(store)
    ox.serialize(triples, output, fmt, prefixes=used_prefixes(triples))
