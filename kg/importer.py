"""Importing a CSV file into its own named graph, streaming, by a profile (``kg.profile``).

The file is read row by row; the columns a profile names ``never_read`` are
dropped by the reader itself, before any other code sees the row. Each row is
checked (required columns, identifier syntax, ``skip`` rules, a unique row id);
a row that fails is reported with its line and reason and skipped, a value that
fails a ``drop-value`` check is reported and left out. Each row is described
(node, property, values), handed to the SHACL gate of imports when there is one
(``kg.shacl_rows``), and written as N-Triples, loaded into the import's graph in
batches with Oxigraph's bulk loader, so memory stays bounded whatever the size of
the file. The graph is
emptied first: importing the same file again gives the same graph.

Each accepted row is also reconciled with our organisations (``kg.reconcile``):
a link is an ``owl:sameAs`` from ours to the record, and an ``ess:Reconciliation``
resource with its score and evidence, in the import's graph.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from kg import links
from kg.profile import PLACEHOLDER, Profile, ProfileError, Value, template_columns
from kg.progress import Progress
from kg.reconcile import (
    IMPORT_GRAPHS,
    Bindings,
    Match,
    Reconciler,
    Record,
    our_organisations,
    solutions,
)
from kg.shacl_rows import LANG_STRING, RDF_TYPE, STRING, Description, Lit, RowGate, Term
from kg.terms import ESS, ID

BATCH = 50_000  # N-Triples lines per bulk load: bounds the memory; see bench/README.md
XSD = "http://www.w3.org/2001/XMLSchema#"
DATATYPES = {"decimal": "decimal", "integer": "integer", "boolean": "boolean"}
LEXICAL = {
    "decimal": re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?"),
    "integer": re.compile(r"[+-]?[0-9]+"),
    "boolean": re.compile(r"true|false"),
}
WEB = re.compile(r"(?:https?://)?[a-z0-9-]+(?:\.[a-z0-9-]+)+\.?(?::[0-9]+)?(?:[/?#]\S*)?", re.I)
IRI_SAFE = ":/?#@!$&'()*+,;=%~"  # no brackets: only IPv6 hosts may have them


class UnreadableFile(Exception):
    """The file cannot be imported at all (columns missing): nothing is loaded."""


def _range(low: float, high: float, what: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        try:
            ok = low <= float(value) <= high and LEXICAL["decimal"].fullmatch(value)
        except ValueError:
            ok = False
        return None if ok else f"not a {what} (a decimal between {low:g} and {high:g})"

    return check


def web_check(value: str) -> str | None:
    return None if web_iri(value) else "not a web address"


def postcode(value: str) -> str | None:
    return None if re.fullmatch(r"[0-9]{5}", value) and value != "00000" else "not a postcode"


# The checks a profile may name (kg.links holds the identifier schemes' rules).
CHECKS: dict[str, Callable[[str], str | None]] = {
    "positive-integer": links.positive_integer,
    "siren": links.siren,
    "siret": links.siret,
    "insee-commune": links.insee_commune,
    "insee-departement": links.insee_departement,
    "insee-region": links.insee_region,
    "latitude": _range(-90, 90, "latitude"),
    "longitude": _range(-180, 180, "longitude"),
    "postcode": postcode,
    "web": web_check,
}


@dataclass(frozen=True)
class Problem:
    """A row skipped, or a value left out, and why."""

    line: int
    reason: str
    skipped: bool  # the whole row (else only a value)


@dataclass
class ImportResult:
    profile: str
    graph: str
    rows: int = 0
    imported: int = 0
    triples: int = 0
    problems: list[Problem] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(p.skipped for p in self.problems)

    def as_json(self) -> dict[str, Any]:
        """The whole report, for ``passerelles import --format json``."""
        return {
            "profile": self.profile,
            "graph": self.graph,
            "rows": self.rows,
            "imported": self.imported,
            "skipped": self.skipped,
            "problems": [vars(p) for p in self.problems],
            "matches": [{**vars(m), "evidence": m.evidence()} for m in self.matches],
        }

    def summary(self) -> str:
        dropped = len(self.problems) - self.skipped
        return (
            f"{self.rows} rows: {self.imported} imported, {self.skipped} skipped, "
            f"{dropped} value(s) left out, {len(self.matches)} reconciled; "
            f"{self.triples} triples in <{self.graph}>"
        )


def web_iri(value: str) -> str | None:
    """A web address as an IRI (``http://`` added when missing), or None."""
    found = re.search(r"https?://[^\s|\[\]<>\"{}\\^`]+", value) or WEB.fullmatch(value.strip())
    if not found:
        return None
    url = found.group(0).rstrip(".,;")
    url = url if re.match(r"https?://", url, re.I) else "http://" + url
    return quote(url, safe=IRI_SAFE)


def repair(text: str) -> str:
    """Undo UTF-8 read as Latin-1 (``ArrÃªt`` → ``Arrêt``) when that is what happened."""
    if "Ã" not in text and "Â" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text


SLUG_WORDS = re.compile(r"[a-z0-9]+")


def slug(value: str) -> str:
    """A value as a slug (an IRI's last segment): lowercase ASCII words joined by hyphens."""
    if value.isascii() and value.isalnum():
        return value.lower()  # the usual row id: a number, a code
    return "-".join(SLUG_WORDS.findall(value.lower()))


def read_rows(path: Path, profile: Profile) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for each record, with only the columns the profile reads, stripped."""
    with path.open(encoding=profile.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=profile.delimiter)
        header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
        missing = sorted(profile.columns - set(header))
        if missing:
            raise UnreadableFile(f"{path}: columns missing for profile {profile.name}: {missing}")
        # Personal columns (never_read) are not in profile.columns: never copied.
        keep = [(i, name) for i, name in enumerate(header) if name in profile.columns]
        fix = repair if profile.repair_mojibake else str
        for record in reader:
            row = {name: fix(record[i].strip()) if i < len(record) else "" for i, name in keep}
            yield reader.line_num, row


class RowMapper:
    """Turns one checked row into N-Triples lines and its reconciliation record."""

    def __init__(self, profile: Profile, lookups: dict[str, dict[str, str]]) -> None:
        self.profile, self.lookups = profile, lookups
        # Each resource's full IRI template and the columns it names, worked out once.
        self.iris = [(r, str(ID) + r.iri, template_columns(r.iri)) for r in profile.resources]
        # The resources named after the row's id: their nodes belong to the row alone.
        self.own = [r.name for r in profile.resources if profile.row_id in template_columns(r.iri)]

    def check(self, line: int, row: dict[str, str], problems: list[Problem]) -> bool:
        """Apply the profile's checks; False if the row is skipped (reported)."""
        for skip in self.profile.skips:
            if row.get(skip.column) == skip.equals:
                problems.append(Problem(line, skip.reason, True))
                return False
        for column in self.profile.required:
            if not row[column]:
                problems.append(Problem(line, f"{column} is empty", True))
                return False
        for column, check in self.profile.checks.items():
            value = row[column]
            reason = CHECKS[check.check](value) if value else None
            if reason is None:
                continue
            text = f"{column} {value!r}: {reason}"
            if check.on_invalid == "skip-row":
                problems.append(Problem(line, text, True))
                return False
            problems.append(Problem(line, text, False))
            row[column] = ""
        return True

    def describe(
        self, line: int, row: dict[str, str], problems: list[Problem]
    ) -> tuple[Description, dict[str, str | None]]:
        """The row's triples, and the IRI of each of its resources (None: not made)."""
        made = {r.name: _iri(template, columns, row) for r, template, columns in self.iris}
        out: Description = {}
        for resource in self.profile.resources:
            subject = made[resource.name]
            if subject:
                props = out.setdefault(subject, {})
                if resource.types:
                    props.setdefault(RDF_TYPE, []).extend(resource.types)
                for value in resource.values:
                    if (obj := self._object(value, made, row, line, problems)) is not None:
                        props.setdefault(value.property, []).append(obj)
        return out, made

    def minted(self, made: dict[str, str | None]) -> set[str]:
        """The nodes of the row's resources named after its id (the row's alone)."""
        return {iri for name in self.own if (iri := made[name])}

    def record(self, row: dict[str, str], made: dict[str, str | None]) -> Record | None:
        """What reconciliation compares of the row, if the profile reconciles."""
        rec = self.profile.reconcile
        iri = made[rec.resource] if rec else None
        if rec is None or iri is None:
            return None
        form = ""
        if rec.legal_form and rec.legal_form_map:
            table = self.profile.maps[rec.legal_form_map]
            form = table.get(row[rec.legal_form], table.get("*", ""))
        return Record(
            iri,
            row[rec.name],
            row[rec.commune] if rec.commune else "",
            row[rec.web] if rec.web else "",
            form,
        )

    def _object(
        self,
        value: Value,
        made: dict[str, str | None],
        row: dict[str, str],
        line: int,
        problems: list[Problem],
    ) -> Term | None:
        if value.constant:
            return value.constant
        if value.resource:
            return made[value.resource]
        if value.template:
            text = _fill(value.template, row)
            return (
                Lit(text, value.lang or "", LANG_STRING if value.lang else STRING) if text else None
            )
        raw = row[value.column or ""]
        if not raw:
            return None
        if value.map:
            table = self.profile.maps[value.map]
            mapped = table.get(raw, table.get("*"))  # "*": any other value, not reported
            if mapped is None:
                reason = f"{value.column} {raw!r}: not in map {value.map}"
                problems.append(Problem(line, reason, False))
            return mapped or None
        if value.lookup:
            return self.lookups.get(value.lookup, {}).get(raw)
        return _typed(value, raw, line, problems)


def _typed(value: Value, raw: str, line: int, problems: list[Problem]) -> Term | None:
    if value.kind == "iri":
        iri = web_iri(raw)
        if iri is None:
            problems.append(Problem(line, f"{value.column} {raw!r}: not a web address", False))
        return iri
    if value.kind in LEXICAL and not LEXICAL[value.kind].fullmatch(raw):
        problems.append(Problem(line, f"{value.column} {raw!r}: not {value.kind}", False))
        return None
    if value.lang:
        return Lit(raw, value.lang, LANG_STRING)
    return Lit(raw, "", XSD + DATATYPES[value.kind] if value.kind in DATATYPES else STRING)


def _iri(template: str, columns: list[str], row: dict[str, str]) -> str | None:
    """The IRI of a resource of the row; None when a column it needs is empty."""
    parts = {}
    for column in columns:
        parts[column] = slug(row[column])
        if not parts[column]:
            return None
    return template.format(**parts)


def _fill(templates: tuple[str, ...], row: dict[str, str]) -> str | None:
    """The first template whose columns are all filled (``{A|B}``: A, else B)."""
    for template in templates:
        values: dict[str, str] = {}
        for found in PLACEHOLDER.findall(template):
            values[found] = next((row[c] for c in found.split("|") if row[c]), "")
        if all(values.values()):
            return _substitute(template, values)
    return None


def _substitute(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], template)


