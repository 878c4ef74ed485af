"""Virtuoso 7 as a remote store: it answers every query we ship as the embedded store
does (docs/engines.md lists each difference found and its fix), and our build loads it.

The graph is loaded as ``build --store URL`` loads it, and every query comes back
through ``kg.remote.RemoteStore``, the backend the server uses: named queries with the example
values of their headers, the page queries for one resource of each kind, the pictures'
queries, the ESSGLOBAL export, and the server's own queries (statistics, dumps, the
pages' combined queries). Each loader of ``build --store URL`` (Graph Store Protocol,
SPARQL Update, with digest authentication) is also tested on a fresh instance.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from server_fixtures import fetch
from virtuoso_fixtures import Virtuoso, virtuoso_server

from kg import describe
from kg.queries import NamedQuery, load_queries, load_query, parse_query, run
from kg.remote import Endpoint, RemoteStore
from kg.remote_build import BUILD_GRAPH, replace_graphs
from kg.terms import GRAPH, ID
from server.dataset import ALL_QUADS, TRIPLES
from server.indexes import about, together

pytestmark = pytest.mark.virtuoso

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
# One resource of each kind with a page, each with something in every section of it.
RESOURCES = {
    "organisation": f"{ID}organisation/co-actions",
    "person": f"{ID}person/noemie-escortell",
    "event": f"{ID}event/mission-2",
    "place": f"{ID}place/bordeaux",
    "project": f"{ID}project/cooperation-aquitaine-quebec",
    "concept": f"{ID}concept/cae",
}
ONTOLOGY = "https://w3id.org/passerelles/ontology"
ONLY_KINDS = {"network-around": ("organisation", "person", "event")}  # who meets whom
EXAMPLE = re.compile(r"e\.g\. (\S+)")
SERVER_QUERIES = {  # the server's own SPARQL, outside queries/
    "graph-stats": describe.GRAPH_STATS,
    "totals": describe.TOTALS,
    "class-stats": describe.CLASS_STATS,
    "all-quads": ALL_QUADS,
    "count": TRIPLES,
    "ready": "ASK {}",
}
# Not run here, each for a reason: the rules derive inside the build, on the staged
# embedded store, never on the remote one; the federated query calls Wikidata, and no
# test reaches the internet (tests/test_federation.py runs it against a local server).
NOT_REMOTE = ("queries/rules/", "queries/federation/")


@dataclass(frozen=True)
class Case:
    name: str
    query: NamedQuery
    values: dict[str, str] = field(default_factory=dict)


def header_examples(query: NamedQuery) -> dict[str, str]:
    """The example value of each parameter, from its description (``e.g. person:x``)."""
    found = {p.name: EXAMPLE.search(p.description) for p in query.params}
    missing = [name for name, match in found.items() if match is None]
    assert not missing, f"{query.name}: no example (e.g. …) for {missing}"
    return {name: match.group(1) for name, match in found.items() if match}


def page_cases(folder: str) -> Iterator[Case]:
    for query in load_queries(QUERIES / folder).values():
        name, params = f"{folder}/{query.name}", [p.name for p in query.params]
        if query.name in RESOURCES:  # a kind's own query: that kind's resource
            yield Case(name, query, {"resource": RESOURCES[query.name]})
        elif params == ["resource"]:  # a query of every page: each kind's resource
            for kind in ONLY_KINDS.get(query.name, RESOURCES):
                yield Case(f"{name}[{kind}]", query, {"resource": RESOURCES[kind]})
        elif params == ["ontology"]:
            yield Case(name, query, {"ontology": ONTOLOGY})
        else:
            yield Case(name, query, header_examples(query))


def cases() -> list[Case]:
    named = [Case(q.name, q, header_examples(q)) for q in load_queries(QUERIES).values()]
    essglobal = load_query(QUERIES / "export" / "essglobal.rq")
    server = [Case(f"server/{n}", parse_query(n, text)) for n, text in SERVER_QUERIES.items()]
    return [
        *named,
        *page_cases("pages"),
        *page_cases("visuals"),
        Case("export/essglobal", essglobal),
        *server,
    ]


# -- comparing answers ---------------------------------------------------------------------


def order_keys(text: str) -> list[str]:
    """The variables of the query's own ORDER BY (not a sub-SELECT's), in order."""
    tail = text[text.rindex("}") :]
    found = re.search(r"ORDER\s+BY(.*)", tail, re.I | re.S)
    return re.findall(r"[?$](\w+)", found.group(1)) if found else []


Row = tuple[tuple[str, str], ...]


def rows(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> list[Row] | bool:
    """An answer as comparable values: each solution's bound terms, or each triple."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return [(("triple", str(triple)),) for triple in result]
    names = sorted(v.value for v in result.variables)  # engines order SELECT * differently
    return [tuple((n, str(s[n])) for n in names if s[n] is not None) for s in result]


