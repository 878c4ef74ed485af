"""What the pages read once per build of the store instead of on every request.

Labels (for every name on every page, and the search), events (dates, places,
parents), coordinates, and the typed resources (sitemap, counts, lists). Each is
read through the query pool — the server never opens the store — in pages of the
row limit, and kept until the store link points at another build. The labels are
read one property at a time and the typed resources one type at a time (the types
counted by one aggregate query first, those of parts only left out): each page's
OFFSET then skips rows of one range of the store's indexes, not of the whole graph.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from flask import current_app, g

from kg.executor import Request
from kg.labels import fold
from kg.queries import NamedQuery, Substitutions, load_queries
from kg.remote import BUILD_GRAPH, BUILD_ID, Endpoint
from kg.resource import LABEL_PROPERTIES, NAME_PROPERTIES, Binding
from server.answers import own_pool

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KEY_SECONDS = 2.0
SCHEMA = "https://schema.org/"
ESS = "https://w3id.org/passerelles/ontology#"


@cache
def _page_queries(root: str) -> dict[str, NamedQuery]:
    return load_queries(Path(root) / "queries" / "pages")


def page_query(name: str) -> NamedQuery:
    """A query of ``queries/pages/``."""
    return _page_queries(current_app.config["PASSERELLES"]["root"])[name]


PREFIX = re.compile(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", re.I)


@cache
def _together(root: str, names: tuple[str, ...]) -> str:
    prefixes: dict[str, str] = {}
    branches = []
    for name in names:
        lines = _page_queries(root)[name].text.splitlines()
        text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
        prefixes.update(PREFIX.findall(text))
        where = text.index("{", text.upper().index("WHERE"))
        branches.append(f'{{\n{text[where : text.rindex("}") + 1]}\nBIND ("{name}" AS ?query)\n}}')
    head = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in sorted(prefixes.items()))
    return head + "SELECT * WHERE {\n" + "\nUNION\n".join(branches) + "\n}\n"


def together(*names: str) -> str:
    """Several SELECTs of ``queries/pages/`` as one (a UNION, each row's ``?query`` naming
    the query it answers): one trip to a query worker instead of several."""
    return _together(current_app.config["PASSERELLES"]["root"], names)


VARIABLE = re.compile(r"[?$](\w+)")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?')
ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if len(code) > 1 else ESCAPED.get(code, code)


def _term(cell: str) -> dict[str, str]:
    """A SPARQL JSON term from a TSV cell (an RDF term in N-Triples syntax)."""
    if cell.startswith("<"):
        return {"type": "uri", "value": cell[1:-1]}
    if cell.startswith("_:"):
        return {"type": "bnode", "value": cell[2:]}
    found = LITERAL.fullmatch(cell)
    if found is None:  # a bare number or boolean, as Turtle writes them
        return {"type": "literal", "value": cell}
    term = {"type": "literal", "value": ESCAPE.sub(_unescape, found.group(1))}
    if found.group(2):
        term["xml:lang"] = found.group(2)
    elif found.group(3) and found.group(3) != XSD_STRING:
        term["datatype"] = found.group(3)
    return term


def _table(text: str, substitutions: Substitutions | None) -> tuple[list[str], list[list[str]]]:
    """A SELECT's variables and rows of cells (RDF terms in N-Triples syntax, "" unbound),
    carried from the query worker as TSV: several times cheaper to write than JSON."""
    body = own_pool().execute(Request(text, "tsv", None, substitutions=substitutions or {})).body
    lines = body.decode("utf-8").split("\n")
    names = [name[1:] for name in lines[0].split("\t")] if lines[0] else []
    return names, [line.split("\t") for line in lines[1:] if line]


def select(text: str, substitutions: Substitutions | None = None) -> list[Binding]:
    """The rows of a SELECT as SPARQL JSON bindings (for the server's own queries)."""
    names, rows = _table(text, substitutions)
    return [
        {name: _term(cell) for name, cell in zip(names, row, strict=True) if cell} for row in rows
    ]


R = TypeVar("R")


def _pages(text: str, read: Callable[[str], list[R]], stable: bool) -> list[R]:
    size = current_app.config["PASSERELLES"]["max_rows"]
    rows = read(f"{text}\nLIMIT {size}")
    if len(rows) < size:
        return rows
    if not stable:
        order = " ".join(dict.fromkeys(f"?{name}" for name in VARIABLE.findall(text)))
        text, rows = f"{text}\nORDER BY {order}", []
    while True:
        chunk = read(f"{text}\nLIMIT {size} OFFSET {len(rows)}")
        rows += chunk
        if len(chunk) < size:
            return rows


def select_all(
    text: str, substitutions: Substitutions | None = None, stable: bool = True
) -> list[Binding]:
    """Every row of a SELECT without LIMIT, asked in pages of the pool's row limit.

    A ``stable`` query gives its rows in the same order every time (a scan of the store's
    indexes does), so its pages are read without ORDER BY: sorting a whole index would
    cost more than reading it. One that groups or joins by hashing may not: when it needs
    more than one page, it is asked again ordered by every variable it names.
    """
    return _pages(text, lambda page: select(page, substitutions), stable)


def cells_all(text: str, substitutions: Substitutions | None = None) -> list[list[str]]:
    """Every row of a stable SELECT as its cells, in the order of its variables: the
    indexes read hundreds of thousands of rows, and keep little of each."""
    return _pages(text, lambda page: _table(page, substitutions)[1], True)


def _each(name: str, variable: str, iris: Iterable[str]) -> Iterator[list[str]]:
    """The rows of a page query for each IRI bound to ``variable`` in turn."""
    text = page_query(name).text
    for iri in iris:
        yield from cells_all(text, {ox.Variable(variable): ox.NamedNode(iri)})


def about(iri: str) -> Substitutions:
    """The substitution that binds a page query's ``?resource``."""
    return {ox.Variable("resource"): ox.NamedNode(iri)}


def build_key() -> str:
    """The build being served: what the caches are keyed by. The build the store link
    points at, or the identifier a remote store's build recorded (read again at most
    every ``KEY_SECONDS``, so that every replica sees a reload made by another)."""
    where = current_app.config["PASSERELLES"]["location"]
    if not isinstance(where, Endpoint):
        return str(where.resolve())
    now = time.monotonic()
    expires, key = current_app.extensions.get("passerelles.build_key", (0.0, ""))
    if now >= expires:  # the record is asked for by name: it is not in "our" dataset
        record = Request(BUILD_ID, "tsv", None, named_graphs=(BUILD_GRAPH,))
        key = own_pool().execute(record).body.decode("utf-8")
        current_app.extensions["passerelles.build_key"] = (now + KEY_SECONDS, key)
    return key  # type: ignore[no-any-return]


def forget_build_key() -> None:
    """Read the remote build's identifier again on next use (after a reload)."""
    current_app.extensions.pop("passerelles.build_key", None)


@dataclass(frozen=True, slots=True)
class Event:
    iri: str
    types: frozenset[str] = frozenset()
    start: Mapping[str, str] | None = None  # SPARQL JSON terms, as the rows carry them
    end: Mapping[str, str] | None = None
    parent: str | None = None
    places: tuple[str, ...] = ()
    status: str | None = None
    number: int | None = None


@dataclass(slots=True)
class Name:
    """One label of one resource, folded for the search."""

    folded: str
    iri: str
    label: str
    language: str


@dataclass
class Indexes:
    labels: dict[str, dict[str, str]]  # IRI -> {language tag: display label}
    names: list[Name]
    events: dict[str, Event]
    coordinates: dict[str, tuple[float, float]]
    types: dict[str, frozenset[str]] = field(default_factory=dict)  # pages: id/, source/
    counts: Counter[str] = field(default_factory=Counter)  # every typed subject, by type

    def dates(self, iri: str) -> tuple[Mapping[str, str] | None, Mapping[str, str] | None]:
        """An event's start and end, else its parent's (a visit happens during its mission)."""
        event = self.events.get(iri, Event(iri))
        parent = self.events.get(event.parent or "", Event(""))
        return event.start or parent.start, event.end or parent.end


# The indexes keep hundreds of thousands of IRIs, each named by several rows (its labels,
# its types): one string for each, and one set for each combination of types, keep them
# small at a million triples. Rows are read as TSV cells: an IRI cell is "<IRI>".
def _iri(cell: str) -> str:
    return sys.intern(cell[1:-1])


def _labels(rows: Iterable[list[str]]) -> tuple[dict[str, dict[str, str]], list[Name]]:
    rank = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
    display: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    names = []
    for p, s, cell in rows:  # ?p ?s ?label
        iri, term = _iri(s), _term(cell)
        language, text = sys.intern(term.get("xml:lang", "")), term["value"]
        names.append(Name(fold(text), iri, text, language))
        at = rank.get(p[1:-1])
        if at is not None and at < display[iri].get(language, (99, ""))[0]:
            display[iri][language] = (at, text)
    labels = {iri: {lang: text for lang, (_, text) in by.items()} for iri, by in display.items()}
    return labels, names


def _events(rows: list[list[str]]) -> dict[str, Event]:
    facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for event, p, o in rows:  # ?event ?p ?o
        facts[_iri(event)][p[1:-1]].append(o)
    kinds: dict[frozenset[str], frozenset[str]] = {}

    def first(cells: list[str], iri: bool = False) -> Any:
        if not cells:
            return None
        return _iri(cells[0]) if iri else _term(cells[0])

    events = {}
    for iri, by in facts.items():
        types = frozenset(_iri(t) for t in by.get(RDF_TYPE, []))
        number = first(by.get(ESS + "missionNumber", []))
        events[iri] = Event(
            iri,
            kinds.setdefault(types, types),
            first(by.get(SCHEMA + "startDate", [])),
            first(by.get(SCHEMA + "endDate", [])),
            first(by.get(SCHEMA + "superEvent", []), iri=True),
            tuple(sorted({_iri(t) for t in by.get(SCHEMA + "location", [])})),
            first(by.get(SCHEMA + "eventStatus", []), iri=True),
            int(number["value"]) if number else None,
        )
    return events


def _coordinates(rows: list[list[str]]) -> dict[str, tuple[float, float]]:
    found = {}
    for place, lat, long in rows:  # ?place ?lat ?long
        try:
            found[_iri(place)] = (float(_term(lat)["value"]), float(_term(long)["value"]))
        except ValueError:
            continue  # a malformed number is not a position
    return found


def _types(rows: Iterable[list[str]], base: str) -> dict[str, frozenset[str]]:
    """The types of each resource with a page (``id/``, ``source/``; parts are not read)."""
    types: dict[str, set[str]] = defaultdict(set)
    pages = (base + "id/", base + "source/")
    for kind, s in rows:  # ?type ?s
        iri = s[1:-1]
        if iri.startswith(pages) and "#" not in iri:
            types[sys.intern(iri)].add(_iri(kind))
    kinds: dict[frozenset[str], frozenset[str]] = {}
    return {iri: kinds.setdefault(frozenset(k), frozenset(k)) for iri, k in types.items()}


_INDEXES_LOCK = threading.Lock()


@cache
def _indexes(build: str, base: str) -> Indexes:
    counts: Counter[str] = Counter()
    with_pages = []  # the types of some resource that is not a part
    for row in select(page_query("index-counts").text):  # a few rows: one per class
        counts[row["type"]["value"]] = int(row["n"]["value"])
        if int(row["n"]["value"]) > int(row["parts"]["value"]):
            with_pages.append(row["type"]["value"])
    return Indexes(
        *_labels(_each("index-labels", "p", NAME_PROPERTIES)),
        _events(cells_all(page_query("index-events").text)),
        _coordinates(cells_all(page_query("index-places").text)),
        _types(_each("index-instances", "type", sorted(with_pages)), base),
        counts,
    )


def indexes() -> Indexes:
    """The indexes of the build being served (read on first use; one lookup per request)."""
    if "passerelles_indexes" not in g:
        # One thread reads them; the first requests after a start or a reload wait for it
        # rather than each reading every index of a large graph again.
        with _INDEXES_LOCK:
            g.passerelles_indexes = _indexes(build_key(), current_app.config["PASSERELLES"]["base"])
    return g.passerelles_indexes  # type: ignore[no-any-return]
