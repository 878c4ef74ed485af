"""What the pages read once per build of the store instead of on every request.

Labels (for every name on every page, and the search), events (dates, places,
parents), coordinates, and the typed resources (sitemap, counts, lists). Each is
read through the query pool — the server never opens the store — in pages of the
row limit, and kept until the store link points at another build.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from flask import current_app, g

from kg.executor import Request
from kg.labels import fold
from kg.queries import NamedQuery, Substitutions, load_queries
from kg.remote import BUILD_GRAPH, BUILD_ID, Endpoint
from kg.resource import LABEL_PROPERTIES, Binding
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


def select(text: str, substitutions: Substitutions | None = None) -> list[Binding]:
    """The rows of a SELECT as SPARQL JSON bindings, carried from the query worker as TSV:
    several times cheaper to write than JSON, for the server's own queries."""
    body = own_pool().execute(Request(text, "tsv", None, substitutions=substitutions or {})).body
    lines = body.decode("utf-8").split("\n")
    names = [name[1:] for name in lines[0].split("\t")] if lines[0] else []
    return [
        {name: _term(cell) for name, cell in zip(names, line.split("\t"), strict=True) if cell}
        for line in lines[1:]
        if line
    ]


def select_all(
    text: str, substitutions: Substitutions | None = None, stable: bool = True
) -> list[Binding]:
    """Every row of a SELECT without LIMIT, asked in pages of the pool's row limit.

    A ``stable`` query gives its rows in the same order every time (a scan of the store's
    indexes does), so its pages are read without ORDER BY: sorting a whole index would
    cost more than reading it. One that groups or joins by hashing may not: when it needs
    more than one page, it is asked again ordered by every variable it names.
    """
    size = current_app.config["PASSERELLES"]["max_rows"]
    rows: list[Binding] = list(select(f"{text}\nLIMIT {size}", substitutions))
    if len(rows) < size:
        return rows
    if not stable:
        order = " ".join(dict.fromkeys(f"?{name}" for name in VARIABLE.findall(text)))
        text, rows = f"{text}\nORDER BY {order}", []
    while True:
        chunk = select(f"{text}\nLIMIT {size} OFFSET {len(rows)}", substitutions)
        rows += chunk
        if len(chunk) < size:
            return rows


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


@dataclass(frozen=True)
class Event:
    iri: str
    types: frozenset[str] = frozenset()
    start: Mapping[str, str] | None = None  # SPARQL JSON terms, as the rows carry them
    end: Mapping[str, str] | None = None
    parent: str | None = None
    places: tuple[str, ...] = ()
    status: str | None = None
    number: int | None = None


@dataclass
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


def _labels(rows: list[Binding]) -> tuple[dict[str, dict[str, str]], list[Name]]:
    rank = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
    display: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    names = []
    for row in rows:
        iri, p, term = row["s"]["value"], row["p"]["value"], row["label"]
        language, text = term.get("xml:lang", ""), term["value"]
        names.append(Name(fold(text), iri, text, language))
        if p in rank and rank[p] < display[iri].get(language, (99, ""))[0]:
            display[iri][language] = (rank[p], text)
    labels = {iri: {lang: text for lang, (_, text) in by.items()} for iri, by in display.items()}
    return labels, names


def _events(rows: list[Binding]) -> dict[str, Event]:
    facts: dict[str, dict[str, list[Mapping[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        facts[row["event"]["value"]][row["p"]["value"]].append(row["o"])
    events = {}
    for iri, by in facts.items():
        number = by.get(ESS + "missionNumber")
        events[iri] = Event(
            iri,
            frozenset(t["value"] for t in by.get(RDF_TYPE, [])),
            next(iter(by.get(SCHEMA + "startDate", [])), None),
            next(iter(by.get(SCHEMA + "endDate", [])), None),
            next((t["value"] for t in by.get(SCHEMA + "superEvent", [])), None),
            tuple(sorted({t["value"] for t in by.get(SCHEMA + "location", [])})),
            next((t["value"] for t in by.get(SCHEMA + "eventStatus", [])), None),
            int(number[0]["value"]) if number else None,
        )
    return events


def _coordinates(rows: list[Binding]) -> dict[str, tuple[float, float]]:
    found = {}
    for row in rows:
        try:
            found[row["place"]["value"]] = (float(row["lat"]["value"]), float(row["long"]["value"]))
        except ValueError:
            continue  # a malformed number is not a position
    return found


_INDEXES_LOCK = threading.Lock()


@cache
def _indexes(build: str, base: str) -> Indexes:
    labels, names = _labels(select_all(page_query("index-labels").text))
    indexes = Indexes(
        labels,
        names,
        _events(select_all(page_query("index-events").text)),
        _coordinates(select_all(page_query("index-places").text)),
    )
    types: dict[str, set[str]] = defaultdict(set)
    for row in select_all(page_query("index-instances").text):
        iri, kind = row["s"]["value"], row["type"]["value"]
        indexes.counts[kind] += 1
        if iri.startswith((base + "id/", base + "source/")) and "#" not in iri:
            types[iri].add(kind)
    indexes.types = {iri: frozenset(kinds) for iri, kinds in types.items()}
    return indexes


def indexes() -> Indexes:
    """The indexes of the build being served (read on first use; one lookup per request)."""
    if "passerelles_indexes" not in g:
        # One thread reads them; the first requests after a start or a reload wait for it
        # rather than each reading every index of a large graph again.
        with _INDEXES_LOCK:
            g.passerelles_indexes = _indexes(build_key(), current_app.config["PASSERELLES"]["base"])
    return g.passerelles_indexes  # type: ignore[no-any-return]