def reconcile_into(description: Description, match: Match) -> str:
    """Add ``owl:sameAs`` from ours to the record, and the link's score and evidence; the
    reconciliation's node (named after the record: the row's alone)."""
    node = f"{match.record}#reconciliation-{slug(match.ours.rsplit('/', 1)[-1])}"
    ess = str(ESS)
    decimal, boolean = f"{XSD}decimal", f"{XSD}boolean"
    ours = description.setdefault(match.ours, {})
    ours.setdefault("http://www.w3.org/2002/07/owl#sameAs", []).append(match.record)
    description[node] = {
        RDF_TYPE: [f"{ess}Reconciliation"],
        f"{ess}reconciledResource": [match.ours],
        f"{ess}importedRecord": [match.record],
        f"{ess}score": [Lit(f"{match.score:.3f}", "", decimal)],
        f"{ess}nameSimilarity": [Lit(f"{match.name_similarity:.3f}", "", decimal)],
        f"{ess}sameCommune": [Lit(str(match.same_commune).lower(), "", boolean)],
        f"{ess}sameWebHost": [Lit(str(match.same_web_host).lower(), "", boolean)],
        f"{ess}sameLegalForm": [Lit(str(match.same_form).lower(), "", boolean)],
        "http://purl.org/dc/terms/description": [Lit(match.evidence(), "en", LANG_STRING)],
    }
    return node


