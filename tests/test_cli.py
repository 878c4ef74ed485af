"""The command line: each command's happy path and its error paths and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import EXIT_ERROR, EXIT_NOT_CONFORMING, EXIT_USAGE, main
from kg.terms import ID

PERSON = "person:noemie-escortell"
BAD_PERSON = f"""
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{ID}person/someone> a foaf:Person ; foaf:name "Someone" ; foaf:mbox <mailto:someone@example.org> .
"""


def invoke(runner: CliRunner, *args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def built_project(runner: CliRunner, project: Path) -> tuple[Path, Path]:
    """A project copy built into its own store, and the store's path."""
    store = project / "var" / "store"
    code, out, err = invoke(runner, "build", "--root", project, "--store", store)
    assert code == 0, err
    assert "Built" in out and "Parsing" in err, "build reports what it did and its progress"
    return project, store


def served_triples(store: Path) -> set[str]:
    from kg.store import open_store

    return {str(q) for q in open_store(store)}


def test_broken_file_is_named_and_store_left_untouched(
    runner: CliRunner, built_project: tuple[Path, Path]
) -> None:
    project, store = built_project
    before, link = served_triples(store), store.readlink()
    (project / "data" / "people.ttl").open("a").write('\n\n<urn:a> <urn:b> "unclosed .\n')
    code, _, err = invoke(runner, "build", "--root", project, "--store", store)
    assert code == EXIT_ERROR
    assert "people.ttl:" in err and "Turtle syntax error" in err
    assert store.readlink() == link and served_triples(store) == before
    assert len(list(store.with_name("store.builds").iterdir())) == 1, "no half-built folder left"


def test_non_conforming_data_is_not_published(
    runner: CliRunner, built_project: tuple[Path, Path]
) -> None:
    project, store = built_project
    link = store.readlink()
    (project / "data" / "intruder.ttl").write_text(BAD_PERSON)
    code, _, err = invoke(runner, "build", "--root", project, "--store", store)
    assert code == EXIT_NOT_CONFORMING
    assert "person:someone" in err and "mbox" in err and "nothing was published" in err
    assert store.readlink() == link
    code, _, _ = invoke(runner, "validate", "--root", project)
    assert code == EXIT_NOT_CONFORMING


def test_validate_passes_on_shipped_data_and_gives_the_report_graph(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "validate", "--format", "turtle")
    assert code == 0
    report = rdflib.Graph().parse(data=out, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(True)) in report


def test_who_met_whom_prints_people_events_and_evidence(
    runner: CliRunner, built_store_path: Path
) -> None:
    args = ("query", "who-met-whom", "--param", f"person={PERSON}", "--store", built_store_path)
    code, out, _ = invoke(runner, *args)
    assert code == 0
    assert "Cécile Marsan" in out and "Sylvie Germain" in out and "2016-09-05" in out
    assert "travelled together" in out.lower()
    code, out, _ = invoke(runner, *args, "--format", "json")
    rows = json.loads(out)["results"]["bindings"]
    assert {"other", "event", "start", "evidenceLabel"} <= set(rows[0])


def test_query_file_and_csv(runner: CliRunner, built_store_path: Path, tmp_path: Path) -> None:
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }")
    code, out, _ = invoke(runner, "query", query, "--format", "csv", "--store", built_store_path)
    assert code == 0 and out.splitlines()[0] == "n" and int(out.splitlines()[1]) > 0


@pytest.mark.parametrize(
    ("args", "code", "phrase"),
    [
        (("query", "no-such-query"), EXIT_ERROR, "no named query 'no-such-query'"),
        (("query", "who-met-whom"), EXIT_ERROR, "missing parameter person"),
        (("query", "who-met-whom", "-p", "person=not an iri"), EXIT_ERROR, "not a valid iri"),
        (("query", "who-met-whom", "-p", "person"), EXIT_USAGE, "is not name=value"),
        (("query", "missions", "--format", "pdf"), EXIT_USAGE, "pdf"),
    ],
)
def test_query_errors(
    runner: CliRunner, built_store_path: Path, args: tuple[str, ...], code: int, phrase: str
) -> None:
    got, _, err = invoke(runner, *args, "--store", built_store_path)
    assert got == code and phrase in err


def test_commands_on_a_missing_store_say_to_build(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "stats", "--store", tmp_path / "none")
    assert code == EXIT_ERROR and "passerelles build" in err


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [("ttl", "turtle"), ("nt", "nt"), ("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")],
)
def test_export_parses_back(
    runner: CliRunner, built_store_path: Path, fmt: str, rdflib_format: str
) -> None:
    code, out, _ = invoke(runner, "export", "--format", fmt, "--store", built_store_path)
    assert code == 0
    parsed = rdflib.Dataset().parse(data=out, format=rdflib_format)
    assert len(parsed) > 1000 or sum(len(g) for g in parsed.graphs()) > 1000


def test_stats_and_queries_listing(runner: CliRunner, built_store_path: Path) -> None:
    code, out, _ = invoke(runner, "stats", "--format", "json", "--store", built_store_path)
    counts = json.loads(out)
    assert code == 0 and counts["classes"]["foaf:Person"] > 0
    assert "https://w3id.org/passerelles/graph/inferred" in counts["graphs"]
    code, out, _ = invoke(runner, "queries", "--format", "json")
    assert code == 0 and "who-met-whom" in {q["name"] for q in json.loads(out)}


def test_help_documents_exit_codes() -> None:
    out = CliRunner().invoke(main, ["--help"]).output
    assert "3 the data does not conform" in out
