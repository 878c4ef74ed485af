"""Derivation rules: the CONSTRUCT queries of ``queries/rules/``, run to a fixed point.

Their results go to one named graph (``graph/inferred``), apart from the curated
facts, so a user can always tell a stated fact from a derived one.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.progress import Progress, quiet
from kg.queries import NamedQuery, QueryError, load_queries
from kg.terms import INFERRED_GRAPH

MAX_ROUNDS = 10  # the rules mint IRIs, never blank nodes, so a fixed point comes quickly


@dataclass(frozen=True)
class RulesRun:
    derived: dict[str, int]  # rule name -> triples it contributed
    rounds: int

    @property
    def total(self) -> int:
        return sum(self.derived.values())


def load_rules(folder: Path) -> list[NamedQuery]:
    rules = list(load_queries(folder).values())
    for rule in rules:
        if "CONSTRUCT" not in rule.text.upper():
            raise QueryError(f"rule {rule.name} is not a CONSTRUCT query")
    return rules


def apply_rules(store: ox.Store, rules: list[NamedQuery], progress: Progress = quiet) -> RulesRun:
    """Add what the rules derive to the inferred graph until nothing new appears.

    The first round's triples are new: they go from Oxigraph to a file and back in one
    bulk load, never through Python objects (millions of them at scale), and the
    inferred graph's size says how many there were. Later rounds mostly find what is
    there already: only the triples not in the store are added.
    """
    graph = ox.NamedNode(str(INFERRED_GRAPH))
    derived = {rule.name: 0 for rule in rules}
    with tempfile.TemporaryDirectory(prefix="passerelles-rules-") as folder:
        scratch = Path(folder) / "derived.nt"
        for round_number in range(1, MAX_ROUNDS + 1):
            added = 0
            for rule in rules:
                result = _construct(store, rule)
                if round_number == 1:
                    before = _size(store, graph)
                    result.serialize(scratch, ox.RdfFormat.N_TRIPLES)
                    store.bulk_load(path=scratch, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                    new = _size(store, graph) - before
                else:
                    quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in result)
                    fresh = [quad for quad in quads if quad not in store]
                    store.extend(fresh)
                    new = len(fresh)
                derived[rule.name] += new
                added += new
            progress(f"Rules, round {round_number}: {added:,} new triples")
            if added == 0:
                return RulesRun(derived, round_number)
    raise QueryError(f"rules did not reach a fixed point in {MAX_ROUNDS} rounds")


def _construct(store: ox.Store, rule: NamedQuery) -> ox.QueryTriples:
    try:
        result = store.query(rule.text, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise QueryError(f"rule {rule.name}: {error}") from error
    assert isinstance(result, ox.QueryTriples)
    return result


def inferred_is_current(store: ox.Store, rules: list[NamedQuery]) -> bool:
    """Whether the inferred graph is what the rules derive from the store now: one round of
    every rule gives exactly its triples, nothing new and nothing missing (only reads)."""
    graph = ox.NamedNode(str(INFERRED_GRAPH))
    found = {triple for rule in rules for triple in _construct(store, rule)}
    have = store.quads_for_pattern(None, None, None, graph)
    return found == {ox.Triple(q.subject, q.predicate, q.object) for q in have}


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    count = next(iter(rows))["n"]
    assert isinstance(count, ox.Literal)
    return int(count.value)
