"""The shapes of ``ontology/shapes.ttl`` compiled to SPARQL: one :class:`Check` per constraint.

:mod:`kg.shacl_sparql` runs the checks on the store; the semantics are described there.
A constraint this module does not know is an error (:class:`ShapesError`), never a
silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.shacl import (
    SH,
    ShapesError,
    path_sparql,
    path_string,
)

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
# What a shape may say besides its constraints (labels, messages, structure).
ANNOTATIONS = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.path}
ANNOTATIONS |= {SH.property, SH.sparql, SH.deactivated, SH.flags, SH.qualifiedValueShape}
ANNOTATIONS |= set(TARGETS)
# Constraints on the value node itself: a SPARQL condition over one variable.
VALUE_CONSTRAINTS = {
    SH["class"]: "Class",
    SH.datatype: "Datatype",
    SH.nodeKind: "NodeKind",
    SH.pattern: "Pattern",
    SH.node: "Node",
    SH["or"]: "Or",
    SH["and"]: "And",
    SH["not"]: "Not",
    SH["in"]: "In",
    SH.hasValue: "HasValue",
    SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive",
    SH.minLength: "MinLength",
    SH.maxLength: "MaxLength",
    SH.languageIn: "LanguageIn",
}
# Constraints on the set of values of a property shape.
COUNT_CONSTRAINTS = {
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
}
SUPPORTED = ANNOTATIONS | set(VALUE_CONSTRAINTS) | COUNT_CONSTRAINTS
SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
# Integer types Oxigraph stores as xsd:integer: their range is what is left to check.
INTEGER_RANGES: dict[Node, str] = {
    XSD.positiveInteger: ">= 1",
    XSD.nonNegativeInteger: ">= 0",
    XSD.negativeInteger: "<= -1",
    XSD.nonPositiveInteger: "<= 0",
}
# XSD types Oxigraph casts to: a literal of one that does not cast is ill-formed.
CASTS = {XSD[name] for name in "integer decimal double float boolean date dateTime time".split()}
CASTS |= {XSD[name] for name in "gYear gYearMonth duration".split()}
NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
COMPARISONS: dict[Node, str] = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query whose rows are its violations."""

    shape: str
    path: str | None  # the result path, as kg.shacl reports it
    constraint: str  # e.g. "MinCountConstraintComponent"
    severity: str
    messages: tuple[tuple[str, str], ...]
    query: str  # SELECT ?this [?value] [?path]
    node_level: bool  # a node shape's constraint reports the focus as its value
    # A SPARQL-based constraint: ``query`` finds the focus nodes, and this SELECT runs on
    # each with $this bound, as pyshacl does (the shapes pair such a constraint with a
    # SPARQL target that finds only the nodes that break it).
    select: str | None = None
    # Several value constraints of one shape in one query: row variable ?f<i> says
    # whether the value breaks constraint ``flags[i]`` (one pass over the focus nodes).
    flags: tuple[str, ...] = ()


def compile_shapes(
    shapes: Graph,
    store: ox.Store | None = None,
    focus: Sequence[str] = (),
    nodes: Sequence[str] = (),
) -> list[Check]:
    """Every constraint of every targeted shape as a query; ShapesError if one is unknown.

    With ``store``, each class's subclasses are looked up in it once and listed in the
    queries (a property path per focus node costs far more on a large graph). With
    ``focus``, every target keeps only the nodes used in one of those named graphs; with
    ``nodes`` (IRIs), only those nodes, looked up first.
    """
    compiler = _Compiler(shapes, store, focus, nodes)
    return [check for shape in compiler.targeted() for check in compiler.shape_checks(shape)]


