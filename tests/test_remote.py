"""The remote store backend (kg/remote.py, kg/remote_bind.py, kg/remote_build.py) on a
real ``oxigraph serve``.

One graph is staged from the real sources, kept in memory as the embedded store, and
loaded into the server: every named query, page query and picture query must answer
the same on both, with its parameters bound remotely by VALUES. Then the protections in
front of the remote store (timeout, row limit, SERVICE allow-list, read-only), the
build (our graphs replaced, others left alone, nothing loaded when the gate fails, by
the Graph Store Protocol and by SPARQL Update), the CLI on a URL, and the reload.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from oxigraph_fixtures import oxigraph_server
from server_fixtures import Engine, Listener

from kg import remote_build
from kg.build import NotConforming, stage
from kg.executor import QueryFailed, QueryPool, Request
from kg.queries import NamedQuery, load_queries, run
from kg.remote import CanonicalBooleans, Endpoint, RemoteStore, location
from kg.remote_bind import bind, cap
from kg.terms import GRAPH, ID, ONTOLOGY_GRAPH
from server import close, create_app
from server.cli import main

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
QUERY_FOLDERS = ("queries", "queries/pages", "queries/visuals")
# One resource of each kind with a page, for the queries of one resource.
RESOURCES = [
    f"{ID}person/noemie-escortell",
    f"{ID}organisation/co-actions",
    f"{ID}event/mission-1",
    f"{ID}event/visit-3-meduse",
    f"{ID}place/bordeaux",
    f"{ID}concept/cae",
    f"{ID}project/cooperation-aquitaine-quebec",
]
PEOPLE = str(GRAPH["data/people"])
FOAF_PERSON = "<http://xmlns.com/foaf/0.1/Person>"
MONSTER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FOREIGN = "urn:x:foreign"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with oxigraph_server(tmp_path_factory.mktemp("remote")) as started:
        yield started


@pytest.fixture(scope="module")
def staged() -> ox.Store:
    """The real sources staged and validated, in memory: the embedded store to compare with."""
    target = ox.Store()
    assert stage(ROOT, target).report.conforms
    return target


@pytest.fixture(scope="module")
def loaded(engine: Engine, staged: ox.Store) -> Endpoint:
    """The engine holding the staged graph (and a graph of someone else's)."""
    endpoint = location(engine.query, engine.settings)
    assert isinstance(endpoint, Endpoint)
    remote_build._GraphStore(endpoint).replace(FOREIGN, [triple("urn:x:a", "urn:x:b", "c")])
    remote_build.replace_graphs(endpoint, staged)
    return endpoint


def triple(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o))


def graphs(endpoint: Endpoint) -> dict[str, int]:
    rows = RemoteStore(endpoint).query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in rows}  # type: ignore[union-attr]


# -- the same answers ------------------------------------------------------------------------


def cases() -> Iterator[tuple[str, NamedQuery, dict[str, str]]]:
    """Every query we ship that the server runs, with each set of values it is run with."""
    for folder in QUERY_FOLDERS:
        for name, query in load_queries(ROOT / folder).items():
            key = f"{folder.removeprefix('queries').strip('/') or 'named'}/{name}"
            examples = {p.name: re.search(r"e\.g\. (\S+)", p.description) for p in query.params}
            if all(examples.values()):
                yield key, query, {k: m.group(1) for k, m in examples.items() if m}
            elif [p.name for p in query.params] == ["ontology"]:
                yield key, query, {"ontology": str(ONTOLOGY_GRAPH).replace("graph/", "")}
            if [p.name for p in query.params] == ["resource"]:
                for iri in RESOURCES:
                    yield f"{key}@{iri.rsplit('/', 1)[-1]}", query, {"resource": iri}


def answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Counter[str]:
    """A result as a multiset of rows (blank nodes by kind only: their labels differ)."""
    if isinstance(result, ox.QueryBoolean):
        return Counter([str(bool(result))])
    if isinstance(result, ox.QueryTriples):
        return Counter(str(t) for t in result)
    names = [v.value for v in result.variables]
    return Counter(" ".join(f"{n}={term_text(row[n])}" for n in names) for row in result)


