"""The SHACL gate of an import, row by row, as the rows are mapped.

Validating a million imported rows in the store after loading them costs more than
loading them (the compiled gate, :mod:`kg.shacl_sparql`, looks every focus node up
in the store for each constraint). Yet the nodes a row mints (the record, its
identifier, its reconciliation, all named after the row's id) have no statement
outside the triples that row makes: every triple with such a node as subject or
object is one of the row's. So their SHACL results can be computed from the row's
triples alone, in Python, before the row is loaded, with what the store says of the
other nodes the row points to (the glossary concepts, the place, our organisations):
their types, looked up once each.

:class:`RowGate` does that for the shapes whose targets and constraints it can
evaluate from a row: class, node, subjects-of and objects-of targets, the
:data:`IRIS_IN_NAMESPACE` target type, property shapes whose path is a property, an
inverse property or alternatives of those, and the SHACL Core value, count and
logical constraints. Anything else that applies to a minted node (a SPARQL
constraint, a qualified shape, a longer path, a nested shape about a node outside
the row) makes it give up (:class:`Unsupported`): the caller then validates the
import's graph in the store with the compiled gate, as before.

The caller says which nodes a row minted (named after its id, and not used in the
store before the import) and that the derivation rules derive nothing new from the
import (kg.imports checks both). The shapes are compiled once per kind of node (its
types, the properties it has and is the value of, its namespaces) into a
:class:`Plan`.

What the rows cannot show is checked in the store by :meth:`RowGate.finish`, once
the rows are loaded, with the compiled gate: the shapes with a SPARQL-based target,
on the import's nodes (their targets are selective queries), and every shape on the
nodes the import uses without minting them (our organisations it links to, the
concepts it points to), looked up one by one. The results are the same
:class:`kg.shacl.Result` objects as the other engines'; ``tests/test_shacl_rows.py``
compares them with the compiled gate's on imports that break each kind of rule.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.shacl import SH, SHAPES, Report, Result, path_string, pick_message
from kg.shacl_compile import (
    SUPPORTED,
    VALUE_CONSTRAINTS,
    compile_shapes,
    deactivated,
    integer,
    messages,
    severity,
    subclasses,
    target_type,
    targeted,
)
from kg.shacl_sparql import report, run_checks

IRIS_IN_NAMESPACE = SHAPES.IRIsInNamespace  # the target type evaluated here from the rows
RDF_TYPE = str(RDF.type)
LANG_STRING = str(RDF.langString)
STRING = str(XSD.string)
NUMERIC = {str(XSD[name]) for name in "integer decimal double float".split()}
INTEGERS = {str(XSD[name]): test for name, test in (
    ("integer", lambda n: True),
    ("positiveInteger", lambda n: n >= 1),
    ("nonNegativeInteger", lambda n: n >= 0),
    ("negativeInteger", lambda n: n <= -1),
    ("nonPositiveInteger", lambda n: n <= 0),
)}  # fmt: skip
# The lexical forms of the XSD types the compiled gate checks by a cast.
LEXICAL = {
    str(XSD[name]): re.compile(pattern)
    for name, pattern in (
        ("integer", r"[+-]?[0-9]+"),
        ("decimal", r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
        ("double", r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF)|NaN"),
        ("float", r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF)|NaN"),
        ("boolean", r"true|false|1|0"),
        ("date", r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
        ("gYear", r"-?[0-9]{4,}(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
    )
}
# What the rows may not say of a node they did not mint: the gate reads its types, and
# the class hierarchy, from the store.
STORED = {RDF_TYPE, str(RDFS.subClassOf)}
# sh:nodeKind: does it accept (an IRI, a literal)? Rows have no blank nodes.
NODE_KINDS: dict[Node, tuple[bool, bool]] = {
    SH.IRI: (True, False), SH.Literal: (False, True), SH.BlankNode: (False, False),
    SH.BlankNodeOrIRI: (True, False), SH.BlankNodeOrLiteral: (False, True),
    SH.IRIOrLiteral: (True, True),
}  # fmt: skip
FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}


class Unsupported(Exception):
    """A shape applies to a minted node in a way the rows cannot decide."""


class Lit(NamedTuple):
    """A literal of a row: its lexical form, language tag or datatype IRI."""

    value: str
    lang: str = ""
    datatype: str = STRING


Term = str | Lit  # an IRI, or a literal (rows have no blank nodes)
# A row's triples: subject -> property -> objects, in the order they were made.
Description = dict[str, dict[str, list[Term]]]


@dataclass
class Row:
    """One row's triples, by node: outgoing values, and incoming ones where shapes read them."""

    minted: set[str]
    out: Description
    into: dict[str, dict[str, list[str]]] = field(default_factory=dict)