class _Compiler:
    def __init__(
        self,
        shapes: Graph,
        store: ox.Store | None,
        focus: Sequence[str] = (),
        nodes: Sequence[str] = (),
    ) -> None:
        self.shapes = shapes
        self.store = store
        self.closures: dict[Node, str] = {}
        # Each part of a target starts from these nodes: a look-up per node, not a scan.
        self.nodes = f"VALUES ?this {{ {' '.join(f'<{n}>' for n in sorted(nodes))} }} " * bool(
            nodes
        )
        # A focus node must be used in one of these graphs: two index look-ups per node.
        self.focus = " || ".join(
            f"EXISTS {{ GRAPH <{g}> {{ ?this ?focus_p ?focus_o }} }} || "
            f"EXISTS {{ GRAPH <{g}> {{ ?focus_s ?focus_p ?this }} }}"
            for g in focus
        )

    def classes(self, cls: Node) -> str:
        """``cls`` and its subclasses, as a SPARQL list (``<a>, <b>``)."""
        if cls not in self.closures:
            found = subclasses(self.store, cls) if self.store is not None else {str(cls)}
            self.closures[cls] = ", ".join(f"<{iri}>" for iri in sorted(found))
        return self.closures[cls]

    def is_a(self, var: str, cls: Node) -> str:
        """A pattern: the node in ``var`` is an instance of ``cls`` or of a subclass."""
        if self.store is None:
            return f"{var} {SUBCLASS} {_term(cls)} ."
        return f"{var} <{RDF.type}> ?class . FILTER (?class IN ({self.classes(cls)}))"

    def instances(self, cls: Node) -> str:
        """A pattern binding ?this to each instance of ``cls`` and its subclasses."""
        if self.store is None or self.nodes:
            # From given nodes, one look-up each (a VALUES of the classes starts a scan).
            return self.is_a("?this", cls)
        listed = self.classes(cls).replace(",", "")
        return f"VALUES ?class {{ {listed} }} ?this <{RDF.type}> ?class ."

    def targeted(self) -> list[Node]:
        return targeted(self.shapes)

    def _deactivated(self, shape: Node) -> bool:
        return deactivated(self.shapes, shape)

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def _unsupported(self, shape: Node) -> None:
        for predicate in set(self.shapes.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in SUPPORTED:
                raise ShapesError(
                    f"{shape}: {predicate} is not supported by the SPARQL SHACL engine "
                    "(use --shacl pyshacl)"
                )

    # -- focus nodes -------------------------------------------------------------------

    def target(self, shape: Node) -> str:
        """A group pattern binding ?this to each focus node of ``shape``."""
        parts = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            parts.append(self.instances(cls))
        if (shape, RDF.type, RDFS.Class) in self.shapes:
            parts.append(self.instances(shape))
        for node in self.shapes.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {_term(node)} }}")
        for predicate in self.shapes.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_term(predicate)} ?target_object .")
        for predicate in self.shapes.objects(shape, SH.targetObjectsOf):
            parts.append(f"?target_subject {_term(predicate)} ?this .")
        for target in self.shapes.objects(shape, SH.target):
            parts.append(f"{{ {self.target_select(target)} }}")
        union = " UNION ".join(f"{{ {self.nodes}{part} }}" for part in parts)
        restrict = f" FILTER ({self.focus})" if self.focus else ""
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union}{restrict} }} }}"

    def target_select(self, target: Node) -> str:
        """The SELECT of a SPARQL-based target, or of a target of a SPARQL-based target type
        with each parameter ``$name`` replaced by the target's value (pre-binding)."""
        kind = target_type(self.shapes, target)
        if kind is None:
            return self._select(target, "target")
        text = self._select(kind, "target")
        for parameter in self.shapes.objects(kind, SH.parameter):
            path = self.shapes.value(parameter, SH.path)
            value = self.shapes.value(target, path) if path is not None else None
            if value is None:
                raise ShapesError(f"{target}: no value for the parameter {path} of {kind}")
            name = str(path).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            text = re.sub(rf"\${name}\b", _term(value).replace("\\", "\\\\"), text)
        return text

    def _select(self, node: Node, kind: str) -> str:
        if kind == "target" and not {SH.SPARQLTarget, SH.SPARQLTargetType} & set(
            self.shapes.objects(node, RDF.type)
        ):
            raise ShapesError(f"{node}: only SPARQL-based targets and target types are supported")
        select = self.shapes.value(node, SH.select)
        if not isinstance(select, Literal):
            raise ShapesError(f"{node}: a SPARQL {kind} needs one sh:select")
        text = str(select)
        head = text.split("WHERE", 1)[0].split("{", 1)[0]
        if "$this" not in head and "?this" not in head:
            raise ShapesError(f"{node}: the SELECT of a SPARQL {kind} must return $this")
        return text

    def prefixes(self) -> str:
        lines = {}
        for declaration in self.shapes.objects(None, SH.declare):
            prefix = self.shapes.value(declaration, SH.prefix)
            namespace = self.shapes.value(declaration, SH.namespace)
            lines[str(prefix)] = f"PREFIX {prefix}: <{namespace}>"
        return "\n".join(lines[key] for key in sorted(lines)) + "\n"

    # -- the checks of one targeted shape ------------------------------------------------

    def shape_checks(self, shape: Node) -> Iterator[Check]:
        target = self.target(shape)
        if self.shapes.value(shape, SH.path) is not None:
            yield from self.property_checks(shape, target)
            return
        self._unsupported(shape)
        yield from self._value_checks(shape, target, "?this", None)
        yield from self._sparql_checks(shape, target, None, node_level=True)
        for prop in self.shapes.objects(shape, SH.property):
            if not self._deactivated(prop):
                yield from self.property_checks(prop, target)

    def property_checks(self, shape: Node, target: str) -> Iterator[Check]:
        self._unsupported(shape)
        path_node = self.shapes.value(shape, SH.path)
        assert path_node is not None
        path = path_sparql(self.shapes, path_node)
        yield from self._value_checks(shape, f"{target} ?this {path} ?value .", "?value", path_node)
        yield from self._count_checks(shape, target, path, path_node)
        yield from self._sparql_checks(shape, target, path_node, node_level=False)

    def _value_checks(
        self, shape: Node, values: str, var: str, path_node: Node | None
    ) -> Iterator[Check]:
        """The value constraints of ``shape`` on the node in ``var``, all in one query."""
        found = [
            (name, self.condition(predicate, value, var, shape))
            for predicate, name in VALUE_CONSTRAINTS.items()
            for value in self.shapes.objects(shape, predicate)
        ]
        if not found:
            return
        binds = " ".join(f"BIND ({_fails(c)} AS ?f{i})" for i, (_, c) in enumerate(found))
        either = " || ".join(f"?f{i}" for i in range(len(found)))
        flags = " ".join(f"?f{i}" for i in range(len(found)))
        query = f"SELECT DISTINCT ?this {var if var != '?this' else ''} {flags} WHERE {{ "
        query += f"{values} {binds} FILTER ({either}) }}"
        check = self._check(shape, path_node, found[0][0], query, node_level=path_node is None)
        yield replace(check, flags=tuple(f"{name}ConstraintComponent" for name, _ in found))

    def _count_checks(
        self, shape: Node, target: str, path: str, path_node: Node
    ) -> Iterator[Check]:
        values = f"?this {path} ?value ."
        for count in self.shapes.objects(shape, SH.minCount):
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ {values} }} }}"
                if integer(count) == 1
                else f"SELECT ?this WHERE {{ {target} OPTIONAL {{ {values} }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) < {integer(count)})"
            )
            yield self._check(shape, path_node, "MinCount", query)
        for count in self.shapes.objects(shape, SH.maxCount):
            query = (
                f"SELECT ?this WHERE {{ {target} {values} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) > {integer(count)})"
            )
            yield self._check(shape, path_node, "MaxCount", query)
        if self.shapes.value(shape, SH.uniqueLang) == Literal(True):
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {{ SELECT ?this WHERE {{ {target} {values} "
                'FILTER (isLiteral(?value) && LANG(?value) != "") } '
                "GROUP BY ?this (LCASE(LANG(?value))) HAVING (COUNT(DISTINCT ?value) > 1) } }"
            )
            yield self._check(shape, path_node, "UniqueLang", query)
        yield from self._qualified_checks(shape, target, values, path_node)

    def _qualified_checks(
        self, shape: Node, target: str, values: str, path_node: Node
    ) -> Iterator[Check]:
        qualified = self.shapes.value(shape, SH.qualifiedValueShape)
        bounds = (
            (SH.qualifiedMinCount, "<", "QualifiedMinCount"),
            (SH.qualifiedMaxCount, ">", "QualifiedMaxCount"),
        )
        for predicate, comparison, name in bounds:
            count = self.shapes.value(shape, predicate)
            if count is None:
                continue
            if qualified is None:
                raise ShapesError(f"{shape}: {predicate} without sh:qualifiedValueShape")
            if self.shapes.value(shape, SH.qualifiedValueShapesDisjoint) is not None:
                raise ShapesError(f"{shape}: sh:qualifiedValueShapesDisjoint is not supported")
            condition = self.conforms(qualified, "?value")
            query = (
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ {values} "
                f"FILTER (COALESCE({condition}, false)) }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) {comparison} {integer(count)})"
            )
            yield self._check(shape, path_node, name, query)

    def _sparql_checks(
        self, shape: Node, target: str, path_node: Node | None, node_level: bool
    ) -> Iterator[Check]:
        for constraint in self.shapes.objects(shape, SH.sparql):
            if self._deactivated(constraint):
                continue
            select = self.prefixes() + self._select(constraint, "constraint")
            own = self._messages(constraint) or self._messages(shape)
            check = self._check(shape, path_node, "SPARQL", f"SELECT ?this WHERE {{ {target} }}")
            yield replace(check, node_level=node_level, messages=own, select=select)

    def _check(
        self, shape: Node, path_node: Node | None, name: str, query: str, node_level: bool = False
    ) -> Check:
        return Check(
            shape=str(shape),
            path=path_string(self.shapes, path_node) if path_node is not None else None,
            constraint=f"{name}ConstraintComponent",
            severity=severity(self.shapes, shape),
            messages=self._messages(shape),
            query=self.prefixes() + query,  # SPARQL targets and constraints use them
            node_level=node_level,
        )

    def _messages(self, node: Node) -> tuple[tuple[str, str], ...]:
        return messages(self.shapes, node)

    # -- conditions: does one node conform? -----------------------------------------------

    def conforms(self, shape: Node, var: str) -> str:
        """A SPARQL expression: the node in ``var`` conforms to ``shape``."""
        self._unsupported(shape)
        parts = [
            self.condition(predicate, value, var, shape)
            for predicate in VALUE_CONSTRAINTS
            for value in self.shapes.objects(shape, predicate)
        ]
        path_node = self.shapes.value(shape, SH.path)
        if path_node is not None:
            parts += self._nested_property(shape, path_node, var)
        for prop in self.shapes.objects(shape, SH.property):
            path_node = self.shapes.value(prop, SH.path)
            self._unsupported(prop)
            parts += self._nested_property(prop, path_node, var)
        if self.shapes.value(shape, SH.sparql) is not None:
            raise ShapesError(f"{shape}: a nested shape with sh:sparql is not supported")
        return "(" + " && ".join(parts or ["true"]) + ")"

    def _nested_property(self, shape: Node, path_node: Node | None, var: str) -> list[str]:
        # Only "has at least one value" is needed inside sh:or / sh:node: an EXISTS.
        allowed = ANNOTATIONS | {SH.minCount}
        extra = {p for p in self.shapes.predicates(shape, None) if str(p).startswith(str(SH))}
        if extra - allowed or path_node is None:
            raise ShapesError(f"{shape}: a nested property shape may only have sh:minCount 1")
        count = self.shapes.value(shape, SH.minCount)
        if count is None:
            return []
        if integer(count) != 1:
            raise ShapesError(f"{shape}: a nested sh:minCount other than 1 is not supported")
        return [f"EXISTS {{ {var} {path_sparql(self.shapes, path_node)} [] }}"]

    def condition(self, predicate: Node, value: Node, var: str, shape: Node) -> str:
        """The SPARQL expression of one value constraint on the node in ``var``."""
        if predicate == SH["class"]:
            return f"EXISTS {{ {self.is_a(var, value)} }}"
        if predicate == SH.datatype:
            return _datatype(value, var)
        if predicate == SH.nodeKind:
            return NODE_KINDS[value].format(v=var)
        if predicate == SH.pattern:
            flags = self.shapes.value(shape, SH.flags)
            extra = f", {_string(str(flags))}" if flags is not None else ""
            return f"(!isBlank({var}) && REGEX(STR({var}), {_string(str(value))}{extra}))"
        if predicate in (SH.node, SH["not"]):
            inner = f"COALESCE({self.conforms(value, var)}, false)"
            return inner if predicate == SH.node else f"!{inner}"
        if predicate in (SH["or"], SH["and"]):
            joiner = " || " if predicate == SH["or"] else " && "
            members = [f"COALESCE({self.conforms(m, var)}, false)" for m in self._list(value)]
            return "(" + joiner.join(members) + ")"
        if predicate == SH["in"]:
            return (
                "(" + " || ".join(f"sameTerm({var}, {_term(m)})" for m in self._list(value)) + ")"
            )
        if predicate == SH.hasValue:
            return f"sameTerm({var}, {_term(value)})"
        if predicate in COMPARISONS:
            return f"({var} {COMPARISONS[predicate]} {_term(value)})"
        if predicate in (SH.minLength, SH.maxLength):
            operator = ">=" if predicate == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {operator} {integer(value)})"
        if predicate == SH.languageIn:
            ranges = " || ".join(
                f"LANGMATCHES(LANG({var}), {_string(str(r))})" for r in self._list(value)
            )
            return f"(isLiteral({var}) && ({ranges}))"
        raise ShapesError(f"{shape}: {predicate} is not supported")  # pragma: no cover


def targeted(shapes: Graph) -> list[Node]:
    """The shapes with a target (an implicit class target too), not deactivated, in order."""
    found = {s for target in TARGETS for s in shapes.subjects(target, None)}
    for shape in shapes.subjects(RDF.type, RDFS.Class):
        if set(shapes.objects(shape, RDF.type)) & {SH.NodeShape, SH.PropertyShape}:
            found.add(shape)  # an implicit class target
    return sorted((s for s in found if not deactivated(shapes, s)), key=str)


def deactivated(shapes: Graph, shape: Node) -> bool:
    return shapes.value(shape, SH.deactivated) == Literal(True)


def severity(shapes: Graph, shape: Node) -> str:
    """ "Violation", "Warning" or "Info": the shape's sh:severity, Violation by default."""
    return str(shapes.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]


def messages(shapes: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    """The sh:message texts of a shape or constraint, as (language, text) pairs."""
    found = [m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)]
    return tuple(sorted((m.language or "en", str(m)) for m in found))


def subclasses(store: ox.Store, cls: Node) -> set[str]:
    """``cls`` and its subclasses in the store, as IRIs."""
    query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_term(cls)} }}"
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return {str(cls)} | {row["c"].value for row in rows if isinstance(row["c"], ox.NamedNode)}