def term_text(term: object) -> str:
    return "" if term is None else "_:" if isinstance(term, ox.BlankNode) else str(term)


@pytest.mark.parametrize("dataset", ["union", "ours"])
@pytest.mark.parametrize(("key", "query", "values"), list(cases()), ids=lambda x: x)
def test_every_query_answers_as_the_embedded_store(
    loaded: Endpoint,
    staged: ox.Store,
    key: str,
    query: NamedQuery,
    values: dict[str, str],
    dataset: str,
) -> None:
    expected = answer(run(staged, query, values))
    remote = RemoteStore(replace(loaded, dataset=dataset))
    assert answer(run(remote, query, values)) == expected, key


def test_our_dataset_leaves_the_engines_other_graphs_out(
    loaded: Endpoint, staged: ox.Store
) -> None:
    every, ours = RemoteStore(loaded), RemoteStore(replace(loaded, dataset="ours"))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    names = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert answer(ours.query(count)) == answer(staged.query(count, use_default_graph_as_union=True))
    assert answer(every.query(count)) != answer(ours.query(count))
    listed = ours.query(names)
    assert isinstance(listed, ox.QuerySolutions)
    found = {row["g"].value for row in listed}  # type: ignore[union-attr]
    assert found == {g.value for g in staged.named_graphs()}  # type: ignore[union-attr]
    assert FOREIGN not in found and remote_build.BUILD_GRAPH not in found


def test_values_go_where_substitutions_act() -> None:
    resource = {ox.Variable("r"): ox.NamedNode("urn:x:r")}
    inner = "SELECT ?x WHERE { { SELECT ?y WHERE { ?r ?p ?y } } ?x ?q ?r }"
    bound = bind(inner, resource)
    assert bound.count("VALUES (?r) { (<urn:x:r>) }") == 1  # the sub-SELECT's ?r is its own
    assert "{ SELECT ?y WHERE { ?r ?p ?y } }" in bound
    tricky = 'ASK { ?r ?p "{ ?r }" # { ?r\n }'
    assert bind(tricky, {ox.Variable("r"): ox.Literal('a"}')}).startswith(
        'ASK { VALUES (?r) { ("a\\"}") }  ?r ?p "{ ?r }" # { ?r\n }'
    )
    assert bind("DESCRIBE ?r", resource) == "DESCRIBE ?r WHERE { VALUES (?r) { (<urn:x:r>) } }"
    with pytest.raises(ValueError, match="CONSTRUCT WHERE"):
        bind("CONSTRUCT WHERE { ?r ?p ?o }", resource)
    # The query's group and each branch, not the group that only holds the branches
    # (Virtuoso could not order the query then).
    nested = bind("SELECT * WHERE { { { ?r ?p ?o } UNION { ?o ?p ?r } } BIND (1 AS ?n) }", resource)
    assert nested.count("VALUES") == 3 and "{ {  VALUES" not in nested


@pytest.mark.parametrize(
    ("query", "sent"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 8\n"),
        ("SELECT * { ?s ?p ?o } # LIMIT 2", "SELECT * { ?s ?p ?o } # LIMIT 2\nLIMIT 8\n"),
        ("SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 99", "SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 8"),
        ("SELECT * { ?s ?p ?o } LIMIT 3 OFFSET 9", "SELECT * { ?s ?p ?o } LIMIT 3 OFFSET 9"),
        (
            'SELECT * { { SELECT ?s { ?s ?p "}" } LIMIT 99 } } VALUES ?s { <urn:x:a> }',
            'SELECT * { { SELECT ?s { ?s ?p "}" } LIMIT 99 } } \nLIMIT 8\nVALUES ?s { <urn:x:a> }',
        ),
    ],
)
def test_a_select_is_sent_with_the_row_limit(query: str, sent: str) -> None:
    assert cap(query, 8) == sent
    assert list(ox.Store().query(sent)) == []  # still a query
    assert cap("SELECT ?x WHERE { ?x", 8) == "SELECT ?x WHERE { ?x"  # the engine's error


