"""The ``passerelles`` command line: thin commands over the ``kg`` library."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import pyoxigraph as ox

from kg import __version__, essglobal, results, settings
from kg.build import NotConforming, build, stage
from kg.export import FORMATS as EXPORT_FORMATS
from kg.export import export
from kg.links import check_links
from kg.queries import QueryError, load_queries, load_query, run
from kg.sources import SourceError, read_sources
from kg.stats import stats
from kg.store import StoreError, open_store

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
store_option = setting_option("store", type=click.Path(path_type=Path))
lang_option = setting_option("lang", type=click.Choice(["en", "fr"]))


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
        except (SourceError, StoreError, QueryError, OSError) as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def reporter() -> Callable[[str], None]:
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
@errors_exit
def build_command(root: Path, store: Path, lang: str) -> None:
    """Parse, derive, validate and publish the embedded store.

    The new store is written beside the served one and replaces it in one atomic
    step, only if it passed the SHACL gate; on any error the served store is untouched.
    """
    staged = build(root, store, reporter(), lang)
    warnings = len(staged.report.results)
    click.echo(
        f"Built {store}: {staged.triples} quads from {staged.files} files, "
        f"{staged.rules.total} derived, {warnings} SHACL warning(s)."
    )


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
@errors_exit
def validate_command(root: Path, lang: str, fmt: str) -> None:
    """Check the sources against the SHACL shapes without touching the store."""
    staged = stage(root, ox.Store(), reporter(), lang)
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
def query_command(query: str, params: dict, fmt: str, root: Path, store: Path) -> None:
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
    result = run(open_store(store), named, params)
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
def export_command(profile: str, fmt: str, output: Any, store: Path) -> None:
    """Write the built graph, or one profile of it, in one RDF format."""
    EXPORT_PROFILES[profile](open_store(store), fmt, output)


@main.command("stats")
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@errors_exit
def stats_command(store: Path, fmt: str) -> None:
    """Triples per named graph and instances per class of the built store."""
    counts = stats(open_store(store))
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
