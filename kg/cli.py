"""The ``passerelles`` command line: thin commands over the ``kg`` library."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import pyoxigraph as ox

from kg import __version__, essglobal, remote, remote_build, results, settings
from kg.build import AUTO_LIMIT, ENGINES, NotConforming, build, stage, validate
from kg.export import FORMATS as EXPORT_FORMATS
from kg.export import export
from kg.generate import write_project
from kg.imports import ImportNotConforming, import_into
from kg.links import check_links
from kg.progress import Progress
from kg.queries import QueryError, load_queries, load_query, run
from kg.remote import RemoteStoreError
from kg.sources import SourceError, read_sources
from kg.stats import stats
from kg.store import StoreError

EXIT_ERROR, EXIT_USAGE, EXIT_NOT_CONFORMING = 1, 2, 3

# `export --profile`: name -> the function that writes the store in that profile.
EXPORT_PROFILES: dict[str, Callable[[ox.Store, str, Any], None]] = {
    "all": export,
    "essglobal": essglobal.export,
}

F = TypeVar("F", bound=Callable[..., Any])


def setting_option(name: str, *decls: str, **kwargs: Any) -> Callable[[F], F]:
    """A click option whose default, environment variable and help come from the registry."""
    setting = settings.SETTINGS[name]
    return click.option(
        *(decls or (setting.option,)),
        default=setting.default,
        envvar=setting.env,
        show_default=True,
        show_envvar=True,
        help=setting.help,
        **kwargs,
    )


root_option = setting_option("root", type=click.Path(file_okay=False, path_type=Path))
REMOTE_SETTINGS = (
    "store_update", "store_gsp", "store_user", "store_password", "store_auth", "store_dataset"
)  # fmt: skip


def store_location(_ctx: click.Context, _param: click.Parameter, value: str) -> remote.Location:
    """A folder, or a SPARQL endpoint URL with its PASSERELLES_STORE_* settings."""
    try:
        return remote.location(value, {name: settings.get(name) for name in REMOTE_SETTINGS})
    except settings.SettingsError as error:
        raise click.BadParameter(str(error)) from None


store_option = setting_option("store", callback=store_location)
lang_option = setting_option("lang", type=click.Choice(["en", "fr"]))
shacl_option = click.option(
    "--shacl",
    "shacl_engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="SHACL engine: pyshacl (the reference), sparql (the shapes compiled to SPARQL, "
    f"for large graphs), auto (pyshacl up to {AUTO_LIMIT:,} quads, sparql above).",
)


def errors_exit(command: F) -> F:
    """Turn the library's errors into a one-line message and a documented exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except NotConforming as error:
            click.echo(error.report.text(kwargs.get("lang", "en")), err=True)
            click.echo(f"Error: {error}; nothing was published.", err=True)
            sys.exit(EXIT_NOT_CONFORMING)
        except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
            sys.stderr.close()
            sys.exit(0)
        except (SourceError, StoreError, QueryError, RemoteStoreError, OSError) as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def reporter() -> Progress:
    """Progress lines on stderr, each with the time since the command started."""
    start = time.monotonic()

    def report(step: str) -> None:
        click.echo(f"[{time.monotonic() - start:5.1f}s] {step}…", err=True)

    return report


@click.group(
    epilog="Exit codes: 0 success, 1 runtime error (bad input file, missing store, "
    "bad query), 2 usage error, 3 the data does not conform to the SHACL shapes."
)
@click.version_option(__version__, prog_name="passerelles")
def main() -> None:
    """Passerelles: the linked-data knowledge graph of the social and solidarity economy."""


