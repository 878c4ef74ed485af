"""A real ``oxigraph serve`` as a remote store for the tests (the ``oxigraph`` backend).

Loaded as a pytest plugin from ``conftest.py``. ``oxigraph_engine`` is one Oxigraph
server for the session, empty, on a free loopback port, with the union of all graphs
as its default graph (what a remote store must offer, see kg/remote.py) and its own
query timeout, so that a query our server stopped does not keep one of the machine's
cores busy. The backend fixture of server_fixtures.py loads it with
``passerelles build --store URL``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from server_fixtures import Engine, free_port, stop, wait_until_up

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
ENGINE_TIMEOUT = 5  # seconds: past every test server's timeout (a query it stopped runs on)


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Engine]:
    """``oxigraph serve`` on a free loopback port over a store in ``folder``."""
    port, log = free_port(), folder / "oxigraph.log"
    argv = [str(OXIGRAPH), "serve", "--location", str(folder / "store")]
    argv += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    argv += ["--timeout-s", str(ENGINE_TIMEOUT)]
    with log.open("wb") as stderr:
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(process, f"{base}/query", log)
        yield Engine(
            f"{base}/query", {"store_gsp": f"{base}/store", "store_update": f"{base}/update"}
        )
    finally:
        stop(process)


@pytest.fixture(scope="session")
def oxigraph_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One empty Oxigraph server for the session."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as engine:
        yield engine
