"""Real servers for the HTTP tests: ``passerelles serve`` on a free loopback port.

Loaded as a pytest plugin from ``conftest.py``. ``server`` is one server for the
whole session (short timeout, small row limit); ``make_server(**settings)`` gives
a server with special settings (one per distinct set of settings, kept for the
session); ``listener`` is a TCP port that records whether anything connected.
Also here: the small HTTP client and result parsers both HTTP test modules use.

Both servers, and the ``app`` of conftest.py, serve the store of ``backend``: the
embedded store, or a remote engine of :data:`ENGINES` loaded by
``passerelles build --store URL``. The modules of :data:`ON_EVERY_BACKEND` run on
each backend; the others on the embedded store only.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Variable
from rdflib.query import Result

ROOT = Path(__file__).resolve().parents[1]
# No rate limit: these tests send many queries from one address (test_limits.py tests it).
DEFAULTS: dict[str, Any] = {
    "timeout": 2.0,
    "max_rows": 50,
    "workers": 2,
    "threads": 8,
    "rate_limit": 0,
}
STARTUP_SECONDS = 30.0
LAUNCH = "import sys; from server.cli import main; sys.argv[0] = 'passerelles'; main()"
# No proxy from the environment may stand between the tests and the loopback server.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SOLUTION_FORMATS = {  # format parameter -> (media type, rdflib result parser)
    "json": ("application/sparql-results+json", "json"),
    "xml": ("application/sparql-results+xml", "xml"),
    "csv": ("text/csv", "csv"),
    "tsv": ("text/tab-separated-values", "tsv"),
}
GRAPH_FORMATS = {  # format parameter -> (media type, rdflib graph parser)
    "turtle": ("text/turtle", "turtle"),
    "ntriples": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdfxml": ("application/rdf+xml", "xml"),
}
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
HOWS = ("GET", "POST form", "POST direct")  # the three ways of the protocol to send a query

# -- client ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """An HTTP response, whatever its status."""

    status: int
    headers: Message
    body: bytes

    @property
    def media(self) -> str:
        """The media type of the body, without its parameters."""
        return self.headers.get_content_type()

    @property
    def text(self) -> str:
        return self.body.decode(self.headers.get_content_charset() or "utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


Pairs = Sequence[tuple[str, str]]
Params = Mapping[str, str] | Pairs


def fetch(
    url: str,
    params: Params = (),
    *,
    method: str = "GET",
    data: bytes | Params | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    """One HTTP request; ``params`` go in the URL, ``data`` not in bytes is sent form-encoded."""
    if params:
        url += "?" + urllib.parse.urlencode(params)
    if data is not None and not isinstance(data, bytes):
        data = urllib.parse.urlencode(data).encode("ascii")
    request = urllib.request.Request(url, data, dict(headers or {}), method=method)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


def send(
    server: Server, query: str, how: str = "GET", accept: str = "", params: Pairs = ()
) -> Reply:
    """A query by GET, form POST or direct POST, with extra protocol parameters."""
    headers = {"Accept": accept} if accept else {}
    if how == "GET":
        return fetch(server.sparql, [("query", query), *params], headers=headers)
    body: bytes | Pairs = query.encode("utf-8")
    if how == "POST form":  # the dataset parameters travel in the body too
        body, params = [("query", query), *params], ()
    headers["Content-Type"] = FORM if how == "POST form" else DIRECT
    return fetch(server.sparql, params, method="POST", data=body, headers=headers)


def solutions(reply: Reply, parser: str = "json") -> Result:
    """A successful reply's query results, parsed back by rdflib."""
    assert reply.status == 200, reply.text
    return Result.parse(io.BytesIO(reply.body), format=parser)


def graph(reply: Reply, parser: str = "turtle") -> Graph:
    """A successful reply's RDF graph, parsed back by rdflib."""
    assert reply.status == 200, reply.text
    return Graph().parse(data=reply.body, format=parser)


def column(result: Result, name: str) -> set[str]:
    """The values of one variable over all the solutions."""
    return {str(row[Variable(name)]) for row in result.bindings if Variable(name) in row}


def has_charset(reply: Reply, media: str) -> bool:
    return reply.headers["Content-Type"].replace(" ", "").lower() == f"{media};charset=utf-8"


# -- servers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A running server: its base URL (no trailing slash) and the settings it was given."""

    base: str
    settings: dict[str, Any]

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    def url(self, path: str) -> str:
        return self.base + path


def free_port() -> int:
    """A loopback port nobody listens on (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def toml(settings: Mapping[str, Any]) -> str:
    """A TOML file of flat settings (JSON's strings, numbers and lists are valid TOML)."""
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in sorted(settings.items()))


