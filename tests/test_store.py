"""The store link: published atomically, old builds pruned, foreign folders refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import StoreError, builds_folder, discard, new_build, open_store, publish

QUAD = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("1"), ox.DefaultGraph())


def publish_one(path: Path, value: str) -> Path:
    store, folder = new_build(path)
    store.add(ox.Quad(QUAD.subject, QUAD.predicate, ox.Literal(value), ox.DefaultGraph()))
    store.flush()
    del store
    publish(path, folder)
    return folder


def served_value(path: Path) -> str:
    return next(iter(open_store(path))).object.value


def test_publish_replaces_the_link_and_keeps_one_previous_build(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = publish_one(path, "1")
    second = publish_one(path, "2")
    assert served_value(path) == "2"
    third = publish_one(path, "3")
    assert path.is_symlink() and not Path(str(path.readlink())).is_absolute()
    assert served_value(path) == "3"
    assert not first.exists() and second.exists() and third.exists()


def test_unpublished_build_leaves_the_served_store_alone(tmp_path: Path) -> None:
    path = tmp_path / "store"
    publish_one(path, "old")
    # A build process that dies before it publishes.
    died = subprocess.run(
        [sys.executable, "-c", DIE_BUILDING, str(path)], capture_output=True, text=True
    )
    abandoned = Path(died.stdout.strip())
    assert abandoned.exists() and served_value(path) == "old"
    publish_one(path, "new")
    assert not abandoned.exists(), "a dead build's folder is cleaned by the next build"


def test_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="passerelles build"):
        open_store(tmp_path / "nothing")


def test_a_folder_that_is_not_our_link_is_never_replaced(tmp_path: Path) -> None:
    precious = tmp_path / "store"
    precious.mkdir()
    with pytest.raises(StoreError, match="not a store link"):
        new_build(precious)
    assert not builds_folder(precious).exists()


def test_one_build_at_a_time_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "store"
    publish_one(path, "1")
    # Another process (a web replica reloading, a CLI build) holds the build lock.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path.with_name(".store.lock"))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(StoreError, match="another build of .* is running"):
            new_build(path)
    finally:
        holder.kill()
        holder.wait()
    assert served_value(path) == "1"
    publish_one(path, "2")  # the lock died with its process
    assert served_value(path) == "2"


def test_a_discarded_build_frees_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store, folder = new_build(path)
    with pytest.raises(StoreError):
        new_build(path)
    del store
    discard(folder)
    publish_one(path, "3")
    assert served_value(path) == "3"


HOLD_LOCK = """
import fcntl, sys, time
lock = open(sys.argv[1], "w")
fcntl.flock(lock, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""

DIE_BUILDING = """
import os, sys
from pathlib import Path
import pyoxigraph as ox
from kg.store import new_build
store, folder = new_build(Path(sys.argv[1]))
store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("x")))
store.flush()
print(folder, flush=True)
os._exit(1)
"""
