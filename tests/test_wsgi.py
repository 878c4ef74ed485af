"""server/wsgi.py under gunicorn: query pools per worker, made after the fork, gone on exit.

Each worker must have a forkserver of its own with the 2 + 1 query workers of its two
pools (PASSERELLES_WORKERS, PASSERELLES_PAGE_WORKERS); with ``--preload`` there would be
one forkserver, in the master, shared by all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_fixtures import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:  # the process is gone
        return []


def descendants(pid: int) -> list[int]:
    found, stack = [], children(pid)
    while stack:
        found.append(stack.pop())
        stack += children(found[-1])
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def query_pools(master: int) -> list[int]:
    """For each worker, the processes of its forkserver: the query workers of its pools."""
    found = []
    for worker in children(master):
        forkservers = [c for c in children(worker) if "forkserver" in command_line(c)]
        found += [len(children(f)) for f in forkservers] or [0]
    return found


@pytest.fixture
def gunicorn(
    built_store_path: Path, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port = free_port()
    env = os.environ | {"PASSERELLES_STORE": str(built_store_path), "PASSERELLES_WORKERS": "2",
                        "PASSERELLES_PAGE_WORKERS": "1"}  # fmt: skip
    argv = [str(GUNICORN), "--workers", "2", "--worker-class", "gthread", "--threads", "4",
            "--bind", f"127.0.0.1:{port}", "server.wsgi:app"]  # fmt: skip
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        master = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield master, port, log
    finally:
        if master.poll() is None:
            master.kill()
            master.wait(15)


@pytest.mark.server
@pytest.mark.slow
def test_each_gunicorn_worker_has_its_own_query_pools_and_leaves_nothing(
    gunicorn: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    master, port, log = gunicorn
    wait_until_up(master, f"http://127.0.0.1:{port}/sparql", log)
    deadline = time.monotonic() + 30  # the second worker may still be starting
    while (pools := query_pools(master.pid)) != [3, 3] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pools == [3, 3]
    everything = descendants(master.pid)
    master.send_signal(signal.SIGTERM)
    master.wait(30)
    deadline = time.monotonic() + 10
    while (
        left := [pid for pid in everything if command_line(pid)]
    ) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == [], [command_line(pid) for pid in left]
