"""Derivation rules: the CONSTRUCT queries of ``queries/rules/``, run to a fixed point.

Their results go to one named graph (``graph/inferred``), apart from the curated
facts, so a user can always tell a stated fact from a derived one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

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


def apply_rules(store: ox.Store, rules: list[NamedQuery]) -> RulesRun:
    """Add what the rules derive to the inferred graph until nothing new appears."""
    graph = ox.NamedNode(str(INFERRED_GRAPH))
    derived = {rule.name: 0 for rule in rules}
    for round_number in range(1, MAX_ROUNDS + 1):
        added = 0
        for rule in rules:
            try:
                result = store.query(rule.text, use_default_graph_as_union=True)
            except SyntaxError as error:
                raise QueryError(f"rule {rule.name}: {error}") from error
            assert isinstance(result, ox.QueryTriples)
            quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in result]
            new = [quad for quad in quads if quad not in store]
            store.extend(new)
            derived[rule.name] += len(new)
            added += len(new)
        if added == 0:
            return RulesRun(derived, round_number)
    raise QueryError(f"rules did not reach a fixed point in {MAX_ROUNDS} rounds")