def same_answers(expected: list[Row] | bool, got: list[Row] | bool, keys: list[str]) -> None:
    """Equal as multisets of rows and, for an ordered query, in the order of its keys."""
    if isinstance(expected, bool) or isinstance(got, bool):
        assert got == expected
        return
    missing, extra = Counter(expected) - Counter(got), Counter(got) - Counter(expected)
    assert not missing and not extra, (
        f"{len(got)} rows, not {len(expected)}\n"
        f"missing: {list(missing)[:5]}\nextra: {list(extra)[:5]}"
    )

    def sort_key(row: Row) -> list[str]:
        return [dict(row).get(key, "") for key in keys]

    assert [sort_key(r) for r in got] == [sort_key(r) for r in expected]


# -- the store ---------------------------------------------------------------------------------


def writer(virtuoso: Virtuoso, **loading: str) -> Endpoint:
    """The endpoint as ``build --store URL`` sees it: loading as the account that may."""
    where = Endpoint(virtuoso.query_url, user=virtuoso.user, password=virtuoso.password)
    return replace(where, auth="digest", **loading)


@pytest.fixture(scope="module")
def remote(virtuoso: Virtuoso, store: ox.Store) -> RemoteStore:
    """Virtuoso holding the built graph, loaded as ``build`` loads it (Graph Store
    Protocol) and read as the server reads it."""
    replace_graphs(writer(virtuoso, gsp=virtuoso.graph_store_url), store)
    return RemoteStore(Endpoint(virtuoso.query_url), timeout=60)


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_virtuoso_answers_as_the_embedded_store(
    case: Case, store: ox.Store, remote: RemoteStore
) -> None:
    substitutions = case.query.bind(case.values)
    expected = rows(run(store, case.query, case.values))
    assert expected, f"{case.name} answers nothing here: the comparison would prove nothing"
    got = rows(remote.query(case.query.text, substitutions=substitutions))
    same_answers(expected, got, order_keys(case.query.text))


@pytest.mark.parametrize("kind", RESOURCES)
def test_virtuoso_answers_each_page_as_the_embedded_store(
    kind: str, app: Flask, store: ox.Store, remote: RemoteStore
) -> None:
    """The one combined query a page asks (server/resource_page.py)."""
    with app.app_context():
        text = together("outgoing", "incoming", kind)
    values = about(RESOURCES[kind])
    expected = rows(store.query(text, use_default_graph_as_union=True, substitutions=values))
    assert expected
    same_answers(expected, rows(remote.query(text, substitutions=values)), [])


def test_every_shipped_query_is_compared_or_skipped_for_a_reason() -> None:
    compared = {c.query.text for c in cases()}
    for path in sorted(QUERIES.rglob("*.rq")):
        shipped = path.relative_to(ROOT).as_posix()
        if not shipped.startswith(NOT_REMOTE):
            assert load_query(path).text in compared, f"{shipped} is not compared on Virtuoso"


# -- loading and the instance's protections ----------------------------------------------------


OUR_GRAPHS = f"""SELECT ?graph (COUNT(*) AS ?triples) WHERE {{
  GRAPH ?graph {{ ?s ?p ?o }}
  FILTER (STRSTARTS(STR(?graph), "{GRAPH}") && ?graph != <{BUILD_GRAPH}>)
}} GROUP BY ?graph"""


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_our_build_loads_virtuoso(protocol: str, store: ox.Store, tmp_path: Path) -> None:
    """Each way ``build --store URL`` loads: the Graph Store Protocol, SPARQL Update."""
    with virtuoso_server(tmp_path) as fresh:
        url = {"gsp": fresh.graph_store_url, "update": fresh.update_url}[protocol]
        replace_graphs(writer(fresh, **{protocol: url}), store)
        counts = parse_query("our-graphs", OUR_GRAPHS)
        got = RemoteStore(Endpoint(fresh.query_url)).query(counts.text)
        same_answers(rows(run(store, counts)), rows(got), [])


def test_anonymous_users_cannot_update(virtuoso: Virtuoso) -> None:
    update = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }"
    reply = fetch(virtuoso.query_url, method="POST", data=[("query", update)])
    assert reply.status >= 400
    assert "permission" in reply.text.lower()


def test_the_default_dba_password_is_retired(virtuoso: Virtuoso) -> None:
    tried = subprocess.run(
        ["isql-vt", virtuoso.sql, "dba", "dba", "EXEC=SELECT 1;"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Bad login" in tried.stdout + tried.stderr, tried.stdout + tried.stderr


def test_no_sponging_the_web(virtuoso: Virtuoso) -> None:
    """Virtuoso may fetch a graph it is asked about from the web; not this one."""
    query = 'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o }'
    reply = fetch(virtuoso.query_url, [("query", query)], timeout=30)
    assert reply.status >= 400 and "SPONGE" in reply.text.upper(), reply.text