Check = Callable[[Term, Row], bool]  # True: the value conforms


@dataclass
class PropertyShape:
    iri: str
    path: tuple[tuple[str, bool], ...]  # (property, inverse) alternatives
    path_text: str
    severity: str
    messages: tuple[tuple[str, str], ...]
    checks: list[tuple[str, Check]]
    min_count: int = 0
    max_count: int | None = None
    unique_lang: bool = False
    unsupported: str = ""


@dataclass
class NodeShape:
    iri: str
    severity: str
    messages: tuple[tuple[str, str], ...]
    checks: list[tuple[str, Check]]  # on the focus node itself
    properties: list[PropertyShape]
    unsupported: str = ""
    # Targets.
    classes: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    subjects_of: frozenset[str] = frozenset()
    objects_of: frozenset[str] = frozenset()
    namespaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """A property shape on the nodes of one signature, and the steps of its path that have
    values there."""

    prop: PropertyShape
    sources: tuple[tuple[str, bool], ...]


@dataclass
class Plan:
    """What validating a node of one signature takes (its types, the properties it has and
    is the value of, the namespaces it is in): worked out once for all such nodes."""

    own: list[tuple[NodeShape, str, Check]]  # the node shapes' constraints on the node
    steps: list[Step]  # the property shapes with values
    missing: list[PropertyShape]  # the property shapes with no value and a least count