def dataset_description(profile: Profile) -> Description:
    """The import graph's provenance and licence (its source is described in data/sources.ttl)."""
    prov, dcterms = "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/"
    return {
        profile.graph: {
            f"{prov}wasDerivedFrom": [profile.source],
            f"{dcterms}source": [profile.source],
            f"{dcterms}license": [profile.license],
            f"{dcterms}title": [Lit(profile.title, "en", LANG_STRING)],
        }
    }


def ntriples(description: Description) -> tuple[str, int]:
    """The triples as N-Triples lines, and how many."""
    lines = [
        f"<{s}> <{p}> <{o}> .\n" if o.__class__ is str else f"<{s}> <{p}> {literal(o)} .\n"  # type: ignore[arg-type]
        for s, props in description.items()
        for p, objects in props.items()
        for o in objects
    ]
    return "".join(lines), len(lines)


def literal(term: Lit) -> str:
    escaped = (
        term.value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
    if term.lang:
        return f'"{escaped}"@{term.lang}'
    return f'"{escaped}"' if term.datatype == STRING else f'"{escaped}"^^<{term.datatype}>'


LOOKUP = """
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme ?code ?resource WHERE {
  ?resource adms:identifier ?id . ?id dcterms:type ?scheme ; skos:notation ?code .
}
"""


def lookups(store: ox.Store, profile: Profile) -> dict[str, dict[str, str]]:
    """For each scheme the profile looks codes up in: code -> our resource with that code."""
    schemes = {v.lookup for r in profile.resources for v in r.values if v.lookup}
    found: dict[str, dict[str, str]] = {}
    for scheme in sorted(schemes):
        bound: Bindings = {ox.Variable("scheme"): ox.NamedNode(scheme)}
        for row in solutions(store, LOOKUP, bound):
            found.setdefault(scheme, {}).setdefault(row["code"].value, row["resource"].value)
    return found


def import_rows(
    store: ox.Store,
    path: Path,
    profile: Profile,
    progress: Progress = lambda _: None,
    gate: RowGate | None = None,
) -> ImportResult:
    """Replace the profile's graph in ``store`` with the rows of ``path``; report every row.

    With ``gate``, each row's triples are validated as they are mapped (kg.shacl_rows).
    """
    if not profile.graph.startswith(IMPORT_GRAPHS):
        raise ProfileError(f"profile {profile.name}: its graph must be under {IMPORT_GRAPHS}")
    graph = ox.NamedNode(profile.graph)
    result = ImportResult(profile.name, profile.graph)
    mapper = RowMapper(profile, lookups(store, profile))
    rec = profile.reconcile
    reconciler = Reconciler(our_organisations(store), rec.threshold, rec.min_name) if rec else None
    store.remove_graph(graph)
    # Nodes named like the row's own but already in the store are not the row's alone.
    taken = used_under(store, [str(ID) + r.iri.split("{")[0] for r in profile.resources])
    seen: dict[str, int] = {}
    with _Loader(store, graph) as loader:
        head = dataset_description(profile)
        loader.add(*ntriples(head))
        if gate:
            gate.check(head, set())
        for line, row in read_rows(path, profile):
            result.rows += 1
            if not mapper.check(line, row, result.problems):
                continue
            # By slug: two ids with one slug would name the same nodes.
            first = seen.setdefault(slug(row[profile.row_id]), line)
            if first != line:
                reason = (
                    f"{profile.row_id} {row[profile.row_id]!r} already imported at line {first}"
                )
                result.problems.append(Problem(line, reason, True))
                continue
            description, made = mapper.describe(line, row, result.problems)
            minted = mapper.minted(made)
            record = mapper.record(row, made)
            if reconciler and record:
                for match in reconciler.matches(record):
                    result.matches.append(match)
                    minted.add(reconcile_into(description, match))
            result.imported += 1
            if gate:
                gate.check(description, minted - taken if taken else minted)
            if loader.add(*ntriples(description)):
                progress(f"{result.rows} rows read, {result.imported} imported")
    result.triples = loader.total
    return result


def used_under(store: ox.Store, prefixes: Iterable[str]) -> set[str]:
    """The IRIs used in the store (as subject or object) that start with one of ``prefixes``."""
    starts = " || ".join(f"STRSTARTS(STR(?n), {json.dumps(p)})" for p in sorted(set(prefixes)))
    query = (
        "SELECT DISTINCT ?n WHERE { { ?n ?p ?o } UNION { ?s ?p ?n } "
        f"FILTER (isIRI(?n) && ({starts})) }}"
    )
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return {row["n"].value for row in rows}


class _Loader:
    """Bulk-loads N-Triples lines in batches, in a thread, while the next batch is mapped.

    Oxigraph's bulk loader does not hold the GIL: the rows are mapped on one core while
    the previous batch is loaded on the other. One batch loads at a time, so at most two
    are in memory, each kept as one text per row. Leaving the ``with`` block loads the
    rest and waits; an error in a load is raised by a later ``add`` or at the end.
    """

    def __init__(self, store: ox.Store, graph: ox.NamedNode) -> None:
        self.store, self.graph = store, graph
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.loading: Future[None] | None = None
        self.texts: list[str] = []
        self.lines = self.total = 0

    def __enter__(self) -> _Loader:
        return self

    def __exit__(self, error: type[BaseException] | None, *_: object) -> None:
        try:
            if error is None:
                self._load()
            self._wait()
        finally:
            self.pool.shutdown()

    def add(self, text: str, lines: int) -> bool:
        """Add N-Triples text of so many lines; True when that made a batch, handed to the
        loader."""
        self.texts.append(text)
        self.lines += lines
        if self.lines < BATCH:
            return False
        self._load()
        return True

    def _load(self) -> None:
        self._wait()
        data = "".join(self.texts).encode("utf-8")
        self.total, self.texts, self.lines = self.total + self.lines, [], 0
        # lenient: the lines are ours, their IRIs made from slugs and quoted web addresses.
        self.loading = self.pool.submit(
            self.store.bulk_load, data, ox.RdfFormat.N_TRIPLES, to_graph=self.graph, lenient=True
        )

    def _wait(self) -> None:
        if self.loading is not None:
            loading, self.loading = self.loading, None
            loading.result()
