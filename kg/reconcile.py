"""Reconciliation: is an imported record the same organisation as one of ours?

Our organisations are those described outside the import graphs. A record is
compared with each of them by name (the best similarity of its name with any of
our labels, accents, case, punctuation and a leading article aside), commune
(INSEE code), web site host and legal form. A link needs a name nearly the same
*and* other evidence that agrees, and nothing that disagrees: two different
known communes rule a link out, whatever the name (networks such as La Ruche or
Arrêt Minute have one name and one web site for places in several towns).

The score: 0.6 × name similarity, + 0.25 for the same commune, + 0.25 for the
same web host, + 0.2 for a compatible legal form, capped at 1; a link needs
``min_name`` and ``threshold`` (both in the profile). Everything is
deterministic: same data, same links, same scores.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import urlsplit

import pyoxigraph as ox

from kg.labels import fold
from kg.terms import GRAPH, ID

IMPORT_GRAPHS = str(GRAPH) + "import/"
NAME_WEIGHT, COMMUNE_WEIGHT, WEB_WEIGHT, FORM_WEIGHT = 0.6, 0.25, 0.25, 0.2
# Hosts of many unrelated sites: the same host there says nothing.
SHARED_HOSTS = (
    "facebook.com",
    "twitter.com",
    "linkedin.com",
    "instagram.com",
    "google.com",
    "wixsite.com",
    "wix.com",
    "jimdo.com",
    "jimdofree.com",
    "wordpress.com",
    "blogspot.com",
    "over-blog.com",
    "free.fr",
    "bit.ly",
    "goo.gl",
)
ARTICLES = {"l", "la", "le", "les", "the"}
NOT_WORD = re.compile(r"[^a-z0-9]+")
# Words too common in names to find candidates by.
COMMON = {"de", "du", "des", "et", "en", "a", "au", "aux", "d", "sur", "pour"} | ARTICLES

OURS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?imports ?org ?label WHERE {
  GRAPH ?g { ?org a org:Organization }
  FILTER (!STRSTARTS(STR(?g), STR(?imports)))
  ?org skos:prefLabel|skos:altLabel|skos:hiddenLabel ?label .
}
"""
FACTS = """
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ess: <https://w3id.org/passerelles/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?imports ?org ?kind ?value WHERE {
  GRAPH ?g { ?org a org:Organization }
  FILTER (!STRSTARTS(STR(?g), STR(?imports)))
  {
    ?org schema:location/schema:containedInPlace* ?place .
    ?place adms:identifier ?id .
    ?id dcterms:type <https://w3id.org/passerelles/id/concept/scheme-insee-commune> ;
        skos:notation ?value .
    BIND ("commune" AS ?kind)
  }
  UNION { ?org foaf:homepage ?value . BIND ("web" AS ?kind) }
  UNION { ?org org:classification/skos:broader* ?value . BIND ("form" AS ?kind) }
}
"""


@dataclass
class Ours:
    """What we know of one of our organisations, for comparison."""

    iri: str
    names: dict[str, str] = field(default_factory=dict)  # normalised -> as written
    compared: list[Name] = field(default_factory=list)  # made by the Reconciler
    communes: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)  # classifications and their broader concepts


@dataclass(frozen=True)
class Record:
    """The keys of one imported record (any may be empty)."""

    iri: str
    name: str
    commune: str = ""
    web: str = ""
    form: str = ""  # a glossary concept IRI


@dataclass(frozen=True)
class Match:
    ours: str
    record: str
    score: float
    name_similarity: float
    our_name: str
    same_commune: bool
    same_web_host: bool
    same_form: bool

    def evidence(self) -> str:
        """The evidence in words, for the reconciliation resource and reports."""
        parts = [f"name {self.name_similarity:.2f} ({self.our_name!r})"]
        parts += ["same commune"] * self.same_commune + ["same web host"] * self.same_web_host
        parts += ["compatible legal form"] * self.same_form
        return ", ".join(parts)


def normalise(name: str) -> str:
    """A name without accents, case, punctuation or a leading article.

    ``L'Arrêt Minute`` → ``arret minute``; ``Simone & les Mauhargats`` → ``simone et les
    mauhargats``.
    """
    folded = name.lower() if name.isascii() else fold(name)  # most register names are ASCII
    words = NOT_WORD.sub(" ", folded.replace("&", " et ")).split()
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def host(url: str) -> str:
    """The web host without ``www.``, or "" for a shared host (see SHARED_HOSTS)."""
    text = url.strip().lower()
    netloc = urlsplit(text if "://" in text else "http://" + text).hostname or ""
    netloc = netloc.removeprefix("www.")
    shared = any(netloc == h or netloc.endswith("." + h) for h in SHARED_HOSTS)
    return "" if shared else netloc


