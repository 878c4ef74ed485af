"""The store link: published atomically, old builds pruned, foreign folders refused."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import StoreError, builds_folder, new_build, open_store, publish

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
    store, abandoned = new_build(path)  # a build that dies before it is published
    store.add(QUAD)
    del store
    assert served_value(path) == "old"
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
