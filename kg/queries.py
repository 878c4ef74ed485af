"""Named queries: ``queries/*.rq`` files with a comment header, and typed parameters.

Header format (leading ``#`` lines, before the query)::

    # title: Who met whom
    # description: Everyone a person met, when, where and on what evidence.
    # param: person iri The person whose encounters are listed.

Parameters are bound as RDF terms through Oxigraph's substitutions — never
pasted into the query text — so a value cannot change the query's meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.remote import AnyStore
from kg.terms import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryError(Exception):
    """A named query that does not exist, is malformed, or got bad parameters."""


def _iri(value: str) -> ox.NamedNode:
    value = value.strip().removeprefix("<").removesuffix(">")
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if not re.fullmatch(r"[a-z][a-z0-9+.\-]*:[^\s<>\"{}|\\^`]+", value, re.I):
        raise ValueError("an absolute IRI (or prefix:name) is expected")
    return ox.NamedNode(value)


def _integer(value: str) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))


def _date(value: str) -> ox.Literal:
    return ox.Literal(date.fromisoformat(value).isoformat(), datatype=ox.NamedNode(XSD + "date"))


Substitutions = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]

PARAM_TYPES: dict[str, Callable[[str], ox.NamedNode | ox.Literal]] = {
    "iri": _iri,
    "string": ox.Literal,
    "integer": _integer,
    "date": _date,
}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = field(default_factory=tuple)

    def bind(self, values: dict[str, str]) -> Substitutions:
        """Typed RDF terms for the given parameter values; every parameter is required."""
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise QueryError(f"{self.name}: unknown parameter(s): {', '.join(sorted(unknown))}")
        bound: Substitutions = {}
        for param in self.params:
            if param.name not in values:
                raise QueryError(f"{self.name}: missing parameter {param.name} ({param.type})")
            try:
                bound[ox.Variable(param.name)] = PARAM_TYPES[param.type](values[param.name])
            except ValueError as error:
                raise QueryError(
                    f"{self.name}: parameter {param.name}={values[param.name]!r} "
                    f"is not a valid {param.type}: {error}"
                ) from error
        return bound


def parse_query(name: str, text: str) -> NamedQuery:
    """Read the header of a query file."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, sep, value = line.lstrip("# ").partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "param":
            pname, ptype, *desc = value.split(maxsplit=2)
            if ptype not in PARAM_TYPES:
                raise QueryError(f"{name}: parameter {pname} has unknown type {ptype!r}")
            params.append(Param(pname, ptype, desc[0] if desc else ""))
        elif key in ("title", "description"):
            meta[key] = value
    title, description = meta.get("title", name), meta.get("description", "")
    return NamedQuery(name, text, title, description, tuple(params))


def load_query(path: Path) -> NamedQuery:
    """One query file; its name is the file name without ``.rq``."""
    try:
        return parse_query(path.stem, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{path}: {error}") from error


def load_queries(folder: Path) -> dict[str, NamedQuery]:
    """Every named query of a folder (not its sub-folders: ``rules/`` are not queries)."""
    return {q.name: q for q in map(load_query, sorted(folder.glob("*.rq")))}


def run(
    store: AnyStore, query: NamedQuery, values: dict[str, str] | None = None
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Evaluate a named query over the union of the store's graphs."""
    try:
        return store.query(
            query.text,
            use_default_graph_as_union=True,
            substitutions=query.bind(values or {}),
        )
    except (SyntaxError, RuntimeError) as error:
        # RuntimeError: Oxigraph refuses a substitution of a variable the query does not project.
        raise QueryError(f"{query.name}: {error}") from error
