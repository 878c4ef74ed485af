"""Writing query results: a readable table, or the standard SPARQL result formats."""

from __future__ import annotations

import pyoxigraph as ox

from kg.terms import PREFIXES, compact

RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
FORMATS = ("table", *RESULT_FORMATS)


def term_text(term: object) -> str:
    """A term as a person reads it: compact IRIs, literal values without quotes."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(solutions: ox.QuerySolutions) -> str:
    """An aligned plain-text table, one row per solution."""
    names = [v.value for v in solutions.variables]
    rows = [[term_text(row[name]) for name in names] for row in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> bytes:
    """Serialise a query result; graphs (CONSTRUCT, DESCRIBE) always come as Turtle."""
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return b"yes\n" if bool(result) else b"no\n"
        return table(result).encode("utf-8")
    return result.serialize(format=RESULT_FORMATS[fmt]) or b""