class RowGate:
    """The shapes, ready to validate the rows of an import against a store.

    ``check`` validates one row's triples, given the IRIs the row minted; ``finish``
    validates in the store what the rows could not show and returns the report.
    """

    def __init__(self, shapes: Graph, store: ox.Store, lang: str = "en") -> None:
        self.shapes, self.store, self.lang = shapes, store, lang
        self.started = time.monotonic()
        self.results: list[Result] = []
        self.given_up = ""  # why the rows could not be validated here, if they could not
        self.touched: set[str] = set()  # nodes not minted that rows use
        self.known_types: dict[str, frozenset[str]] = {}
        self.plans: dict[tuple[object, ...], Plan] = {}
        compiled = {str(shape): self._node_shape(shape) for shape in targeted(shapes)}
        self.node_shapes = [shape for shape in compiled.values() if shape]
        # The shapes with a SPARQL-based target: validated in the store (see finish).
        self.sparql_targeted = [iri for iri, shape in compiled.items() if shape is None]
        self.namespaces = sorted({ns for shape in self.node_shapes for ns in shape.namespaces})
        self.target_nodes = {n for shape in self.node_shapes for n in shape.nodes}
        # The properties read backwards (inverse paths, objects-of targets): only these
        # are indexed by object.
        self.inverse = {p for shape in self.node_shapes for p in shape.objects_of}
        self.inverse |= {
            p
            for shape in self.node_shapes
            for prop in shape.properties
            for p, backwards in prop.path
            if backwards
        }

    # -- what the rows show ----------------------------------------------------------------

    def check(self, description: Description, minted: set[str]) -> None:
        """Validate the nodes a row minted, from its triples; remember the other nodes.

        When a shape applies in a way the rows cannot decide, the gate gives up (says why
        in ``given_up``) and checks nothing more: the import needs the compiled gate.
        """
        if self.given_up:
            return
        try:
            self._check(description, minted)
        except Unsupported as error:
            self.given_up = str(error)
            self.results, self.touched = [], set()

    def _check(self, description: Description, minted: set[str]) -> None:
        row = Row(minted, description)
        if self.inverse:
            for subject, props in description.items():
                for p in self.inverse.intersection(props):
                    for o in props[p]:
                        if isinstance(o, str):
                            row.into.setdefault(o, {}).setdefault(p, []).append(subject)
        touched, undescribed = self.touched, []
        for node, props in description.items():
            if node in minted:
                self._validate(node, props, row)
            else:
                if not STORED.isdisjoint(props):
                    found = sorted(STORED.intersection(props))[0]
                    raise Unsupported(
                        f"the import states {found} of {node}, a node it did not mint"
                    )
                if node not in touched:
                    self._unminted(node)
            for values in props.values():
                for o in values:
                    if o.__class__ is str:
                        if o in minted:
                            if o not in description:
                                undescribed.append(o)
                        elif o not in touched:
                            self._unminted(o)  # type: ignore[arg-type]
        for node in dict.fromkeys(undescribed):
            self._validate(node, {}, row)

    def _validate(self, node: str, props: dict[str, list[Term]], row: Row) -> None:
        into = row.into.get(node, {})
        key = (
            tuple(props),
            tuple(props.get(RDF_TYPE, ())),
            tuple(into),
            tuple(map(node.startswith, self.namespaces)),
            node if node in self.target_nodes else None,
        )
        plan = self.plans.get(key) or self._plan(key, node, props, into)
        for shape, name, check in plan.own:
            if not check(node, row):
                self._result(shape, None, node, node, name)
        for prop in plan.missing:
            self._result(prop, prop.path_text, node, None, "MinCount")
        for step in plan.steps:
            prop = step.prop
            if len(step.sources) == 1:
                predicate, backwards = step.sources[0]
                values: list[Term] = (into if backwards else props)[predicate]  # type: ignore[assignment]
                if len(values) > 1:
                    values = list(dict.fromkeys(values))
            else:
                values = _values(prop, node, row)
            for value in values:
                for name, check in prop.checks:
                    if not check(value, row):
                        self._result(prop, prop.path_text, node, _text(value), name)
            if len(values) < prop.min_count:
                self._result(prop, prop.path_text, node, None, "MinCount")
            if prop.max_count is not None and len(values) > prop.max_count:
                self._result(prop, prop.path_text, node, None, "MaxCount")
            if prop.unique_lang and len(values) > 1 and _repeated_lang(values):
                self._result(prop, prop.path_text, node, None, "UniqueLang")

    def _plan(
        self, key: tuple[object, ...], node: str, props: dict[str, list[Term]], into: dict
    ) -> Plan:
        types = frozenset(map(str, props.get(RDF_TYPE, ())))
        plan = Plan([], [], [])
        for shape in self.node_shapes:
            if not (node in shape.nodes or self._targets(shape, node, types, props, into)):
                continue
            if shape.unsupported:
                raise Unsupported(f"{shape.iri}: {shape.unsupported}, on {node}")
            plan.own += [(shape, name, check) for name, check in shape.checks]
            for prop in shape.properties:
                if prop.unsupported:
                    raise Unsupported(f"{prop.iri}: {prop.unsupported}, on {node}")
                sources = tuple(
                    (p, back) for p, back in prop.path if p in (into if back else props)
                )
                if sources:
                    plan.steps.append(Step(prop, sources))
                elif prop.min_count > 0:
                    plan.missing.append(prop)
        self.plans[key] = plan
        return plan

    @staticmethod
    def _targets(shape: NodeShape, node: str, types: frozenset[str], out: dict, into: dict) -> bool:
        return bool(
            shape.classes & types
            or shape.subjects_of & out.keys()
            or shape.objects_of & into.keys()
            or any(node.startswith(ns) for ns in shape.namespaces)
        )

    def _unminted(self, node: str) -> None:
        """A node the row did not mint, for the namespace targets (the store does the rest):
        only constraints on the IRI itself can be decided from it."""
        self.touched.add(node)
        empty = Row(set(), {})
        for shape in self.node_shapes:
            if not any(node.startswith(ns) for ns in shape.namespaces):
                continue
            if shape.properties or shape.unsupported:
                raise Unsupported(f"{shape.iri}: more than its IRI to check on {node}")
            for name, check in shape.checks:
                if not check(node, empty):
                    self._result(shape, None, node, node, name)

    def _result(
        self,
        shape: NodeShape | PropertyShape,
        path: str | None,
        focus: str,
        value: str | None,
        name: str,
    ) -> None:
        self.results.append(
            Result(
                focus=focus,
                path=path,
                value=value,
                severity=shape.severity,
                message=pick_message(shape.messages, self.lang),
                shape=shape.iri,
                constraint=f"{name}ConstraintComponent",
                messages=shape.messages,
            )
        )

    # -- what the store shows --------------------------------------------------------------

    def finish(self, graph: str, store: ox.Store | None = None) -> Report:
        """Validate in the store, the rows loaded into ``graph``, what the rows could not show;
        the report. The shapes with a SPARQL-based target, on the nodes of the graph (their
        targets are selective queries), and the nodes the rows used but did not mint."""
        assert not self.given_up, self.given_up
        store = store or self.store
        checks = [
            c
            for c in compile_shapes(self.shapes, store, focus=(graph,))
            if c.shape in self.sparql_targeted
        ]
        # Shapes whose only targets are namespaces: the rows checked every node they use.
        native = {
            s.iri
            for s in self.node_shapes
            if s.namespaces and not (s.classes or s.nodes or s.subjects_of or s.objects_of)
        }
        if self.touched:
            checks += [
                c
                for c in compile_shapes(self.shapes, store, nodes=sorted(self.touched))
                if c.shape not in self.sparql_targeted and c.shape not in native
            ]
        results = set(self.results) | run_checks(store, checks, self.lang)
        scope = f"the import's rows as they were mapped, then {len(self.touched):,} other nodes"
        return report(results, self.shapes, "rows", time.monotonic() - self.started, scope)

    def types(self, node: str, row: Row) -> frozenset[str]:
        """The types of a node: from the row if it minted it, else from the store."""
        if node in row.minted:
            return frozenset(row.out.get(node, {}).get(RDF_TYPE, ()))  # type: ignore[arg-type]
        found = self.known_types.get(node)
        if found is None:
            query = f"SELECT DISTINCT ?t WHERE {{ {ox.NamedNode(node)} a ?t }}"
            rows = self.store.query(query, use_default_graph_as_union=True)
            assert isinstance(rows, ox.QuerySolutions)
            found = frozenset(r["t"].value for r in rows)
            self.known_types[node] = found
        return found

    # -- the shapes, compiled --------------------------------------------------------------

    def _node_shape(self, shape: Node) -> NodeShape | None:
        g = self.shapes
        namespaces, sparql = [], False
        for target in g.objects(shape, SH.target):
            if target_type(g, target) == IRIS_IN_NAMESPACE:
                namespaces += [str(v) for v in g.objects(target, SHAPES.namespace)]
            else:
                sparql = True
        if sparql:
            return None  # validated in the store, over the whole of it (see finish)
        classes = list(g.objects(shape, SH.targetClass))
        classes += [shape] if (shape, RDF.type, RDFS.Class) in g else []
        if g.value(shape, SH.path) is not None:
            # A property shape with a target: its focus nodes, checked as by a node shape.
            own: list[tuple[str, Check]] = []
            props = [self._property(shape)]
            unsupported = ""
        else:
            own, unsupported = self._value_checks(shape)
            unsupported = unsupported or self._unsupported(shape, {SH.property})
            props = [
                self._property(p)
                for p in g.objects(shape, SH.property)
                if not deactivated(self.shapes, p)
            ]
        return NodeShape(
            iri=str(shape),
            severity=severity(self.shapes, shape),
            messages=messages(self.shapes, shape),
            checks=own,
            properties=props,
            unsupported=unsupported,
            classes=frozenset(c for cls in classes for c in subclasses(self.store, cls)),
            nodes=frozenset(str(n) for n in g.objects(shape, SH.targetNode)),
            subjects_of=frozenset(str(p) for p in g.objects(shape, SH.targetSubjectsOf)),
            objects_of=frozenset(str(p) for p in g.objects(shape, SH.targetObjectsOf)),
            namespaces=tuple(namespaces),
        )

    def _property(self, shape: Node) -> PropertyShape:
        g = self.shapes
        path_node = g.value(shape, SH.path)
        assert path_node is not None
        path, unsupported = self._path(path_node)
        checks, why = self._value_checks(shape)
        unsupported = unsupported or why or self._unsupported(shape, set())
        if g.value(shape, SH.qualifiedValueShape) is not None:
            unsupported = unsupported or "a qualified value shape"
        min_count = g.value(shape, SH.minCount)
        max_count = g.value(shape, SH.maxCount)
        return PropertyShape(
            iri=str(shape),
            path=path,
            path_text=path_string(g, path_node),
            severity=severity(self.shapes, shape),
            messages=messages(self.shapes, shape),
            checks=checks,
            min_count=integer(min_count) if min_count is not None else 0,
            max_count=integer(max_count) if max_count is not None else None,
            unique_lang=g.value(shape, SH.uniqueLang) == Literal(True),
            unsupported=unsupported,
        )

    def _path(self, node: Node) -> tuple[tuple[tuple[str, bool], ...], str]:
        """A path as (property, inverse) alternatives, or why it is not one."""
        g = self.shapes
        if isinstance(node, URIRef):
            return ((str(node), False),), ""
        inverse = g.value(node, SH.inversePath)
        if isinstance(inverse, URIRef):
            return ((str(inverse), True),), ""
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            found: list[tuple[str, bool]] = []
            for step in Collection(g, alternatives):
                path, why = self._path(step)
                if why:
                    return (), why
                found += path
            return tuple(found), ""
        return (), "a path longer than one property"

    def _unsupported(self, shape: Node, allowed: set[Node]) -> str:
        if self.shapes.value(shape, SH.sparql) is not None:
            return "a SPARQL-based constraint"
        extra = {p for p in self.shapes.predicates(shape, None) if str(p).startswith(str(SH))}
        unknown = sorted(str(p) for p in extra - SUPPORTED - allowed)
        return unknown[0] if unknown else ""

    def _value_checks(self, shape: Node) -> tuple[list[tuple[str, Check]], str]:
        checks = []
        for predicate, name in VALUE_CONSTRAINTS.items():
            for value in self.shapes.objects(shape, predicate):
                check = self._condition(predicate, value, shape)
                if check is None:
                    return [], f"{name} with {value}"
                checks.append((name, check))
        return checks, ""

    def _condition(self, predicate: Node, value: Node, shape: Node) -> Check | None:
        """One value constraint as a test of a value; None if not decidable from a row."""
        g = self.shapes
        if predicate == SH["class"]:
            classes = frozenset(subclasses(self.store, value))
            known: dict[str, bool] = {}  # nodes not minted: the store's answer, once

            def is_a(v: Term, row: Row) -> bool:
                if v.__class__ is not str:
                    return False
                if v in row.minted:
                    return not classes.isdisjoint(row.out.get(v, {}).get(RDF_TYPE, ()))  # type: ignore[arg-type]
                found = known.get(v)  # type: ignore[call-overload]
                if found is None:
                    found = known[v] = bool(self.types(v, row) & classes)  # type: ignore[index]
                return found

            return is_a
        if predicate == SH.datatype:
            return _datatype(str(value))
        if predicate == SH.nodeKind:
            iri_ok, literal_ok = NODE_KINDS[value]
            return lambda v, row: literal_ok if isinstance(v, Lit) else iri_ok
        if predicate == SH.pattern:
            flags = g.value(shape, SH.flags)
            compiled = re.compile(str(value), sum(FLAGS.get(f, 0) for f in str(flags or "")))
            return lambda v, row: compiled.search(_text(v)) is not None
        if predicate in (SH.node, SH["not"]):
            inner = self._nested(value)
            if inner is None:
                return None
            if predicate == SH.node:
                return inner
            return lambda v, row: not inner(v, row)
        if predicate in (SH["or"], SH["and"]):
            members = [self._nested(m) for m in Collection(g, value)]
            if any(m is None for m in members):
                return None
            tests = [m for m in members if m is not None]
            if predicate == SH["or"]:
                return lambda v, row: any(t(v, row) for t in tests)
            return lambda v, row: all(t(v, row) for t in tests)
        if predicate == SH["in"]:
            allowed = {_term(m) for m in Collection(g, value)}
            return lambda v, row: v in allowed
        if predicate == SH.hasValue:
            wanted = _term(value)
            return lambda v, row: v == wanted
        if predicate in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            return _comparison(predicate, value)
        if predicate in (SH.minLength, SH.maxLength):
            bound = integer(value)
            if predicate == SH.minLength:
                return lambda v, row: len(_text(v)) >= bound
            return lambda v, row: len(_text(v)) <= bound
        if predicate == SH.languageIn:
            ranges = [str(r).lower() for r in Collection(g, value)]
            return lambda v, row: (
                isinstance(v, Lit) and any(_lang_matches(v.lang, r) for r in ranges)
            )
        return None

    def _nested(self, shape: Node) -> Check | None:
        """Whether a value conforms to a nested shape; it must be minted or a literal."""
        checks, why = self._value_checks(shape)
        if why or self._unsupported(shape, {SH.property}):
            return None
        props = [self._property(p) for p in self.shapes.objects(shape, SH.property)]
        if self.shapes.value(shape, SH.path) is not None:
            props.append(self._property(shape))
        if any(p.unsupported or p.checks or p.max_count or p.unique_lang for p in props):
            return None  # as in the compiled gate: only "has a value" inside a nested shape

        def conforms(value: Term, row: Row) -> bool:
            if isinstance(value, str) and value not in row.minted and props:
                raise Unsupported(f"{shape}: nested shape on {value}, a node the row did not mint")
            if not all(check(value, row) for _, check in checks):
                return False
            return all(
                isinstance(value, str) and len(_values(p, value, row)) >= p.min_count for p in props
            )

        return conforms


