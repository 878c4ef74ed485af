"""The servers measured: how each is started, on a free loopback port, and stopped.

``TARGETS`` is the list: one entry per server. A target may sit in front of a backend
server of its own (our endpoint on a remote Oxigraph), started first and stopped after.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from bench.clients import JSON, Endpoint, Query, send
from bench.datasets import Prepared, Progress

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the project's virtual environment
RDFLIB_ENDPOINT = ROOT / "bench" / ".venv" / "bin" / "rdflib-endpoint"


@dataclass(frozen=True)
class Launch:
    """What a target's command is made from."""

    prepared: Prepared
    port: int
    workers: int  # query worker processes of our server
    backend: str = ""  # the SPARQL endpoint of the backend, for a target that has one


Command = tuple[list[str], dict[str, str]]  # argv, and environment variables to add


def _ours(launch: Launch) -> Command:
    store = launch.backend or str(launch.prepared.store)
    argv = [BIN / "passerelles", "serve", "--store", store, "--host", "127.0.0.1",
            "--port", launch.port, "--workers", launch.workers, "--threads", 8,
            "--rate-limit", 0]  # fmt: skip
    return [str(a) for a in argv], {}


def _gunicorn(processes: int) -> Callable[[Launch], Command]:
    """Our app under gunicorn (server/wsgi.py), ``processes`` workers of 8 threads each."""

    def command(launch: Launch) -> Command:
        argv = [BIN / "gunicorn", "--workers", processes, "--worker-class", "gthread",
                "--threads", 8, "--bind", f"127.0.0.1:{launch.port}",
                "server.wsgi:app"]  # fmt: skip
        env = {
            "PASSERELLES_STORE": str(launch.backend or launch.prepared.store),
            "PASSERELLES_WORKERS": str(launch.workers),
            "PASSERELLES_RATE_LIMIT": "0",
        }
        return [str(a) for a in argv], env

    return command


def _oxigraph(mode: str, location: Callable[[Prepared], Path]) -> Callable[[Launch], Command]:
    def command(launch: Launch) -> Command:
        argv = [BIN / "oxigraph", mode, "--location", location(launch.prepared),
                "--bind", f"127.0.0.1:{launch.port}", "--union-default-graph"]  # fmt: skip
        return [str(a) for a in argv], {}

    return command


def _rdflib(launch: Launch) -> Command:
    argv = [RDFLIB_ENDPOINT, "serve", launch.prepared.nquads, "--host", "127.0.0.1",
            "--port", launch.port]  # fmt: skip
    return [str(a) for a in argv], {}


@dataclass(frozen=True)
class Target:
    name: str
    title: str  # what it is, for the report
    path: str  # of its SPARQL endpoint
    pages: bool  # serves our HTML pages
    command: Callable[[Launch], Command]
    backend: Callable[[Launch], Command] | None = None  # a SPARQL server it stands in front of
    slow: bool = False  # measured apart, with fewer requests and a longer startup


# The remote Oxigraph backend takes a write lock on its folder: it gets a copy of its own.
REMOTE_BACKEND = _oxigraph("serve", lambda p: p.remote)
TARGETS = {
    t.name: t
    for t in (
        Target("ours", "passerelles serve (waitress), embedded store", "/sparql", True, _ours),
        Target(
            "ours-remote",
            "passerelles serve (waitress) in front of oxigraph serve",
            "/sparql",
            True,
            _ours,
            backend=REMOTE_BACKEND,
        ),
        Target(
            "raw",
            "oxigraph serve-read-only",
            "/query",
            False,
            _oxigraph("serve-read-only", lambda p: p.oxigraph),
        ),  # fmt: skip
        Target("rdflib", "rdflib-endpoint serve", "/", False, _rdflib, slow=True),
        Target(
            "gunicorn-1",
            "gunicorn, 1 worker × 8 threads, embedded store",
            "/sparql",
            True,
            _gunicorn(1),
        ),  # fmt: skip
        Target(
            "gunicorn-2",
            "gunicorn, 2 workers × 8 threads, embedded store",
            "/sparql",
            True,
            _gunicorn(2),
        ),  # fmt: skip
    )
}
PEERS = ("raw", "rdflib")  # the others' ratios are taken against these


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process(command: Command, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, its output in ``log``, terminated (killed if need be) on exit."""
    argv, env = command
    with log.open("ab") as out:  # a target started again appends
        started = subprocess.Popen(
            argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ | env
        )
    try:
        yield started
    finally:
        started.terminate()
        try:
            started.wait(15)
        except subprocess.TimeoutExpired:
            started.kill()
            started.wait(15)


@contextmanager
def running(
    target: Target, prepared: Prepared, startup: float, logs: Path, workers: int = 2
) -> Iterator[Endpoint]:
    """Start ``target`` (and its backend first) on free ports; wait until it answers."""
    with ExitStack() as stack:
        backend = ""
        if target.backend is not None:
            port = free_port()
            log = logs / f"{prepared.name}-{target.name}-backend.log"
            started = stack.enter_context(
                process(target.backend(Launch(prepared, port, workers)), log)
            )
            up = Endpoint(f"{target.name} backend", port, "/query", False)
            wait_until_up(started, up, startup, log)
            backend = f"http://127.0.0.1:{port}/query"
        port = free_port()
        log = logs / f"{prepared.name}-{target.name}.log"
        launch = Launch(prepared, port, workers, backend)
        started = stack.enter_context(process(target.command(launch), log))
        endpoint = Endpoint(target.name, port, target.path, target.pages)
        wait_until_up(started, endpoint, startup, log)
        yield endpoint


ASK = Query("ask", "", JSON, "ASK {}")


def wait_until_up(
    started: subprocess.Popen[bytes], endpoint: Endpoint, limit: float, log: Path
) -> None:
    deadline = time.monotonic() + limit
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode("ascii")
    while time.monotonic() < deadline:
        if started.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise click.ClickException(
                f"{endpoint.target} exited with {started.returncode}:\n{tail}"
            )
        try:
            if send(endpoint, ("POST", endpoint.path, body), ASK, 5.0)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise click.ClickException(f"{endpoint.target} did not answer within {limit:g} s (log: {log})")


class Servers:
    """The targets of one dataset, each started when first needed and stopped on exit.

    A target whose request timed out is stopped, and started again when next needed:
    rdflib-endpoint goes on evaluating a query its client gave up on, serving nobody else.
    """

    def __init__(
        self, prepared: Prepared, startup: float, workers: int, progress: Progress, logs: Path
    ) -> None:
        self.prepared, self.startup, self.workers = prepared, startup, workers
        self.progress, self.logs = progress, logs
        self.started: dict[str, tuple[ExitStack, Endpoint]] = {}

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *_: object) -> None:
        for name in list(self.started):
            self.stop(name)

    def get(self, name: str) -> Endpoint:
        if name not in self.started:
            target = TARGETS[name]
            startup = self.startup * (10 if target.slow else 1)
            self.progress(f"{self.prepared.name}/{name}: starting")
            stack = ExitStack()
            started = running(target, self.prepared, startup, self.logs, self.workers)
            self.started[name] = (stack, stack.enter_context(started))
            self.progress(f"{self.prepared.name}/{name}: up")
        return self.started[name][1]

    def stop(self, name: str) -> None:
        self.started.pop(name)[0].close()
