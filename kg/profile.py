"""Import profiles: how the columns of a CSV file become RDF (``profiles/*.toml``).

A profile is data, not code: the file's dialect, the columns never read
(personal data), per-row checks, the resources each row makes (IRI templates
under ``{base}id/``), each resource's values (a column, a constant, a template,
another resource of the row, a value map into the glossary, or a look-up of an
existing resource by its official code), the dataset's graph, source and
licence, and the columns reconciliation compares. ``load_profile`` reads and
checks one; an unusable profile raises :class:`ProfileError` naming the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.terms import PREFIXES

PROFILES_FOLDER = Path(__file__).resolve().parents[1] / "profiles"
EXTRA_PREFIXES = {
    "adms": "http://www.w3.org/ns/adms#",
    "cpt": PREFIXES["concept"],
    "src": PREFIXES["source"],
}
# How a value is written: a literal of a datatype, or an IRI.
KINDS = ("string", "decimal", "integer", "boolean", "iri")
# What a failed check does: skip the whole row, or drop only that value.
ON_INVALID = ("skip-row", "drop-value")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_|]+)\}")


class ProfileError(Exception):
    """A profile that cannot be used: names the file and the key."""


@dataclass(frozen=True)
class Value:
    """One property of a resource and where its value comes from (exactly one source)."""

    property: str  # full IRI
    column: str | None = None
    constant: str | None = None  # full IRI
    template: tuple[str, ...] = ()  # literal templates, the first whose columns are filled
    resource: str | None = None  # name of another resource of the same row
    map: str | None = None  # name of a value map (column value -> IRI)
    lookup: str | None = None  # identifier scheme IRI: the resource that has this code
    kind: str = "string"
    lang: str | None = None


@dataclass(frozen=True)
class Resource:
    name: str
    iri: str  # template below {base}id/, e.g. "organisation/cget-tiers-lieux-2019-{ID}"
    types: tuple[str, ...]
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Check:
    check: str  # a name of kg.importer.CHECKS
    on_invalid: str


@dataclass(frozen=True)
class Skip:
    column: str
    equals: str
    reason: str


@dataclass(frozen=True)
class Reconcile:
    """Which columns reconciliation compares with our organisations, and how strictly."""

    resource: str  # the row's resource that may be the same as one of ours
    name: str  # column of the name
    commune: str | None = None  # column of the INSEE commune code
    web: str | None = None  # column of the web site
    legal_form: str | None = None  # column whose mapped value is compared with ess:legalForm
    legal_form_map: str | None = None
    threshold: float = 0.8  # the least score of a link
    min_name: float = 0.85  # the least name similarity of a link, whatever else agrees


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    title: str
    encoding: str
    delimiter: str
    repair_mojibake: bool
    never_read: frozenset[str]
    graph: str
    source: str
    license: str
    row_id: str
    required: tuple[str, ...]
    checks: dict[str, Check]
    skips: tuple[Skip, ...]
    resources: tuple[Resource, ...]
    maps: dict[str, dict[str, str]]
    reconcile: Reconcile | None
    columns: frozenset[str] = field(default=frozenset())  # every column the profile reads


def profile_path(name: str, folder: Path = PROFILES_FOLDER) -> Path:
    """``profiles/{name}.toml``, or ``name`` itself when it is a path to a file."""
    given = Path(name)
    return given if given.suffix == ".toml" else folder / f"{name}.toml"


def available(folder: Path = PROFILES_FOLDER) -> list[str]:
    """The names of the profiles shipped in ``profiles/``."""
    return sorted(path.stem for path in folder.glob("*.toml"))


def load_profile(name: str, folder: Path = PROFILES_FOLDER) -> Profile:
    """Read and check a profile; raises ProfileError."""
    path = profile_path(name, folder)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        known = ", ".join(available(folder))
        raise ProfileError(f"no profile {name!r} ({path}); known: {known}") from error
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: {error}") from error
    try:
        return _profile(path, data)
    except (KeyError, TypeError, ValueError) as error:
        raise ProfileError(f"{path}: {error}") from error


def expand(term: str) -> str:
    """A full IRI from ``prefix:local`` (the project's prefixes, ``adms:`` and ``cpt:``)."""
    if "://" in term:
        return term
    prefix, sep, local = term.partition(":")
    namespace = EXTRA_PREFIXES.get(prefix) or PREFIXES.get(prefix)
    if not sep or namespace is None:
        raise ValueError(f"unknown prefix in {term!r}")
    return namespace + local


def template_columns(template: str) -> list[str]:
    """The columns named in a template; ``{A|B}`` names A, else B."""
    return [name for found in PLACEHOLDER.findall(template) for name in found.split("|")]


def _profile(path: Path, data: dict[str, Any]) -> Profile:
    file, dataset, row = data.get("file", {}), data["dataset"], data["row"]
    maps = {
        name: {k: expand(v) if v else "" for k, v in table.items()}
        for name, table in data.get("maps", {}).items()
    }
    resources = tuple(_resource(spec) for spec in data["resources"])
    profile = Profile(
        name=path.stem,
        path=path,
        title=data["title"],
        encoding=file.get("encoding", "utf-8"),
        delimiter=file.get("delimiter", ","),
        repair_mojibake=bool(file.get("repair_mojibake", False)),
        never_read=frozenset(file.get("never_read", [])),
        graph=dataset["graph"],
        source=expand(dataset["source"]),
        license=dataset["license"],
        row_id=row["id"],
        required=tuple(row.get("required", [])),
        checks={c: _check(c, spec) for c, spec in data.get("checks", {}).items()},
        skips=tuple(Skip(**spec) for spec in row.get("skip", [])),
        resources=resources,
        maps=maps,
        reconcile=Reconcile(**data["reconcile"]) if "reconcile" in data else None,
    )
    columns = _columns(profile)
    _consistent(profile, columns)
    return Profile(**{**vars(profile), "columns": frozenset(columns)})


def _resource(spec: dict[str, Any]) -> Resource:
    values = []
    for item in spec.get("values", []):
        item = dict(item)
        item["property"] = expand(item["property"])
        if "constant" in item:
            item["constant"] = expand(item["constant"])
        if "lookup" in item:
            item["lookup"] = expand(item["lookup"])
        if isinstance(item.get("template"), str):
            item["template"] = (item["template"],)
        elif "template" in item:
            item["template"] = tuple(item["template"])
        value = Value(**item)
        sources = [value.column, value.constant, value.template or None, value.resource]
        if sum(source is not None for source in sources) != 1:
            raise ValueError(f"{value.property}: give one of column, constant, template, resource")
        if value.kind not in KINDS:
            raise ValueError(f"{value.property}: kind {value.kind!r} is not one of {KINDS}")
        values.append(value)
    types = tuple(expand(t) for t in spec.get("types", []))
    return Resource(spec["name"], spec["iri"], types, tuple(values))


def _check(column: str, spec: dict[str, Any] | str) -> Check:
    spec = {"check": spec} if isinstance(spec, str) else spec
    check = Check(spec["check"], spec.get("invalid", "skip-row"))
    if check.on_invalid not in ON_INVALID:
        raise ValueError(
            f"checks.{column}: invalid = {check.on_invalid!r}, not one of {ON_INVALID}"
        )
    return check


def _columns(profile: Profile) -> set[str]:
    columns = {profile.row_id, *profile.required, *profile.checks}
    columns |= {skip.column for skip in profile.skips}
    for resource in profile.resources:
        columns |= set(template_columns(resource.iri))
        for value in resource.values:
            columns |= {value.column} if value.column else set()
            columns |= {c for t in value.template for c in template_columns(t)}
    rec = profile.reconcile
    if rec:
        columns |= {c for c in (rec.name, rec.commune, rec.web, rec.legal_form) if c}
    return columns


def _consistent(profile: Profile, columns: set[str]) -> None:
    personal = columns & profile.never_read
    if personal:
        raise ValueError(f"columns {sorted(personal)} are never_read but used by the profile")
    names = {resource.name for resource in profile.resources}
    for resource in profile.resources:
        if "{" not in resource.iri:
            raise ValueError(f"resource {resource.name}: its IRI template names no column")
        for value in resource.values:
            if value.resource and value.resource not in names:
                raise ValueError(f"resource {resource.name}: no resource {value.resource!r}")
            if value.map and value.map not in profile.maps:
                raise ValueError(f"resource {resource.name}: no map {value.map!r}")
    rec = profile.reconcile
    if rec and rec.resource not in names:
        raise ValueError(f"reconcile.resource: no resource {rec.resource!r}")
