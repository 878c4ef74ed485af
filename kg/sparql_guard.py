"""What a SPARQL request would do, read before it runs: its form, and every SERVICE it calls.

Oxigraph evaluates ``SERVICE <url>`` by making an HTTP request from the server,
so a public endpoint must know every target before evaluation. This is a small
lexer of the SPARQL grammar's terminals (strings, IRIs, comments, names): it
never mistakes text inside a string, an IRI or a comment for a keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)  # a comment ends at CR as well as at LF
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
             |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<name>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7-\uffff]*:?(?:[\w.\-:%\u00b7-\uffff]|\\.)*
             |:(?:[\w.\-:%]|\\.)*)
  | (?P<other>.)
    """,
    re.X | re.S,
)
UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


class ServiceNotAllowed(Exception):
    """The query calls a SERVICE that is not on the allow-list."""

    def __init__(self, target: str) -> None:
        self.target = target
        super().__init__(
            f"SERVICE {target} is not allowed: this endpoint only federates with the "
            "endpoints on its allow-list"
        )


@dataclass(frozen=True)
class Scan:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None when not found
    update: bool  # the text is a SPARQL Update request
    services: tuple[str, ...]  # absolute IRIs; "?var" for a variable target


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) for every token but spaces and comments."""
    found = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            found.append((kind, match.group()))
    return found


def scan(text: str) -> Scan:
    """Read the form, update keywords and SERVICE targets of a query."""
    toks = tokens(text)
    prefixes: dict[str, str] = {}
    base = ""
    form: str | None = None
    update = False
    services: list[str] = []
    for i, (kind, value) in enumerate(toks):
        if kind != "name":
            continue
        word = value.upper()
        following = toks[i + 1 : i + 4]
        if word == "PREFIX" and len(following) >= 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = urljoin(base, _iri(following[1][1]))
        elif word == "BASE" and following and following[0][0] == "iri":
            base = urljoin(base, _iri(following[0][1]))
        elif word in FORMS and form is None:
            form = word
        elif word in UPDATES and form is None:
            update = True
        elif word == "SERVICE":
            services.append(_target(following, prefixes, base))
    return Scan(form, update, tuple(services))


def _iri(token: str) -> str:
    """The IRI of an IRI token, its ``\\u`` escapes decoded as the query parser decodes them."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return UCHAR.sub(char, token[1:-1])


def _target(following: list[tuple[str, str]], prefixes: dict[str, str], base: str) -> str:
    rest = following[1:] if following and following[0][1].upper() == "SILENT" else following
    if not rest:
        return "?"
    kind, value = rest[0]
    if kind == "iri":
        return urljoin(base, _iri(value)) if base else _iri(value)
    if kind == "name" and ":" in value:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value
    return value  # a variable: never allowed, the target is not known in advance


def check_services(scanned: Scan, allowed: frozenset[str]) -> None:
    """Raise ServiceNotAllowed for the first SERVICE target not on the allow-list."""
    for target in scanned.services:
        if target.rstrip("/") not in allowed:
            raise ServiceNotAllowed(target)


def normalise_allowlist(urls: list[str]) -> frozenset[str]:
    return frozenset(url.strip().rstrip("/") for url in urls if url.strip())
