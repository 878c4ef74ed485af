"""A resource as people read it: label, kinds, properties with labelled values, parts, links in.

Built from the rows of ``queries/pages/*.rq`` (SPARQL JSON bindings), so it works
the same whatever store answered them. The rows carry IRIs only: names come from a
label index (``{IRI: {language tag: label}}``) read once per build, through
:func:`kg.labels.pick` and its fallback chain. What each kind of page adds (a
person's encounters, an organisation's people…) is in :mod:`kg.sections`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kg.labels import pick
from kg.links import lookup_url
from kg.terms import ID, compact

Binding = Mapping[str, Mapping[str, str]]
Labels = Mapping[str, Mapping[str, str]]  # IRI -> {language tag: label}

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
LABEL_PROPERTIES = (SKOS + "prefLabel", FOAF + "name", RDFS + "label", DCTERMS + "title")
NAME_PROPERTIES = (*LABEL_PROPERTIES, SKOS + "altLabel", SKOS + "hiddenLabel")
# Shown as the page's lead paragraph, in the reader's language, rather than in the table.
TEXT_PROPERTIES = (DCTERMS + "description", SKOS + "definition", RDFS + "comment")
# A long list of values shows this many; the rest is a count (the sections page them).
SHOWN_VALUES = 50


@dataclass
class Value:
    """One value: an IRI (with its label) or a literal."""

    value: str
    kind: str  # uri | literal | bnode
    label: str | None = None
    language: str | None = None
    datatype: str | None = None

    @property
    def internal(self) -> bool:
        return self.kind == "uri" and self.value.startswith(str(ID))

    @property
    def text(self) -> str:
        return self.label or self.value


@dataclass
class Property:
    iri: str
    label: str
    values: list[Value] = field(default_factory=list)
    count: int = 0  # how many in all (values may hold only some of them)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.values))


@dataclass
class Part:
    """A hash IRI of the resource (a membership, a delegation, an encounter…)."""

    iri: str
    fragment: str
    label: str
    types: list[Value]
    properties: list[Property]


@dataclass
class Description:
    iri: str
    label: str
    types: list[Value]
    properties: list[Property]
    labels: dict[str, str]  # all its labels by language, for the page's language switch
    parts: list[Part] = field(default_factory=list)

    def values(self, *iris: str) -> list[Value]:
        """The values of some properties (all of them, in order)."""
        return [v for prop in self.properties if prop.iri in iris for v in prop.values]

    def text(self, iri: str, lang: str) -> str | None:
        """A literal property's text in the reader's language (fallback chain)."""
        return pick({v.language or "": v.value for v in self.values(iri)}, lang)


def humanise(iri: str) -> str:
    """Words from an IRI's local name: ``foaf:givenName`` → ``given name``."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ").replace("-", " ")
    return words.lower() if words != words.upper() else words


def term_label(iri: str, labels: Labels, lang: str) -> str:
    """The label of a vocabulary term or resource, else words made from its IRI."""
    return pick(labels.get(iri, {}), lang) or humanise(iri) or compact(iri)


def part_label(iri: str, labels: Labels, lang: str, words: Mapping[str, str]) -> str | None:
    """A part without a label of its own is named after its resource: "Co-Actions · contact"."""
    base, _, fragment = iri.partition("#")
    if not fragment:
        return None
    kind, _, rest = fragment.partition("-")
    owner = pick(labels.get(base, {}), lang) or compact(base)
    if kind not in words:
        return f"{owner} · {fragment}"
    return f"{owner} · {words[kind]}" + (f" ({rest.replace('-', ' ')})" if rest else "")


def value(
    term: Mapping[str, str], labels: Labels, lang: str, parts: Mapping[str, str] | None = None
) -> Value:
    """A Value from a SPARQL JSON term, labelled from the index."""
    label = None
    if term["type"] == "uri":
        label = pick(labels.get(term["value"], {}), lang)
        if label is None:
            label = part_label(term["value"], labels, lang, parts or {})
    return Value(term["value"], term["type"], label, term.get("xml:lang"), term.get("datatype"))


def _properties(
    statements: Mapping[str, Mapping[str, Value]], vocabulary: Labels, lang: str
) -> list[Property]:
    """The statements by property, labelled; names first, then by label."""
    properties = []
    for p, values in statements.items():
        # The same words in two languages ("Bordeaux"@fr, "Bordeaux"@en) are shown once.
        once: dict[tuple[str, str], Value] = {}
        for v in values.values():
            once.setdefault((v.kind, v.value), v)
        shown = list(once.values())
        properties.append(
            Property(p, term_label(p, vocabulary, lang), shown[:SHOWN_VALUES], len(shown))
        )
    mine = lang.split("-")[0].lower()
    for prop in properties:
        # Links first, then the texts in the reader's language, then the others.
        prop.values.sort(
            key=lambda v: (
                v.kind != "uri",
                (v.language or mine).split("-")[0].lower() != mine,
                v.text.lower(),
            )
        )
    rank = {iri: i for i, iri in enumerate(NAME_PROPERTIES)}
    properties.sort(key=lambda prop: (rank.get(prop.iri, len(rank)), prop.label.lower()))
    return properties