@main.command("build")
@root_option
@store_option
@lang_option
@shacl_option
@errors_exit
def build_command(root: Path, store: remote.Location, lang: str, shacl_engine: str) -> None:
    """Parse, derive, validate and publish the store (embedded, or remote: --store URL).

    The new store is written beside the served one and replaces it in one atomic
    step, only if it passed the SHACL gate; on any error the served store is untouched.
    With a remote store (--store URL), the graph passed the gate is loaded through
    PASSERELLES_STORE_GSP or PASSERELLES_STORE_UPDATE, replacing our named graphs.
    """
    if isinstance(store, remote.Endpoint):
        staged = remote_build.build(root, store, reporter(), lang, shacl_engine=shacl_engine)
    else:
        staged = build(root, store, reporter(), lang, shacl_engine=shacl_engine)
    warnings = len(staged.report.results)
    click.echo(
        f"Built {getattr(store, 'query', store)}: {staged.triples} quads "
        f"from {staged.files} files, "
        f"{staged.rules.total} derived, {warnings} SHACL warning(s), {staged.report.how}."
    )


@main.command("generate")
@click.option(
    "--triples",
    type=click.IntRange(min=1000),
    default=1_000_000,
    show_default=True,
    help="Size of the graph once built (stated and derived triples), at most this many.",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the generator.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/synthetic"),
    show_default=True,
    help="Project folder to write: data/synthetic.nt and links to ontology/ and queries/.",
)
@root_option
@errors_exit
def generate_command(triples: int, seed: int, out: Path, root: Path) -> None:
    """Write a deterministic synthetic graph of the real one's shape, for `build --root OUT`.

    Only the stated facts are written: the build derives the encounters, ess:met,
    org:memberOf and the missions' visits, and validates the whole against the shapes.
    """
    report, shown = reporter(), [0]

    def progress(made: int) -> None:
        tenth = min(10, made * 10 // triples)
        if tenth > shown[0]:
            shown[0] = tenth
            report(f"{tenth * 10}% of {triples:,} triples")

    written = write_project(out, triples, seed, progress, root)
    click.echo(f"Wrote {written:,} triples to {out / 'data'}: `passerelles build --root {out}`.")


@main.command("validate")
@root_option
@lang_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle"]),
    default="text",
    show_default=True,
    help="text: one line per result; turtle: the SHACL validation report graph.",
)
@shacl_option
@errors_exit
def validate_command(root: Path, lang: str, fmt: str, shacl_engine: str) -> None:
    """Check the sources against the SHACL shapes without touching the store."""
    staged = stage(root, ox.Store(), reporter(), lang, shacl_engine=shacl_engine)
    report = staged.report
    if fmt == "turtle":
        click.echo(report.graph.serialize(format="turtle"))
    else:
        click.echo(report.text(lang))
    if not report.conforms:
        sys.exit(EXIT_NOT_CONFORMING)


def parse_params(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not name=value")
        params[name] = value
    return params


@main.command("query")
@click.argument("query")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    callback=parse_params,
    help="A parameter as name=value (an IRI, prefix:name, string, integer or date). Repeatable.",
)
@click.option(
    "--format", "fmt", type=click.Choice(results.FORMATS), default="table", show_default=True
)
@root_option
@store_option
@errors_exit
def query_command(query: str, params: dict, fmt: str, root: Path, store: remote.Location) -> None:
    """Run a named query (see `passerelles queries`) or a .rq FILE on the built store.

    CONSTRUCT and DESCRIBE results are written as Turtle whatever the format.
    """
    path = Path(query)
    if path.suffix == ".rq" and path.is_file():
        named = load_query(path)
    else:
        named = load_queries(root / "queries").get(query)  # type: ignore[assignment]
        if named is None:
            raise QueryError(f"no named query {query!r}: see `passerelles queries`")
    result = run(remote.open_location(store), named, params)
    sys.stdout.buffer.write(results.render(result, fmt))


@main.command("queries")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@errors_exit
def queries_command(root: Path, fmt: str) -> None:
    """List the named queries with their parameters."""
    found = load_queries(root / "queries")
    if fmt == "json":
        listing = [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": [vars(p) for p in q.params],
            }
            for q in found.values()
        ]
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
        return
    for q in found.values():
        params = " ".join(f"--param {p.name}=<{p.type}>" for p in q.params)
        click.echo(f"{q.name} {params}".rstrip())
        click.echo(f"    {q.title}. {q.description}")


