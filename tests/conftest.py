"""Shared fixtures: the real project built once, and disposable copies of the project."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph

from kg import shacl
from kg.build import build
from kg.store import open_store
from server import close, create_app

if TYPE_CHECKING:  # the plugin itself is loaded by pytest, which rewrites its asserts
    from server_fixtures import Backend

pytest_plugins = ["server_fixtures", "oxigraph_fixtures", "browser_fixtures", "virtuoso_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("ontology", "data", "queries", "profiles")


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real sources built once into a store on disk."""
    path = tmp_path_factory.mktemp("store") / "store"
    build(ROOT, path)
    return path


@pytest.fixture(scope="session")
def store(built_store_path: Path) -> ox.Store:
    return open_store(built_store_path)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the project's sources, free to break."""
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


@pytest.fixture(scope="session")
def app(backend: Backend) -> Iterator[Flask]:
    """The web app on the backend's store (Flask's own fixture names: app, client, runner)."""
    app = create_app({"store": backend.store, **backend.settings})
    yield app
    close(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> Iterator[CliRunner]:
    yield CliRunner()


Rows = list[dict[str, str]]


@pytest.fixture(scope="session")
def select(store: ox.Store) -> Callable[..., Rows]:
    """Run a SELECT over the built graph; IRI bindings by keyword; values as strings."""

    def run(query: str, **bindings: str) -> Rows:
        substitutions = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
        rows = store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
        assert isinstance(rows, ox.QuerySolutions)
        names = [v.value for v in rows.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in rows]

    return run


# The SHACL tests (test_shacl.py, test_shacl_sparql.py) break the small valid graph of
# fixtures/shacl/valid.ttl against the project's shapes.
@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shacl.load_shapes()


@pytest.fixture(scope="module")
def base() -> Graph:
    return Graph().parse(ROOT / "tests" / "fixtures" / "shacl" / "valid.ttl", format="turtle")
