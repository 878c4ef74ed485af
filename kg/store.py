"""The embedded Oxigraph store on disk, and the union graph as rdflib reads it.

A store path (``var/store`` by default) is a symbolic link to the current build,
kept in ``<path>.builds/``. A build writes a new folder there and only then
replaces the link with one atomic rename, so a reader sees either the old graph
or the new one, never a half-written store, and a build killed half-way leaves
the served store as it was. One build at a time per store, across processes (the
CLI, every web replica's reload): a build holds ``.<name>.lock`` beside the link
from its new folder until it is published or discarded.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox
from rdflib import Graph

UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


class StoreError(Exception):
    """The store is missing, or is not one this tool manages."""


def builds_folder(path: Path) -> Path:
    return path.with_name(path.name + ".builds")


def open_store(path: Path) -> ox.Store:
    """Open the current build read-only; several processes may do so at once."""
    if not path.exists():
        raise StoreError(f"no store at {path}: run `passerelles build` first")
    return ox.Store.read_only(str(path.resolve()))


def new_build(path: Path) -> tuple[ox.Store, Path]:
    """A fresh empty on-disk store beside the served one, not yet served."""
    if path.exists() and not path.is_symlink():
        raise StoreError(f"{path} exists and is not a store link made by `passerelles build`")
    folder = _new_folder(path)
    return ox.Store(str(folder)), folder


_locks: dict[Path, TextIO] = {}  # build folder → its held lock file


def _new_folder(path: Path) -> Path:
    builds_folder(path).mkdir(parents=True, exist_ok=True)
    lock = path.with_name(f".{path.name}.lock").open("w")
    try:
        # Released by the kernel if the build dies, so a killed build never blocks the next.
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StoreError(f"another build of {path} is running; try again when it ends") from None
    folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=builds_folder(path)))
    _locks[folder] = lock
    return folder


def _unlock(folder: Path) -> None:
    lock = _locks.pop(folder, None)
    if lock is not None:
        lock.close()


def copy_build(path: Path) -> tuple[ox.Store, Path]:
    """A new build beside the served one that starts as a copy of it, not yet served.

    The copy is an Oxigraph backup (a RocksDB checkpoint): hard links to the served
    store's immutable files, so it takes no time and no space whatever the size.
    """
    current = open_store(path)
    if not path.is_symlink():
        raise StoreError(f"{path} is not a store link made by `passerelles build`")
    folder = _new_folder(path)
    try:
        folder.rmdir()  # the backup makes the folder itself
        current.backup(str(folder))
        return ox.Store(str(folder)), folder
    except BaseException:
        discard(folder)  # and its lock
        raise


def publish(path: Path, folder: Path) -> None:
    """Serve ``folder`` at ``path`` (atomic link swap), then drop stale builds."""
    previous = path.resolve() if path.is_symlink() else None
    link = path.with_name(f".{path.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    # A relative link keeps working when the project folder is moved or mounted elsewhere.
    link.symlink_to(Path(builds_folder(path).name) / folder.name)
    os.replace(link, path)
    keep = {folder.resolve(), previous}
    for stale in builds_folder(path).iterdir():
        # The previous build stays for readers that still have it open.
        if stale.resolve() not in keep:
            shutil.rmtree(stale, ignore_errors=True)
    _unlock(folder)


def discard(folder: Path) -> None:
    """Remove a build that will not be served (it failed the gate or an error)."""
    shutil.rmtree(folder, ignore_errors=True)
    _unlock(folder)


def union_graph(store: ox.Store) -> Graph:
    """All triples of all graphs as one rdflib graph (what the SHACL gate reads)."""
    triples = store.query(UNION, use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return Graph().parse(data=data, format="nt")