def target_type(shapes: Graph, target: Node) -> Node | None:
    """The SPARQL-based target type (``sh:SPARQLTargetType``) of a target, if it has one."""
    for kind in shapes.objects(target, RDF.type):
        if (kind, RDF.type, SH.SPARQLTargetType) in shapes:
            return kind
    return None


def _fails(condition: str) -> str:
    # An error (a comparison of an IRI with a number…) is a failure, as in pyshacl.
    return f"!COALESCE({condition}, false)"


def _datatype(datatype: Node, var: str) -> str:
    if datatype in INTEGER_RANGES:
        return (
            f"(isLiteral({var}) && DATATYPE({var}) = <{XSD.integer}> "
            f"&& {var} {INTEGER_RANGES[datatype]})"
        )
    test = f"(isLiteral({var}) && DATATYPE({var}) = {_term(datatype)}"
    if datatype in CASTS:
        # An ill-formed literal ("abc"^^xsd:integer) does not have its datatype: the cast fails.
        test += f" && isLiteral({_term(datatype)}(STR({var})))"
    return test + ")"


def integer(node: Node) -> int:
    if not isinstance(node, Literal) or not isinstance(node.value, int):
        raise ShapesError(f"{node} is not an integer")
    return node.value


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        raise ShapesError(f"a blank node cannot be used as a value in a constraint: {node}")
    raise ShapesError(f"unexpected term in the shapes: {node!r}")


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