@main.command("export")
@click.option(
    "--profile",
    type=click.Choice(list(EXPORT_PROFILES)),
    default="all",
    show_default=True,
    help="all: the whole graph; essglobal: the organisations in the ESSGLOBAL vocabulary.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="ttl",
    show_default=True,
    help="ttl and nt merge all graphs; trig, nq and jsonld keep the named graphs "
    "(the essglobal profile is one graph).",
)
@click.option(
    "--output", "-o", type=click.File("wb"), default="-", help="File to write (- is stdout)."
)
@store_option
@errors_exit
def export_command(profile: str, fmt: str, output: Any, store: remote.Location) -> None:
    """Write the built graph, or one profile of it, in one RDF format."""
    EXPORT_PROFILES[profile](remote.local_copy(store), fmt, output)


@main.command("stats")
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@errors_exit
def stats_command(store: remote.Location, fmt: str) -> None:
    """Triples per named graph and instances per class of the built store."""
    counts = stats(remote.open_location(store))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
        return
    for section, rows in counts.items():
        click.echo(f"{section}:")
        for key, n in rows.items():
            click.echo(f"  {n:>7}  {key}")


@main.group("links")
def links_group() -> None:
    """The link sets to other open data (data/links/)."""


@links_group.command("check")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@errors_exit
def links_check_command(root: Path, fmt: str) -> None:
    """Check every link's syntax for its scheme (Wikidata, GeoNames, SIREN, SIRET, NEQ, INSEE).

    Exit 0 when every link passes, 1 when some fail (each listed: resource, link,
    scheme, reason).
    """
    problems = check_links(read_sources(root))
    if fmt == "json":
        click.echo(json.dumps([vars(p) for p in problems], indent=2, ensure_ascii=False))
    else:
        for p in problems:
            click.echo(f"{p.resource}\t{p.link}\t{p.scheme}\t{p.reason}")
        click.echo(f"{len(problems)} link(s) failed." if problems else "All links pass.", err=True)
    if problems:
        sys.exit(EXIT_ERROR)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    required=True,
    help="A profile of profiles/ (cget-tiers-lieux, sirene) or the path of a .toml profile.",
)
@root_option
@store_option
@lang_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per row skipped or value left out; json: the whole report.",
)
@errors_exit
def import_command(
    file: Path, profile: str, root: Path, store: remote.Location, lang: str, fmt: str
) -> None:
    """Import a CSV FILE by a profile into its own named graph of the served store.

    The graph is replaced (a rerun changes nothing), the rows are reconciled with
    our organisations, and what it created or changed passes the SHACL gate (each
    row as it is mapped, then in the store what rows cannot show) before the new
    store is published in one atomic step; on any error nothing is published. Rows
    that fail a check are listed (line, reason) and skipped. Lasts until the next
    build: list the file in data/imports.toml to make it part of the build.
    """
    if isinstance(store, remote.Endpoint):
        raise click.UsageError("import writes the embedded store: give a folder as --store")
    try:
        gate = partial(validate, engine="auto", lang=lang)  # the build's SHACL gate
        result, _ = import_into(root, store, file, profile, gate, reporter(), lang)
    except ImportNotConforming as error:
        click.echo(error.report.text(lang), err=True)
        click.echo(f"Error: {error}; nothing was published.", err=True)
        sys.exit(EXIT_NOT_CONFORMING)
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return
    for problem in result.problems:
        action = "skipped" if problem.skipped else "value left out"
        click.echo(f"{file}:{problem.line}: {action}: {problem.reason}")
    for match in result.matches:
        click.echo(
            f"{match.ours} owl:sameAs {match.record} (score {match.score:.2f}: {match.evidence()})"
        )
    click.echo(f"Imported {file}: {result.summary()}.")