def command(port: int, store: Path | str, config: Path) -> list[str]:
    """``passerelles serve``, by the console script next to the interpreter running the tests."""
    script = Path(sys.executable).with_name("passerelles")
    launcher = [str(script)] if script.exists() else [sys.executable, "-c", LAUNCH]
    options = ["--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    return [*launcher, "serve", *options, "--config", str(config)]


def wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll ``url`` until it answers; fail with the server's stderr if it dies or stalls."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = log.read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"the server exited with {process.returncode}:\n{stderr}")
        try:
            with OPENER.open(url + "?query=ASK%7B%7D", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"the server did not answer {url} within {STARTUP_SECONDS:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process, killing it if it does not exit in 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@contextmanager
def running_server(store: Path | str, folder: Path, **settings: Any) -> Iterator[Server]:
    """Start a server with ``settings`` over :data:`DEFAULTS`; stop it on exit."""
    values = {**DEFAULTS, **settings}
    config = folder / "passerelles.toml"
    config.write_text(toml(values), encoding="utf-8")
    port, log = free_port(), folder / "stderr.log"
    # stderr goes to a file, not a pipe: a pipe nobody reads would block a chatty server.
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            command(port, store, config), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr
        )
    try:
        server = Server(f"http://127.0.0.1:{port}", values)
        wait_until_up(process, server.sparql, log)
        yield server
    finally:
        stop(process)  # its query workers exit when their pipes close


@pytest.fixture(scope="session")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The default server of the HTTP tests."""
    folder = tmp_path_factory.mktemp("server")
    with running_server(backend.store, folder, **backend.settings) as started:
        yield started


@pytest.fixture(scope="session")
def make_server(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Server]]:
    """A factory of servers with special settings; the same settings get the same server."""
    started: dict[str, Server] = {}
    with ExitStack() as servers:

        def start(**settings: Any) -> Server:
            key = toml(settings)
            if key not in started:
                folder = tmp_path_factory.mktemp("server")
                running = running_server(backend.store, folder, **backend.settings, **settings)
                started[key] = servers.enter_context(running)
            return started[key]

        yield start


# -- backends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    """A remote SPARQL store a fixture started: its query URL, and the store settings
    (``store_gsp``, ``store_update``, ``store_user``…) a build loads it with."""

    query: str
    settings: dict[str, str]


# Remote engines besides the embedded store: name -> (the session fixture that starts
# the engine and yields an Engine, the marks of the tests that run on it).
ENGINES: dict[str, tuple[str, tuple[pytest.MarkDecorator, ...]]] = {
    "oxigraph": ("oxigraph_engine", ()),
    # Debian's Virtuoso 7 (tests/virtuoso_fixtures.py); `make test` runs these too.
    "virtuoso": ("virtuoso_engine", (pytest.mark.virtuoso,)),
}
# The endpoint and browser suites: they run on every backend. The other modules that use
# the servers test what does not depend on the store (headers, limits, fuzzing of the
# HTTP layer, reload of the embedded store) and run on the embedded store only.
ON_EVERY_BACKEND = {
    "test_http_sparql",
    "test_http_queries",
    "test_http_pages",
    "test_crawl",
    "test_browser",
    "test_yasgui",
    "test_visuals",
}


@dataclass(frozen=True)
class Backend:
    """The store the servers serve: ``store`` as ``--store`` takes it, and its settings."""

    name: str
    store: str
    settings: dict[str, str]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test that serves the store runs on the backends its module is meant for."""
    if "backend" not in metafunc.fixturenames:
        return
    params: list[Any] = ["embedded"]
    if metafunc.module.__name__ in ON_EVERY_BACKEND:
        params += [pytest.param(name, marks=marks) for name, (_, marks) in ENGINES.items()]
    metafunc.parametrize("backend", params, indirect=True, scope="session")


def build_into(engine: Engine) -> None:
    """``passerelles build --store URL``: the real build loads the engine."""
    env = {**os.environ, **{f"PASSERELLES_{k.upper()}": v for k, v in engine.settings.items()}}
    script = Path(sys.executable).with_name("passerelles")
    launcher = [str(script)] if script.exists() else [sys.executable, "-c", LAUNCH]
    done = subprocess.run(
        [*launcher, "build", "--store", engine.query],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest, built_store_path: Path) -> Backend:
    """The embedded store built once, or a remote engine loaded by our build."""
    name = getattr(request, "param", "embedded")
    if name == "embedded":
        return Backend(name, str(built_store_path), {})
    engine: Engine = request.getfixturevalue(ENGINES[name][0])
    build_into(engine)
    return Backend(name, engine.query, engine.settings)


# -- a port to probe -------------------------------------------------------------------------


@dataclass(frozen=True)
class Listener:
    """A TCP listener on a loopback port that records whether anything connected to it."""

    port: int
    connected: threading.Event

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A listener that accepts connections and hangs up at once (an empty HTTP answer)."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.05)
    connected, stop = threading.Event(), threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            connected.set()
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield Listener(sock.getsockname()[1], connected)
    stop.set()
    thread.join()
    sock.close()