class Trickle(io.BytesIO):
    """An answer arriving a few bytes at a time."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(5)


def test_booleans_are_read_in_their_canonical_form() -> None:
    boolean = '"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean"'
    virtuoso = (  # as Virtuoso writes it
        '{ "head": { "link": [], "vars": ["b"] }, "results": { "bindings": [\n'
        f'{{ "b": {{ {boolean}, "value": "1" }}}},\n{{ "b": {{ {boolean}, "value": "0" }}}},\n'
        '{ "b": { "type": "literal", "value": "1" }} ] } }'
    )
    answer = io.BufferedReader(CanonicalBooleans(Trickle(virtuoso.encode())))
    rows = ox.parse_query_results(answer, ox.QueryResultsFormat.JSON)
    assert [row["b"].value for row in rows] == ["true", "false", "1"]  # type: ignore[union-attr]


def test_dataset_parameters_are_passed_through(loaded: Endpoint) -> None:
    store = RemoteStore(loaded)
    people = f"ASK {{ ?p a {FOAF_PERSON} }}"
    assert bool(store.query(people))  # no dataset: the union of all graphs
    ontology = [ox.NamedNode(str(ONTOLOGY_GRAPH))]
    assert not bool(store.query(people, default_graph=ontology))
    assert bool(store.query(people, default_graph=[ox.NamedNode(PEOPLE)]))
    named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", named_graphs=ontology)
    assert isinstance(named, ox.QuerySolutions)
    assert {row["g"].value for row in named} == {str(ONTOLOGY_GRAPH)}  # type: ignore[union-attr]


# -- the protections -------------------------------------------------------------------------


def test_a_query_past_the_timeout_is_stopped_while_another_is_answered(loaded: Endpoint) -> None:
    pool = QueryPool(loaded, size=2, timeout=1.5, max_rows=10)
    try:
        pool.execute(Request("ASK {}"))  # both workers up
        pool.execute(Request("ASK {}"))
        failed: list[QueryFailed] = []

        def monster() -> None:
            with pytest.raises(QueryFailed) as stopped:
                pool.execute(Request(MONSTER))
            failed.append(stopped.value)

        thread = threading.Thread(target=monster)
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert b"true" in pool.execute(Request(f"ASK {{ ?p a {FOAF_PERSON} }}")).body
        assert time.monotonic() - started < 0.5
        thread.join()
        assert failed[0].kind == "timeout" and "1.5 s" in str(failed[0])
    finally:
        pool.close()


@pytest.mark.parametrize(
    ("query", "fmt"),
    [("SELECT * WHERE { ?s ?p ?o }", "json"), ("CONSTRUCT WHERE { ?s ?p ?o }", "")],
)
def test_results_are_cut_at_the_row_limit(loaded: Endpoint, query: str, fmt: str) -> None:
    pool = QueryPool(loaded, size=1, timeout=10, max_rows=7)
    try:
        cut = pool.execute(Request(query, fmt or None, "ntriples"))
        small = pool.execute(Request(query.replace("}", "} LIMIT 3"), fmt or None, "ntriples"))
    finally:
        pool.close()
    assert (cut.rows, cut.truncated, small.rows, small.truncated) == (7, True, 3, False)
    if not fmt:
        assert len(cut.body.strip().split(b"\n")) == 7


def test_the_engine_stops_at_the_row_limit(loaded: Endpoint) -> None:
    """Billions of solutions: only the LIMIT sent with the query lets this answer at once."""
    pool = QueryPool(loaded, size=1, timeout=5, max_rows=7)
    try:
        started = time.monotonic()
        cut = pool.execute(Request("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "json"))
    finally:
        pool.close()
    assert (cut.rows, cut.truncated) == (7, True) and time.monotonic() - started < 2


def test_service_off_the_allow_list_never_reaches_the_engine(
    loaded: Endpoint, listener: Listener
) -> None:
    app = create_app({"store": loaded.query})
    try:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        reply = app.test_client().get("/sparql", query_string={"query": query})
        assert reply.status_code == 400 and "is not allowed" in reply.get_data(True)
        assert not listener.connected.wait(1.0), "the engine was asked to call the SERVICE"
    finally:
        close(app)


def test_updates_are_refused_before_they_reach_the_engine(
    loaded: Endpoint, listener: Listener
) -> None:
    with pytest.raises(SyntaxError, match="not a SPARQL query"):
        RemoteStore(Endpoint(listener.url)).query("INSERT DATA { <urn:x:i> <urn:x:b> 1 }")
    assert not listener.connected.is_set()
    app = create_app({"store": loaded.query})
    try:
        client = app.test_client()
        insert = "INSERT DATA { <urn:x:i> <urn:x:b> 1 }"
        reply = client.post("/sparql", data=insert, content_type="application/sparql-query")
        assert reply.status_code == 403
        asked = client.get("/sparql", query_string={"query": "ASK { <urn:x:i> ?p ?o }"})
        assert asked.get_json()["boolean"] is False
    finally:
        close(app)


def test_workers_connect_to_the_store_only(engine: Engine, listener: Listener) -> None:
    """netguard in a fresh process, as in a worker: the store by name, nothing else."""
    by_name = engine.query.replace("127.0.0.1", "localhost")
    script = (
        "import sys; from kg import netguard; from kg.remote import *\n"
        f"netguard.install([{by_name!r}])\n"
        f"assert bool(RemoteStore(Endpoint({by_name!r})).query('ASK {{}}'))\n"
        f"RemoteStore(Endpoint({listener.url!r})).query('ASK {{}}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "outbound" in done.stderr and "refused" in done.stderr, done.stderr
    assert not listener.connected.is_set()


# -- the build -------------------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with oxigraph_server(tmp_path) as started:
        yield started


@pytest.mark.parametrize("way", ["store_gsp", "store_update"])
def test_a_build_replaces_our_graphs_and_no_other(fresh: Engine, way: str) -> None:
    endpoint = Endpoint(fresh.query, **{way.removeprefix("store_"): fresh.settings[way]})
    gone, recorded = str(GRAPH["data/gone"]), "urn:x:ours-once"
    before = ox.Store()
    for graph in (gone, recorded):
        before.add(ox.Quad(*triple("urn:x:s", "urn:x:p", "old"), ox.NamedNode(graph)))
    remote_build.replace_graphs(endpoint, before)
    remote_build._GraphStore(Endpoint(fresh.query, gsp=fresh.settings["store_gsp"])).replace(
        FOREIGN, [triple("urn:x:a", "urn:x:b", "c")]
    )
    first = remote_build.build_id(endpoint)
    after = ox.Store()
    kept = str(GRAPH["data/kept"])
    after.extend(
        ox.Quad(*triple("urn:x:s", "urn:x:p", str(n)), ox.NamedNode(kept)) for n in range(5)
    )
    remote_build.replace_graphs(endpoint, after)
    assert graphs(endpoint) == {kept: 5, FOREIGN: 1, remote_build.BUILD_GRAPH: 3}
    assert remote_build.build_id(endpoint) not in ("", first)


def test_update_chunks_keep_blank_nodes_together(
    fresh: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_build, "CHUNK", 3)
    endpoint = Endpoint(fresh.query, update=fresh.settings["store_update"])
    g, a, b = ox.NamedNode(str(GRAPH["data/blank"])), ox.BlankNode(), ox.BlankNode()
    staged = ox.Store()
    staged.extend(ox.Quad(*triple(f"urn:x:{n}", "urn:x:p", "o"), g) for n in range(10))
    staged.add(ox.Quad(a, ox.NamedNode("urn:x:next"), b, g))
    staged.add(ox.Quad(b, ox.NamedNode("urn:x:label"), ox.Literal("x"), g))
    remote_build.replace_graphs(endpoint, staged)
    assert graphs(endpoint)[g.value] == 12
    linked = f'ASK {{ GRAPH {g} {{ ?a <urn:x:next> ?b . ?b <urn:x:label> "x" }} }}'
    assert bool(RemoteStore(endpoint).query(linked))


def test_update_chunks_are_cut_in_bytes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote_build, "CHUNK_BYTES", 1_000)
    long = [triple(f"urn:x:{n}", "urn:x:p", "x" * 400) for n in range(5)]
    short = [triple(f"urn:x:{n}", "urn:x:p", "x") for n in range(5)]
    assert [len(c) for c in remote_build.chunks(long + short)] == [2, 2, 1 + 5]
    assert [len(c) for c in remote_build.chunks([])] == [0]  # one request: it drops the graph


def test_a_failed_gate_loads_nothing(loaded: Endpoint, project: Path) -> None:
    people = project / "data" / "people.ttl"
    people.write_text(
        people.read_text(encoding="utf-8")
        + "\n<https://w3id.org/passerelles/id/person/x> a <http://xmlns.com/foaf/0.1/Person> ;"
        " <http://xmlns.com/foaf/0.1/mbox> <mailto:x@example.org> .\n",
        encoding="utf-8",
    )
    before, build = graphs(loaded), remote_build.build_id(loaded)
    with pytest.raises(NotConforming):
        remote_build.build(project, loaded)
    assert (graphs(loaded), remote_build.build_id(loaded)) == (before, build)


def test_the_cli_builds_queries_exports_and_counts_on_a_url(
    fresh: Engine, staged: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSERELLES_STORE_GSP", fresh.settings["store_gsp"])
    runner, url = CliRunner(), ["--store", fresh.query]
    built = runner.invoke(main, ["build", "--root", str(ROOT), *url])
    assert built.exit_code == 0, built.output
    asked = runner.invoke(main, ["query", "missions", "--format", "csv", *url])
    assert asked.exit_code == 0 and "mission-1" in asked.output
    exported = runner.invoke(main, ["export", "--format", "nq", *url])
    assert exported.exit_code == 0
    quads = exported.stdout_bytes.strip().split(b"\n")
    assert len(quads) == len(staged) + len(build_record(fresh))
    counted = runner.invoke(main, ["stats", "--format", "json", *url])
    assert counted.exit_code == 0 and '"https://w3id.org/passerelles/graph/build"' in counted.output


def build_record(engine: Engine) -> list[str]:
    rows = RemoteStore(Endpoint(engine.query)).query(
        f"SELECT ?o WHERE {{ GRAPH <{remote_build.BUILD_GRAPH}> {{ ?s ?p ?o }} }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return [str(row["o"]) for row in rows]


def test_the_admin_reload_rebuilds_into_the_remote_store(fresh: Engine) -> None:
    """And the pages follow the new build (its record is read through the query workers)."""
    settings = {"store_gsp": fresh.settings["store_gsp"], "store_dataset": "ours"}
    app = create_app({"store": fresh.query, **settings, "admin_token": "t"})
    try:
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        reply = client.post("/-/reload", headers={"Authorization": "Bearer t"})
        assert reply.status_code == 200, reply.get_data(True)
        assert remote_build.build_id(Endpoint(fresh.query)) != ""
        page = client.get("/page/person/noemie-escortell")
        assert page.status_code == 200 and "Noémie Escortell" in page.get_data(True)
    finally:
        close(app)


def test_the_password_is_never_a_command_line_option() -> None:
    """A command line is visible to every user of the machine: environment or file only."""
    listed = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--store-user" in listed and "--store-password" not in listed
    refused = CliRunner().invoke(main, ["serve", "--store-password", "x", "--get", "/healthz"])
    assert refused.exit_code == 2 and "No such option" in refused.output
    endpoint = location("http://127.0.0.1:1/sparql", {"store_password": "s3cret"})
    assert "s3cret" not in repr(endpoint) and "s3cret" not in repr(endpoint.read_only())
    assert isinstance(endpoint, Endpoint) and endpoint.read_only().password == ""
