"""Parameters bound as VALUES blocks, for a remote store (the SPARQL protocol has no
substitutions).

The embedded store binds a named query's parameters as substitutions: the variable
is the given term wherever it is in scope. A SPARQL 1.1 engine gets that meaning from
a VALUES block of the terms at the start of each group where the variable is in scope:
the query's WHERE group (so that the results carry the value), the WHERE group of each
sub-SELECT that projects it, and every group that names it in a pattern or expression
of its own — so that each UNION branch or OPTIONAL is looked up from the value, not
evaluated whole and joined afterwards (Oxigraph: 8 ms instead of 450 for a page). Not
in a group that only holds groups naming it: Virtuoso 7 then fails to order the query
(``SQ142: Different number of expected and generated columns``). A sub-SELECT that
does not project the variable has one of its own by that name, and is left alone.

The places are found by the lexer of :mod:`kg.sparql_guard`, which never takes text in
a string, an IRI or a comment for syntax; the terms are written by pyoxigraph. The same
lexer finds where :func:`cap` puts the row limit a remote SELECT is sent with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.sparql_guard import FORMS, TOKEN

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
# Words that end the head of a DESCRIBE with no WHERE clause.
MODIFIERS = {"ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP", "HAVING"}
LIMIT_NUMBER = re.compile(r"\s*(\d+)")


@dataclass
class _Head:
    """A query form being read, up to the ``{`` that opens its WHERE group."""

    form: str
    outer: bool
    end: int  # end of the head's last token
    projected: set[str] = field(default_factory=set)
    templated: bool = False  # CONSTRUCT: its template was read
    where: bool = False
    parens: int = 0
    alias: bool = False  # the next variable follows AS


@dataclass
class _Frame:
    """An open pair of braces."""

    position: int  # just after its "{"
    kind: str  # where (a query's WHERE group), group, wrapper ("{ SELECT"), data, template
    ours: frozenset[str]  # the bound variables that are the query's own in it
    seen: set[str] = field(default_factory=set)  # those it names itself, not in a subgroup


def _read_head(head: _Head, kind: str, word: str, end: int) -> None:
    """Note a token of a query's head: the variables it projects, WHERE, its end."""
    if word in MODIFIERS:
        return
    if kind == "name" and word == "WHERE":
        head.where = True
    elif word in "()":
        head.parens += 1 if word == "(" else -1
    elif kind == "name" and word == "AS":
        head.alias = True
    elif word == "*":
        head.projected.add("*")
    elif kind == "var" and (head.parens == 0 or head.alias):
        head.projected.add(word[1:])
        head.alias = False
    head.end = end


class _Scanner:
    """Where each bound variable goes: (position, names) pairs, read token by token."""

    def __init__(self, names: list[str]) -> None:
        self.names = frozenset(names)
        self.stack: list[_Frame] = []
        self.head: _Head | None = None
        self.heads = 0
        self.values_next = False  # the next "{" opens a VALUES data block
        self.found: list[tuple[int, list[str]]] = []
        self.bare: int | None = None  # where a DESCRIBE with no WHERE clause ends

    def read(self, text: str) -> list[tuple[int, list[str]]]:
        tokens = [m for m in TOKEN.finditer(text) if m.lastgroup not in ("space", "comment")]
        for i, match in enumerate(tokens):
            following = tokens[i + 1].group().upper() if i + 1 < len(tokens) else ""
            self.token(match.lastgroup or "", match.group(), match.end(), following)
        head = self.head
        if head is not None and head.outer:  # DESCRIBE ?x with no WHERE: give it one
            self.bare = head.end
            self.found.append((head.end, sorted(self.names)))
        return self.found

    def token(self, kind: str, value: str, end: int, following: str) -> None:
        word = value.upper() if kind == "name" else value
        top = self.stack[-1] if self.stack else None
        if top is not None and top.kind in ("data", "template"):
            if value == "}":
                self.stack.pop()
        elif kind == "name" and word in FORMS:
            self.head = _Head(word, outer=self.heads == 0, end=end)
            self.heads += 1
        elif self.head is not None:
            if value == "{":
                self.open_where(self.head, top, end)
            else:
                _read_head(self.head, kind, word, end)
        elif value == "{":
            kind = "data" if self.values_next else "wrapper" if following == "SELECT" else "group"
            self.stack.append(_Frame(end, kind, top.ours if top else frozenset()))
            self.values_next = False
        elif value == "}" and self.stack:
            self.close(self.stack.pop())
        elif kind == "name" and word == "VALUES":
            self.values_next = True
        elif kind == "var" and top is not None and value[1:] in top.ours:
            top.seen.add(value[1:])

    def open_where(self, head: _Head, top: _Frame | None, end: int) -> None:
        if head.form == "CONSTRUCT" and not head.templated:
            if head.where:
                raise ValueError(
                    "CONSTRUCT WHERE { … } cannot take parameters on a remote store: "
                    "write CONSTRUCT { … } WHERE { … }"
                )
            head.templated = True
            self.stack.append(_Frame(end, "template", frozenset()))
            return
        if head.outer:
            ours = self.names
        else:
            outside = top.ours if top else frozenset()
            ours = frozenset(n for n in outside if n in head.projected or "*" in head.projected)
        self.stack.append(_Frame(end, "where", ours))
        self.head = None

    def close(self, frame: _Frame) -> None:
        bound = frame.ours if frame.kind == "where" else frame.seen
        if bound and frame.kind != "wrapper":
            self.found.append((frame.position, sorted(bound)))


def _values(names: list[str], terms: Mapping[str, Term]) -> str:
    for name in names:
        if not isinstance(terms[name], ox.NamedNode | ox.Literal):
            raise ValueError(f"{terms[name]} cannot be bound remotely: only IRIs and literals can")
    variables = " ".join(f"?{name}" for name in names)
    row = " ".join(str(terms[name]) for name in names)  # pyoxigraph writes each term escaped
    return f" VALUES ({variables}) {{ ({row}) }} "  # one line: errors keep their line


def bind(text: str, substitutions: Mapping[ox.Variable, Term]) -> str:
    """``text`` with its parameters bound by VALUES blocks where substitutions would act."""
    if not substitutions:
        return text
    terms = {variable.value: term for variable, term in substitutions.items()}
    scanner = _Scanner(list(terms))
    found = scanner.read(text)
    for position, names in sorted(found, reverse=True):
        block = _values(names, terms)
        if position == scanner.bare:
            block = f" WHERE {{{block}}}"
        text = text[:position] + block + text[position:]
    return text


def cap(text: str, rows: int) -> str:
    """A SELECT ``text`` that asks for at most ``rows`` solutions, so that the engine stops
    there rather than computing, sending and having us read an answer cut afterwards.

    Only the query's own solution modifiers are read: tokens outside every group. Its
    LIMIT is lowered when it is larger, else one is added before its trailing VALUES
    clause, or at its end (on a line of its own: the text may end in a comment). A text
    whose braces do not pair is sent as it is, for the engine to say what is wrong.
    """
    depth = 0
    for match in TOKEN.finditer(text):
        if depth < 0:
            return text
        kind, value = match.lastgroup, match.group()
        if value in "{}" and kind == "other":
            depth += 1 if value == "{" else -1
        elif depth == 0 and kind == "name" and value.upper() in ("LIMIT", "VALUES"):
            if value.upper() == "VALUES":
                return f"{text[: match.start()]}\nLIMIT {rows}\n{text[match.start() :]}"
            number = LIMIT_NUMBER.match(text, match.end())
            if number is None or int(number.group(1)) <= rows:
                return text
            return f"{text[: number.start(1)]}{rows}{text[number.end(1) :]}"
    return f"{text}\nLIMIT {rows}\n" if depth == 0 else text
