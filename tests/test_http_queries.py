"""``/queries`` and ``/openapi.json`` over HTTP, against the real server.

The named queries of ``queries/`` are listed (JSON and HTML), run with their
parameters bound as typed RDF terms, answered in every result format, and
described, with the rest of the HTTP API, by an OpenAPI 3.1 document.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from server_fixtures import SOLUTION_FORMATS, Reply, Server, column, fetch, has_charset, solutions

from kg.queries import NamedQuery, load_queries

pytestmark = pytest.mark.server

FOLDER = Path(__file__).resolve().parents[1] / "queries"
QUERIES = load_queries(FOLDER)
PERSON = "https://w3id.org/passerelles/id/person/"
NOEMIE = PERSON + "noemie-escortell"
WHO_MET_WHOM = "/queries/who-met-whom"


def run(server: Server, path: str, accept: str = "", **params: str) -> Reply:
    return fetch(server.url(path), params, headers={"Accept": accept} if accept else {})


def example(query: NamedQuery) -> dict[str, str]:
    """The example value each parameter's description gives (``e.g. person:slug``)."""
    found = {p.name: re.search(r"e\.g\. (\S+)", p.description) for p in query.params}
    assert all(found.values()), f"{query.name}: a parameter without an example"
    return {name: match.group(1) for name, match in found.items() if match}


def rows(reply: Reply) -> set[frozenset[tuple[str, str]]]:
    return {
        frozenset((str(k), str(v)) for k, v in row.items()) for row in solutions(reply).bindings
    }


class Links(HTMLParser):
    """The links of an HTML page: (href, text) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


# -- the list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "params"),
    [("", {}), ("application/json", {}), ("text/html", {"format": "json"})],
)
def test_list_in_json(server: Server, accept: str, params: dict[str, str]) -> None:
    reply = run(server, "/queries", accept, **params)
    assert reply.status == 200
    assert reply.media == "application/json"
    listed = {entry["name"]: entry for entry in reply.json()}
    assert set(listed) == {path.stem for path in FOLDER.glob("*.rq")}
    for name, query in QUERIES.items():
        assert listed[name]["title"] == query.title != name
        assert listed[name]["description"] == query.description != ""
        parameters = [(p["name"], p["type"], p["description"]) for p in listed[name]["parameters"]]
        assert parameters == [(p.name, p.type, p.description) for p in query.params]


def test_list_in_html_links_every_query(server: Server) -> None:
    reply = run(server, "/queries", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert reply.status == 200
    assert has_charset(reply, "text/html")
    page = Links()
    page.feed(reply.text)
    links = {href: text.strip() for href, text in page.links if href.startswith("/queries/")}
    assert links == {f"/queries/{name}": query.title for name, query in QUERIES.items()}
    assert any(href.endswith("format=json") for href, _ in page.links), "no link to the JSON twin"


# -- running a query -----------------------------------------------------------------------


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_runs_with_its_example_parameters(server: Server, name: str) -> None:
    result = solutions(run(server, f"/queries/{name}", **example(QUERIES[name])))
    assert result.bindings, f"{name} found nothing for its own example"


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS)
def test_who_met_whom_in_every_format(server: Server, fmt: str) -> None:
    media, parser = SOLUTION_FORMATS[fmt]
    by_param = run(server, WHO_MET_WHOM, person=NOEMIE, format=fmt)
    by_accept = run(server, WHO_MET_WHOM, media, person=NOEMIE)
    for reply in (by_param, by_accept):
        assert has_charset(reply, media)
        result = solutions(reply, parser)
        assert "Cécile Marsan" in column(result, "otherName")
        assert column(result, "person") == {NOEMIE}


def test_a_prefixed_name_binds_the_same_iri(server: Server) -> None:
    full = run(server, WHO_MET_WHOM, person=NOEMIE)
    short = run(server, WHO_MET_WHOM, person="person:noemie-escortell")
    assert solutions(short).bindings == solutions(full).bindings


def test_html_page_shows_the_results_as_a_table(server: Server) -> None:
    reply = run(server, WHO_MET_WHOM, "text/html", person=NOEMIE)
    assert reply.media == "text/html"
    page = Links()
    page.feed(reply.text)
    assert (PERSON + "cecile-marsan", PERSON + "cecile-marsan") in page.links


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({}, "person"),
        ({"person": "not an IRI"}, "person"),
        ({"person": "<>"}, "person"),
        ({"person": NOEMIE, "colour": "blue"}, "colour"),
    ],
    ids=["missing", "not-an-iri", "empty", "unknown-parameter"],
)
def test_bad_parameters_get_400_naming_them(
    server: Server, params: dict[str, str], named: str
) -> None:
    reply = run(server, WHO_MET_WHOM, **params)
    assert reply.status == 400
    assert reply.media == "text/plain"
    assert named in reply.text


@pytest.mark.parametrize(
    "value",
    [
        "x> } UNION { ?s ?p ?o } #",
        NOEMIE + "> } UNION { ?s ?p ?o } #",
        NOEMIE + '> . ?s ?p ?o } #"',
        f"{NOEMIE}>}} UNION {{ ?person ?x ?other }}#",
        '" } UNION { ?s ?p ?o } #',
    ],
)
def test_injection_attempts_never_widen_the_results(server: Server, value: str) -> None:
    """A parameter is a term, never query text: it is refused, or finds no more than an IRI."""
    reply = run(server, WHO_MET_WHOM, person=value)
    assert reply.status in (200, 400), reply.text
    if reply.status == 200:
        assert rows(reply) <= rows(run(server, WHO_MET_WHOM, person=NOEMIE))


def test_unknown_query_gets_404(server: Server) -> None:
    reply = run(server, "/queries/no-such-query")
    assert reply.status == 404
    assert "no-such-query" in reply.text


# -- OpenAPI -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi(server: Server) -> dict[str, Any]:
    reply = run(server, "/openapi.json")
    assert reply.status == 200
    assert reply.media == "application/json"
    document: dict[str, Any] = reply.json()
    return document


def test_openapi_document_is_valid_openapi_3_1(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.1.")
    assert {"title", "version"} <= set(openapi["info"])
    validate(openapi)


def test_openapi_describes_the_endpoint_and_every_query(
    server: Server, openapi: dict[str, Any]
) -> None:
    paths = openapi["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])
    assert "get" in paths["/queries"]
    assert openapi["servers"] == [{"url": server.base}]
    for name, query in QUERIES.items():
        parameters = {p["name"]: p for p in paths[f"/queries/{name}"]["get"]["parameters"]}
        assert set(parameters) == {p.name for p in query.params} | {"format"}
        assert all(parameters[p.name]["required"] for p in query.params)
        assert paths[f"/queries/{name}"]["get"]["summary"] == query.title