def _values(prop: PropertyShape, node: str, row: Row) -> list[Term]:
    """The distinct values of a path from a node, in the row."""
    found: dict[Term, None] = {}
    for predicate, inverse in prop.path:
        table: dict = row.into if inverse else row.out
        for value in table.get(node, {}).get(predicate, ()):
            found[value] = None
    return list(found)


def _repeated_lang(values: Sequence[Term]) -> bool:
    langs = [v.lang.lower() for v in values if isinstance(v, Lit) and v.lang]
    return len(langs) != len(set(langs))


def _text(value: Term) -> str:
    return value.value if isinstance(value, Lit) else value


def _term(node: Node) -> Term:
    if isinstance(node, Literal):
        datatype = LANG_STRING if node.language else str(node.datatype or XSD.string)
        return Lit(str(node), node.language or "", datatype)
    return str(node)


def _datatype(datatype: str) -> Check:
    if datatype == LANG_STRING:
        return lambda v, row: isinstance(v, Lit) and bool(v.lang)
    if datatype in INTEGERS and datatype != str(XSD.integer):
        # As Oxigraph stores them: an integer, in the type's range.
        in_range = INTEGERS[datatype]
        return lambda v, row: (
            isinstance(v, Lit)
            and v.datatype in (str(XSD.integer), datatype)
            and LEXICAL[str(XSD.integer)].fullmatch(v.value) is not None
            and in_range(int(v.value))
        )
    lexical = LEXICAL.get(datatype)
    return lambda v, row: (
        isinstance(v, Lit)
        and not v.lang
        and v.datatype == datatype
        and (lexical is None or lexical.fullmatch(v.value) is not None)
    )


def _comparison(predicate: Node, bound_node: Node) -> Check | None:
    bound = _number(_term(bound_node))
    if bound is None:
        return None  # a date or a string bound: left to the compiled gate
    tests: dict[Node, Callable[[Decimal], bool]] = {
        SH.minInclusive: lambda n: n >= bound,
        SH.maxInclusive: lambda n: n <= bound,
        SH.minExclusive: lambda n: n > bound,
        SH.maxExclusive: lambda n: n < bound,
    }
    compare = tests[predicate]

    def check(value: Term, row: Row) -> bool:
        number = _number(value)
        return number is not None and compare(number)  # an error is a failure

    return check


def _number(term: Term) -> Decimal | None:
    if not isinstance(term, Lit) or term.datatype not in NUMERIC | INTEGERS.keys():
        return None
    if LEXICAL.get(term.datatype, LEXICAL[str(XSD.decimal)]).fullmatch(term.value) is None:
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _lang_matches(lang: str, wanted: str) -> bool:
    lang = lang.lower()
    if wanted == "*":
        return bool(lang)
    return lang == wanted or lang.startswith(wanted + "-")