@dataclass
class Name:
    """One of our names, normalised, ready to be compared many times."""

    text: str
    written: str
    letters: Counter[str]
    matcher: SequenceMatcher

    @classmethod
    def of(cls, text: str, written: str) -> Name:
        return cls(text, written, Counter(text), SequenceMatcher(None, "", text, autojunk=False))

    def similarity(self, name: str, letters: Counter[str], floor: float) -> float:
        """difflib's ratio of ``name`` and this one, or 0 when it cannot reach ``floor``.

        The ratio is at most 2·min(len)/(len a + len b), and at most 2·(letters in
        common)/(len a + len b) (difflib's ``quick_ratio``): both are checked first, as
        most candidates fail them and the ratio is costly.
        """
        total = len(name) + len(self.text)
        if 2 * min(len(name), len(self.text)) < floor * total:
            return 0.0
        if 2 * sum((letters & self.letters).values()) < floor * total:
            return 0.0
        self.matcher.set_seq1(name)  # the matcher keeps what it learnt of our name
        return self.matcher.ratio()


class Reconciler:
    """Our organisations, indexed by name words, ready to compare records with."""

    def __init__(self, ours: Iterable[Ours], threshold: float, min_name: float) -> None:
        self.ours = sorted(ours, key=lambda o: o.iri)
        self.threshold, self.min_name = threshold, min_name
        self.by_word: dict[str, list[Ours]] = defaultdict(list)
        for org in self.ours:
            org.compared = [Name.of(n, w) for n, w in sorted(org.names.items())]
            for word in sorted({w for n in org.names for w in n.split()} - COMMON):
                self.by_word[word].append(org)

    def matches(self, record: Record) -> list[Match]:
        """Our organisations this record is, best first (usually none, at most a few)."""
        name = normalise(record.name)
        candidates = {o.iri: o for w in name.split() for o in self.by_word.get(w, ())}
        letters = Counter(name)
        found = [self._compare(record, name, letters, o) for _, o in sorted(candidates.items())]
        return sorted((m for m in found if m), key=lambda m: (-m.score, m.ours))

    def _compare(self, record: Record, name: str, letters: Counter[str], org: Ours) -> Match | None:
        sim, written = max((n.similarity(name, letters, self.min_name), n.written)
                           for n in org.compared)  # fmt: skip
        if sim < self.min_name:
            return None
        if record.commune and org.communes and record.commune not in org.communes:
            return None  # somewhere else: another place of the same name or network
        web = host(record.web)
        same_commune = bool(record.commune) and record.commune in org.communes
        same_web = bool(web) and web in org.hosts
        same_form = bool(record.form) and record.form in org.forms
        score = NAME_WEIGHT * sim + COMMUNE_WEIGHT * same_commune + WEB_WEIGHT * same_web
        score = round(min(1.0, score + FORM_WEIGHT * same_form), 3)
        if score < self.threshold:
            return None
        return Match(
            org.iri, record.iri, score, round(sim, 3), written, same_commune, same_web, same_form
        )


Bindings = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


def solutions(store: ox.Store, query: str, bindings: Bindings | None = None) -> ox.QuerySolutions:
    """The rows of a SELECT over the union of the store's graphs."""
    result = store.query(query, substitutions=bindings, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


def our_organisations(store: ox.Store) -> list[Ours]:
    """Our organisations (outside the import graphs) with their names, communes, hosts, forms."""
    found: dict[str, Ours] = {}
    bound: Bindings = {ox.Variable("imports"): ox.Literal(IMPORT_GRAPHS)}
    for row in solutions(store, OURS, bound):
        iri, label = row["org"].value, row["label"].value
        if iri.startswith(str(ID)):
            names = found.setdefault(iri, Ours(iri)).names
            key = normalise(label)
            names[key] = min(names.get(key, label), label)  # the same whatever the row order
    for row in solutions(store, FACTS, bound):
        org = found.get(row["org"].value)
        if org is None:
            continue  # an organisation without a label: nothing to compare
        kind, value = row["kind"].value, row["value"].value
        if kind == "commune":
            org.communes.add(value)
        elif kind == "web" and host(value):
            org.hosts.add(host(value))
        elif kind == "form":
            org.forms.add(value)
    return list(found.values())
