"""Reloads: only a graph that passed the gate is ever served, and a swap drops no request.

Each test builds a private copy of the project into its own store, serves it with the
real server, and rebuilds it while the server runs.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_fixtures import Server, fetch, running_server, send, solutions

from kg.build import build

pytestmark = pytest.mark.server

PERSONS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"
NEW_PERSON = """
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix src: <https://w3id.org/passerelles/source/> .
<https://w3id.org/passerelles/id/person/someone-new> a foaf:Person ; foaf:name "Someone New" ;
    prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 .
"""
INVALID = NEW_PERSON.replace(
    'foaf:name "Someone New" ;', "foaf:mbox <mailto:someone@example.org> ;"
)
PASSERELLES = str(Path(sys.executable).with_name("passerelles"))
TOKEN = "s3cret-token"


def persons(server: Server) -> int:
    return int(next(iter(solutions(send(server, PERSONS))))[0])


def build_command(project: Path, store: Path) -> list[str]:
    return [PASSERELLES, "build", "--root", str(project), "--store", str(store)]


def rebuild(project: Path, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        build_command(project, store), capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def served(project: Path, tmp_path: Path) -> Iterator[tuple[Path, Path, Server]]:
    store = tmp_path / "var" / "store"
    build(project, store)
    settings = {"root": str(project), "admin_token": TOKEN}
    with running_server(store, tmp_path, **settings) as server:
        yield project, store, server


def test_an_invalid_rebuild_changes_no_answer(served: tuple[Path, Path, Server]) -> None:
    project, store, server = served
    link = store.readlink()
    (project / "data" / "intruder.ttl").write_text(INVALID)
    assert rebuild(project, store).returncode == 3
    assert store.readlink() == link and persons(server) == 22


def test_a_killed_build_leaves_the_served_store_intact(served: tuple[Path, Path, Server]) -> None:
    project, store, server = served
    link = store.readlink()
    process = subprocess.Popen(build_command(project, store), stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:  # kill it while it validates, its new store half-made
        if "validating" in line.lower():
            process.send_signal(signal.SIGKILL)
            break
    process.wait(30)
    assert process.returncode == -signal.SIGKILL
    assert store.readlink() == link and persons(server) == 22
    (project / "data" / "newcomer.ttl").write_text(NEW_PERSON)
    assert rebuild(project, store).returncode == 0, "the next build goes through"
    assert persons(server) == 23
    assert len(list(store.with_name("store.builds").iterdir())) == 2, "the dead build is gone"


def test_a_rebuild_under_20_clients_fails_no_request(served: tuple[Path, Path, Server]) -> None:
    project, store, server = served
    answers: list[tuple[int, int]] = []
    done = threading.Event()

    def client() -> None:
        while not done.is_set():
            reply = send(server, PERSONS)
            count = int(next(iter(solutions(reply)))[0]) if reply.status == 200 else -1
            answers.append((reply.status, count))

    clients = [threading.Thread(target=client) for _ in range(20)]
    for thread in clients:
        thread.start()
    time.sleep(0.5)
    (project / "data" / "newcomer.ttl").write_text(NEW_PERSON)
    assert rebuild(project, store).returncode == 0
    time.sleep(0.5)
    done.set()
    for thread in clients:
        thread.join()
    assert len(answers) > 100
    assert {status for status, _ in answers} == {200}, "no request failed"
    assert {count for _, count in answers} == {22, 23}, "each answer is the old graph or the new"
    assert persons(server) == 23


def test_the_admin_reload_needs_its_token(served: tuple[Path, Path, Server]) -> None:
    project, _store, server = served
    url = server.url("/-/reload")
    assert fetch(url, method="POST", data=b"").status == 401
    wrong = {"Authorization": "Bearer nope"}
    assert fetch(url, method="POST", data=b"", headers=wrong).status == 401
    right = {"Authorization": f"Bearer {TOKEN}"}
    (project / "data" / "intruder.ttl").write_text(INVALID)
    refused = fetch(url, method="POST", data=b"", headers=right)
    assert refused.status == 422 and "unchanged" in refused.text and persons(server) == 22
    (project / "data" / "intruder.ttl").write_text(NEW_PERSON)
    done = fetch(url, method="POST", data=b"", headers=right)
    assert done.status == 200 and json.loads(done.text)["quads"] > 3000
    assert persons(server) == 23


def test_the_admin_reload_is_off_by_default(server: Server) -> None:
    reply = fetch(
        server.url("/-/reload"), method="POST", data=b"", headers={"Authorization": "Bearer "}
    )
    assert reply.status == 404