def _types(values: Iterable[Value], vocabulary: Labels, lang: str) -> list[Value]:
    """Types in words; those the vocabulary cannot name are left out when others can."""
    types = list(values)
    named = [t for t in types if vocabulary.get(t.value)]
    for t in types:
        t.label = term_label(t.value, vocabulary, lang)
    return named or types


def describe(
    iri: str,
    rows: Sequence[Binding],
    labels: Labels,
    lang: str,
    part_words: Mapping[str, str] | None = None,
) -> Description:
    """Group the rows of ``outgoing.rq`` by subject (the resource or a part), then property."""
    grouped: dict[str, dict[str, dict[str, Value]]] = defaultdict(lambda: defaultdict(dict))
    own: dict[str, str] = {}
    for row in rows:
        s, p, o = row["s"]["value"], row["p"]["value"], row["o"]
        if s == iri and p in LABEL_PROPERTIES and o["type"] == "literal":
            own.setdefault(o.get("xml:lang", ""), o["value"])
        key = o["value"] + "@" + o.get("xml:lang", "")
        grouped[s][p].setdefault(key, value(o, labels, lang, part_words))
    main = grouped.pop(iri, {})
    types = _types(main.pop(RDF_TYPE, {}).values(), labels, lang)
    parts = []
    for part_iri in sorted(grouped):
        statements = grouped[part_iri]
        fragment = part_iri.partition("#")[2]
        label = pick(labels.get(part_iri, {}), lang) or fragment.replace("-", " ")
        part_types = _types(statements.pop(RDF_TYPE, {}).values(), labels, lang)
        parts.append(
            Part(part_iri, fragment, label, part_types, _properties(statements, labels, lang))
        )
    label = pick(own, lang) or pick(labels.get(iri, {}), lang) or compact(iri)
    return Description(iri, label, types, _properties(main, labels, lang), own, parts)


def incoming(
    rows: Sequence[Binding], labels: Labels, lang: str, part_words: Mapping[str, str] | None = None
) -> list[Property]:
    """Incoming links grouped by property: each with its total (rows with ``?n``) and the
    resources of one page (the other rows)."""
    by_property: dict[str, Property] = {}
    for row in rows:
        if "n" in row:
            p = row["p"]["value"]
            by_property[p] = Property(p, term_label(p, labels, lang), count=int(row["n"]["value"]))
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if "s" not in row or row["p"]["value"] not in by_property:
            continue
        p, s = row["p"]["value"], row["s"]["value"]
        if (p, s) not in seen:
            seen.add((p, s))
            by_property[p].values.append(value(row["s"], labels, lang, part_words))
    for prop in by_property.values():
        prop.values.sort(key=lambda v: v.text.lower())
    return sorted(by_property.values(), key=lambda prop: prop.label.lower())


def labels_from_rows(rows: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    """``{IRI: {language: label}}`` from (IRI, label, language) triples; the first label of a
    language wins, as the label properties come in order of preference."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for iri, label, language in rows:
        found[iri].setdefault(language, label)
    return dict(found)


ADMS_IDENTIFIER = "http://www.w3.org/ns/adms#Identifier"
NOTATION, SCHEME = SKOS + "notation", DCTERMS + "type"


@dataclass(frozen=True)
class Identifier:
    """An official code of the resource (an ``adms:Identifier`` part): its scheme and code."""

    scheme: Value  # the scheme's concept, with its label
    code: str
    link: Value | None  # the code's page in its scheme's public directory, if any


def identifiers(resource: Description) -> list[Identifier]:
    """The resource's codes, from its ``adms:Identifier`` parts, by scheme then code."""
    found = []
    for part in resource.parts:
        if ADMS_IDENTIFIER not in {t.value for t in part.types}:
            continue
        values = {p.iri: p.values for p in part.properties}
        for scheme in values.get(SCHEME, []):
            for code in values.get(NOTATION, []):
                url = lookup_url(scheme.value, code.value)
                link = Value(url, "uri", label=code.value) if url else None
                found.append(Identifier(scheme, code.value, link))
    return sorted(found, key=lambda i: (i.scheme.text, i.code))
