"""Federation: our graph joined with a second real SPARQL server through SERVICE.

The second server is ``oxigraph serve`` holding ``fixtures/wikidata-extract.ttl``, a
small extract shaped like Wikidata. The shipped query names Wikidata's own endpoint;
the tests run a copy naming the local server, from a temporary project root.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL
from rdflib.query import Result
from server_fixtures import Server, fetch, free_port, send, solutions, stop, wait_until_up

from kg.sources import read_sources

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "queries" / "federation" / "federated-wikidata.rq"
EXTRACT = ROOT / "tests" / "fixtures" / "wikidata-extract.ttl"
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
WIKIDATA = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
PLACE = "https://w3id.org/passerelles/id/place/"


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The /query URL of an ``oxigraph serve`` loaded with the Wikidata-shaped extract."""
    folder = tmp_path_factory.mktemp("wikidata")
    location = folder / "store"
    load = [str(OXIGRAPH), "load", "--location", str(location), "--file", str(EXTRACT)]
    subprocess.run(load, check=True, capture_output=True, timeout=60)
    port, log = free_port(), folder / "stderr.log"
    serve = [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as stderr:
        process = subprocess.Popen(serve, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        url = f"http://127.0.0.1:{port}/query"
        wait_until_up(process, url, log)
        yield url
    finally:
        stop(process)


def local_copy(url: str) -> str:
    """The shipped query with the local server in place of Wikidata's endpoint."""
    text = SHIPPED.read_text(encoding="utf-8")
    assert f"SERVICE <{WIKIDATA}>" in text
    return text.replace(f"SERVICE <{WIKIDATA}>", f"SERVICE <{url}>")


@pytest.fixture(scope="module")
def project_root(remote: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root whose named queries include the local copy of the federated query."""
    root = tmp_path_factory.mktemp("federated-project")
    for part in ("ontology", "data", "queries", "profiles"):
        shutil.copytree(ROOT / part, root / part)
    (root / "queries" / "federated-wikidata.rq").write_text(local_copy(remote), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def federating(make_server: Callable[..., Server], remote: str, project_root: Path) -> Server:
    return make_server(service_allowlist=[remote], root=str(project_root))


def rows_by_place(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["resource"].removeprefix(PLACE): row for row in rows}


def as_rows(result: Result) -> list[dict[str, str]]:
    return [{str(k): str(v) for k, v in binding.items()} for binding in result.bindings]


def check_joined(rows: dict[str, dict[str, str]]) -> None:
    assert set(rows) == {"bordeaux", "nouvelle-aquitaine", "ville-de-quebec", "montreal", "bilbao"}
    bordeaux = rows["bordeaux"]
    assert bordeaux["label"] == "Bordeaux" and bordeaux["item"] == WD + "Q1479"
    assert bordeaux["country"] == WD + "Q142" and bordeaux["countryLabel"] == "France"
    assert bordeaux["coordinates"] == "Point(-0.58 44.84)"
    assert rows["montreal"]["label"] == "Montréal" and rows["montreal"]["population"] == "1762949"
    assert rows["bilbao"]["countryLabel"] == "Espagne"


def test_federated_query_joins_our_places_with_remote_facts(
    federating: Server, remote: str
) -> None:
    result = solutions(send(federating, local_copy(remote), "POST direct"))
    check_joined(rows_by_place(as_rows(result)))


def test_federated_named_query_from_the_project_root(federating: Server) -> None:
    reply = fetch(federating.url("/queries/federated-wikidata"), {"format": "json"})
    check_joined(rows_by_place(as_rows(solutions(reply))))


def test_refused_when_the_endpoint_is_not_allow_listed(server: Server, remote: str) -> None:
    assert not server.settings.get("service_allowlist")
    reply = send(server, local_copy(remote), "POST direct")
    assert reply.status == 400, reply.text
    assert f"SERVICE {remote} is not allowed" in reply.text


def test_the_shipped_query_is_refused_without_wikidata_on_the_allow_list(server: Server) -> None:
    reply = send(server, SHIPPED.read_text(encoding="utf-8"))
    assert reply.status == 400 and f"SERVICE {WIKIDATA} is not allowed" in reply.text


def test_the_query_names_the_wikidata_items_of_the_link_sets() -> None:
    """The VALUES block inside SERVICE lists exactly the items our data links to."""
    block = re.search(r"VALUES \?item \{([^}]*)\}", SHIPPED.read_text(encoding="utf-8"))
    assert block
    listed = {URIRef(WD + local.removeprefix("wd:")) for local in block.group(1).split()}
    linked = {
        target
        for target in read_sources(ROOT).objects(None, OWL.sameAs)
        if str(target).startswith(WD) and not isinstance(target, Literal)
    }
    assert listed == linked
