"""The N-Triples building blocks of synthetic data (see :mod:`kg.generate`): terms,
literals, and the block of lines one unit of generation writes."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.generate_words import SIDES, VOWELS, Side

ID = "https://w3id.org/passerelles/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SOURCE = "<https://w3id.org/passerelles/source/synthetic-benchmark>"
NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "ess": "https://w3id.org/passerelles/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "cpt": ID + "concept/",
    "plc": ID + "place/",
}


class _Terms(dict[str, str]):
    """``T["skos:prefLabel"]`` is ``<http://www.w3.org/2004/02/skos/core#prefLabel>``."""

    def __missing__(self, curie: str) -> str:
        prefix, local = curie.split(":", 1)
        self[curie] = f"<{NAMESPACES[prefix]}{local}>"
        return self[curie]


T = _Terms()
A = T["rdf:type"]
LABEL = T["skos:prefLabel"]
DERIVED = T["prov:wasDerivedFrom"]


def iri(kind: str, slug: str) -> str:
    """The N-Triples form of an instance IRI."""
    return f"<{ID}{kind}/{slug}>"


def fr(text: str) -> str:
    return f'"{text}"@fr'


def en(text: str) -> str:
    return f'"{text}"@en'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def of_(name: str) -> str:
    return f"d'{name}" if name[0] in VOWELS else f"de {name}"


def join(prefix: str, name: str) -> str:
    """A town name: "Villeneuve-de-" and "Eymet" make "Villeneuve-d'Eymet"."""
    return (
        prefix[:-3] + "d'" + name if prefix.endswith("de-") and name[0] in VOWELS else prefix + name
    )


City = tuple[str, str, str]  # IRI, name, region IRI


@dataclass
class Org:
    slug: str
    label: str
    side: Side
    city: str
    region: str
    members: list[str] = field(default_factory=list)  # person slugs, one membership each

    @property
    def iri(self) -> str:
        return iri("organisation", self.slug)


@dataclass
class State:
    """What carries over from one block to the next (a copy is taken before each try)."""

    counts: dict[str, int] = field(default_factory=dict)
    regions: set[str] = field(default_factory=set)
    hubs: dict[Side, list[Org]] = field(default_factory=lambda: {side: [] for side in SIDES})

    def copy(self) -> State:
        hubs = {side: list(orgs) for side, orgs in self.hubs.items()}
        return State(dict(self.counts), set(self.regions), hubs)

    def next(self, kind: str) -> int:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]


class Block:
    """The triples of one unit of generation, and the IRIs sample_iris may pick."""

    def __init__(self) -> None:
        self.lines: list[str] = []  # the stated facts: what a source file holds
        self.derived: list[str] = []  # what the rules derive from them
        # Each pair that meets has a traveller of this block: no other block makes it.
        self.met: set[tuple[str, str]] = set()
        self.orgs: list[Org] = []
        self.missions: list[str] = []
        self.travellers: list[str] = []

    def __len__(self) -> int:
        return len(self.lines) + len(self.derived)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} {predicate} {obj} .\n")

    def derive(self, subject: str, predicate: str, obj: str) -> None:
        self.derived.append(f"{subject} {predicate} {obj} .\n")

    def resource(self, subject: str, *pairs: tuple[str, str]) -> None:
        """Several triples of one subject, with the synthetic source as provenance."""
        for predicate, obj in pairs:
            self.lines.append(f"{subject} {predicate} {obj} .\n")
        self.lines.append(f"{subject} {DERIVED} {SOURCE} .\n")

    def encounter(self, node: str, a: str, b: str, event: str, evidence: str) -> None:
        """An ess:Encounter and its ess:met, as the rules of queries/rules/ mint them."""
        for predicate, obj in (
            (A, T["ess:Encounter"]),
            (T["ess:participant"], a),
            (T["ess:participant"], b),
            (T["ess:during"], event),
            (T["ess:evidence"], T[f"ess:{evidence}"]),
            (DERIVED, SOURCE),
        ):
            self.derive(node, predicate, obj)
        pair = (a, b) if a < b else (b, a)
        if pair not in self.met:
            self.met.add(pair)
            self.derive(a, T["ess:met"], b)
            self.derive(b, T["ess:met"], a)

    def people_met(self, event: str, a: str, b: str, evidence: str) -> None:
        """Two people (slugs) met during an event (slug): ``{event}#encounter-{a}-and-{b}``."""
        node = f"<{ID}event/{event}#encounter-{a}-and-{b}>"
        self.encounter(node, iri("person", a), iri("person", b), iri("event", event), evidence)
