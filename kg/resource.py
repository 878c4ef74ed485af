"""A resource as people read it: label, kinds, properties with labelled values, incoming links.

Built from the rows of ``queries/pages/*.rq`` (SPARQL JSON bindings), so it works
the same whatever store answered them; labels come through :mod:`kg.labels`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kg.labels import pick
from kg.terms import ID, compact

Binding = Mapping[str, Mapping[str, str]]
Labels = Mapping[str, Mapping[str, str]]  # IRI -> {language tag: label}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PROPERTIES = {
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://www.w3.org/2000/01/rdf-schema#label",
}


@dataclass
class Value:
    """One value: an IRI (with its label, and whether it is ours) or a literal."""

    value: str
    kind: str  # uri | literal | bnode
    label: str | None = None
    language: str | None = None
    datatype: str | None = None

    @property
    def internal(self) -> bool:
        return self.kind == "uri" and self.value.startswith(str(ID))


@dataclass
class Property:
    iri: str
    label: str
    values: list[Value] = field(default_factory=list)
    count: int = 0  # incoming links: how many in all (values holds one page)


@dataclass
class Description:
    iri: str
    label: str
    types: list[Value]
    properties: list[Property]
    labels: dict[str, str]  # all its labels by language, for the page's language switch


def term_label(iri: str, labels: Labels, lang: str) -> str:
    """The label of a vocabulary term or resource, else its compact IRI."""
    return pick(labels.get(iri, {}), lang) or compact(iri)


def _gather(rows: Iterable[Binding], key: str) -> dict[str, dict[str, str]]:
    """{value IRI: {lang: label}} from rows carrying ``key`` and an optional ``label``."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        if "label" in row and key in row:
            found[row[key]["value"]][row["label"].get("xml:lang", "")] = row["label"]["value"]
    return found


def _value(term: Mapping[str, str], names: Mapping[str, dict[str, str]], lang: str) -> Value:
    return Value(
        term["value"],
        term["type"],
        pick(names.get(term["value"], {}), lang),
        term.get("xml:lang"),
        term.get("datatype"),
    )


def describe(iri: str, outgoing: Sequence[Binding], vocabulary: Labels, lang: str) -> Description:
    """Group the outgoing rows by property, labelled in ``lang``."""
    names = _gather(outgoing, "o")
    own: dict[str, str] = {}
    grouped: dict[str, dict[str, Value]] = defaultdict(dict)
    for row in outgoing:
        p, o = row["p"]["value"], row["o"]
        if p in LABEL_PROPERTIES and o["type"] == "literal":
            own.setdefault(o.get("xml:lang", ""), o["value"])
        grouped[p].setdefault(o["value"] + o.get("xml:lang", ""), _value(o, names, lang))
    types = list(grouped.pop(RDF_TYPE, {}).values())
    for value in types:
        value.label = value.label or term_label(value.value, vocabulary, lang)
    properties = [
        Property(p, term_label(p, vocabulary, lang), list(values.values()), len(values))
        for p, values in grouped.items()
    ]
    properties.sort(key=lambda prop: (prop.iri not in LABEL_PROPERTIES, prop.label.lower()))
    return Description(iri, pick(own, lang) or compact(iri), types, properties, own)


def incoming(
    counts: Sequence[Binding], page: Sequence[Binding], vocabulary: Labels, lang: str
) -> list[Property]:
    """Incoming links grouped by property: each with its total and the rows of one page."""
    names = _gather(page, "s")
    by_property = {
        row["p"]["value"]: Property(
            row["p"]["value"],
            term_label(row["p"]["value"], vocabulary, lang),
            count=int(row["n"]["value"]),
        )
        for row in counts
    }
    seen: set[tuple[str, str]] = set()
    for row in page:
        p, s = row["p"]["value"], row["s"]["value"]
        if (p, s) not in seen and p in by_property:
            seen.add((p, s))
            by_property[p].values.append(_value(row["s"], names, lang))
    return sorted(by_property.values(), key=lambda prop: prop.label.lower())
