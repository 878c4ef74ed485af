"""What each kind of page tells beyond the resource's own statements.

A person's memberships, events and encounters; an organisation's people, places,
visits and its people's encounters; an event's delegations, visits and
encounters; what is located in a place; a concept's organisations and
correspondences; a project's missions. Each builder takes the rows of
``queries/pages/{kind}.rq`` (one UNION branch per section, named by ``?section``)
and a :class:`Context` that names things and dates events from per-build indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kg.resource import Binding, Labels, Value, value

T = TypeVar("T")
Term = Mapping[str, str]
PAGE_SIZE = 50
# Most rows a long section reads (the queries say LIMIT 1001: one row more tells that the
# list was cut). A hub's visits or a country's organisations are cut there; the page's
# links in (paged by the store) still reach every one of them.
CAP = 1000
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
ESS = "https://w3id.org/passerelles/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EVENT_TYPES = {ESS + t for t in ("CooperationMission", "Forum", "SiteVisit", "Meeting")}
# What a thing located in a place is, by its types (first match wins).
GROUPS = (
    (
        "organisations",
        {ORG + "Organization", ORG + "FormalOrganization", ORG + "OrganizationalUnit"},
    ),
    ("events", EVENT_TYPES | {SCHEMA + "Event"}),
    (
        "places",
        {SCHEMA + "Place", SCHEMA + "City", SCHEMA + "AdministrativeArea", SCHEMA + "Country"},
    ),
)


@dataclass
class Context:
    """How sections name, date and place things: labels in the reader's language."""

    labels: Labels
    lang: str
    dates: Callable[[str], tuple[Term | None, Term | None]]
    parent: Callable[[str], str | None]
    places: Callable[[str], Sequence[str]]  # where an event took place
    inherits: Callable[[str], bool]  # whether an event's dates are its parent's
    coordinates: Mapping[str, tuple[float, float]]
    part_words: Mapping[str, str] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)  # labels looked up so far

    def name(self, iri: str) -> str:
        """What to call a resource (looked up once per page)."""
        if iri not in self._names:
            self._names[iri] = self.iri(iri).text
        return self._names[iri]

    def iri(self, iri: str) -> Value:
        return value({"type": "uri", "value": iri}, self.labels, self.lang, self.part_words)

    def term(self, term: Term | None) -> Value | None:
        return None if term is None else value(term, self.labels, self.lang, self.part_words)


@dataclass
class Paged(Generic[T]):
    items: list[T]
    number: int  # this page, from 1
    count: int  # how many pages
    total: int  # how many items in all


def paginate(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Paged[T]:
    count = max(1, -(-len(items) // size))
    number = min(max(number, 1), count)
    return Paged(list(items[(number - 1) * size : number * size]), number, count, len(items))


@dataclass
class Dated:
    """An event with its dates (its own, else its parent's) and how it concerns the page."""

    event: Value
    start: Value | None
    end: Value | None
    roles: list[str] = field(default_factory=list)
    details: list[Value] = field(default_factory=list)
    inherited: bool = False  # the dates are the parent event's

    @property
    def key(self) -> tuple[str, str]:
        return (self.start.value if self.start else "9999", self.event.text.lower())


@dataclass
class Encounter:
    iri: str
    one: Value  # the page's side: the person, one of the organisation's people, or either
    other: Value
    evidence: Value


@dataclass
class EncounterGroup:
    """The encounters during one event."""

    event: Dated
    encounters: list[Encounter]


@dataclass
class Located:
    place: Value
    lat: float | None = None
    long: float | None = None
    how: Value | None = None  # the property that places it (location, region…)


@dataclass
class Membership:
    part: str
    who: Value  # the organisation (on a person's page) or the person
    role: Value | None


def dated(ctx: Context, iri: str, roles: Iterable[str] = ()) -> Dated:
    start, end = ctx.dates(iri)
    return Dated(ctx.iri(iri), ctx.term(start), ctx.term(end), list(roles), [], ctx.inherits(iri))


def sections(rows: Iterable[Binding]) -> dict[str, list[Binding]]:
    """The rows of a page query, by their ``?section``."""
    found: dict[str, list[Binding]] = defaultdict(list)
    for row in rows:
        found[row["section"]["value"]].append(row)
    return found


def cut(by: dict[str, list[Binding]], *names: str, key: str | None = None) -> set[str]:
    """Which of the sections ``names`` the cap cut (more than ``CAP`` rows, or distinct
    ``key`` values), each trimmed to the cap so that the page is the same every time."""
    found = set()
    for name in names:
        rows = by.get(name, [])
        if key is None:
            if len(rows) > CAP:
                del rows[CAP:]
                found.add(name)
            continue
        kept = list(dict.fromkeys(row[key]["value"] for row in rows))[: CAP + 1]
        if len(kept) > CAP:
            keep = set(kept[:CAP])
            rows[:] = [row for row in rows if row[key]["value"] in keep]
            found.add(name)
    return found


def _unique(rows: Iterable[Binding], *keys: str) -> list[Binding]:
    seen: dict[tuple[str, ...], Binding] = {}
    for row in rows:
        seen.setdefault(tuple(row[k]["value"] if k in row else "" for k in keys), row)
    return list(seen.values())


def memberships(ctx: Context, rows: Iterable[Binding], who: str) -> list[Membership]:
    found = [
        Membership(row["part"]["value"], ctx.iri(row[who]["value"]), ctx.term(row.get("role")))
        for row in _unique(rows, "part", who, "role")
    ]
    return sorted(found, key=lambda m: (m.who.text.lower(), m.role.text if m.role else ""))


def events(ctx: Context, roles: Mapping[str, Iterable[str]]) -> list[Dated]:
    """Events by IRI, each with how the page's resource took part, in date order."""
    return sorted(
        (dated(ctx, iri, sorted(set(how))) for iri, how in roles.items()), key=lambda d: d.key
    )


def encounters(
    ctx: Context,
    rows: Iterable[Binding],
    one: str,
    other: str,
    number: int,
    counted: Sequence[Binding] = (),
) -> Paged[EncounterGroup]:
    """One page of encounters, grouped by the event they happened during, in date order.

    ``rows`` hold one page as the query read it (a page and one row more, telling that
    another page follows); ``counted`` how many rows there are in all (``?rows``) and how
    many encounters (``?n``: an encounter between two people of one organisation is read
    once for each). Without counts, ``rows`` are all the encounters."""
    found = _unique(rows, "encounter")
    if counted:
        total_rows, total = (int(counted[0][k]["value"]) for k in ("rows", "n"))
        found = found[:PAGE_SIZE]
    else:
        total_rows = total = len(found)
        found = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]

    def key(row: Binding) -> tuple[str, ...]:
        event = row["event"]["value"]
        start = ctx.dates(event)[0]
        return (
            (start or {}).get("value", "9999"),
            ctx.name(event).lower(),
            event,
            ctx.name(row[one]["value"]).lower(),
            ctx.name(row[other]["value"]).lower(),
        )

    groups: dict[str, EncounterGroup] = {}
    for row in sorted(found, key=key):
        event = row["event"]["value"]
        if event not in groups:
            groups[event] = EncounterGroup(dated(ctx, event), [])
        groups[event].encounters.append(
            Encounter(
                row["encounter"]["value"],
                ctx.iri(row[one]["value"]),
                ctx.iri(row[other]["value"]),
                ctx.iri(row["evidence"]["value"]),
            )
        )
    count = max(1, -(-total_rows // PAGE_SIZE))
    return Paged(list(groups.values()), min(max(number, 1), count), count, total)


def located(ctx: Context, iri: str, how: str | None = None) -> Located:
    lat, long = ctx.coordinates.get(iri, (None, None))
    return Located(ctx.iri(iri), lat, long, ctx.iri(how) if how else None)


# -- the kinds ----------------------------------------------------------------------------------


@dataclass
class PersonPage:
    memberships: list[Membership]
    events: list[Dated]
    encounters: Paged[EncounterGroup]
    met: int  # how many distinct agents the person met


def person(ctx: Context, iri: str, rows: Sequence[Binding], number: int = 1) -> PersonPage:
    by = sections(rows)
    roles: dict[str, set[str]] = defaultdict(set)
    for how in ("delegation", "attendee", "presenter"):
        for row in by[how]:
            roles[row["event"]["value"]].add(how)
    return PersonPage(
        memberships(ctx, by["membership"], "organisation"),
        events(ctx, roles),
        encounters(ctx, by["encounter"], "resource", "other", number, by["encounters"]),
        int(by["met"][0]["n"]["value"]) if by["met"] else 0,
    )


@dataclass
class OrganisationPage:
    people: list[Membership]
    places: list[Located]
    visits: list[Dated]  # missions (with the visits in details) and visits without a mission
    events: list[Dated]
    encounters: Paged[EncounterGroup]
    cut: set[str] = field(default_factory=set)  # sections cut at CAP rows (see cut)


def _visits(ctx: Context, rows: Iterable[Binding]) -> list[Dated]:
    """Missions that visited, each with its visits; visits outside a mission on their own."""
    visits: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        event = row["event"]["value"]
        parent = ctx.parent(event)
        if parent:
            visits[parent].append(event)
        else:
            visits.setdefault(event, [])
    found = []
    for mission, inside in visits.items():
        item = dated(ctx, mission)
        item.details = [ctx.iri(v) for v in sorted(set(inside))]
        found.append(item)
    return sorted(found, key=lambda d: d.key)


def organisation(
    ctx: Context, iri: str, rows: Sequence[Binding], number: int = 1
) -> OrganisationPage:
    by = sections(rows)
    trimmed = cut(by, "member", "event", "sent")
    roles: dict[str, set[str]] = defaultdict(set)
    visited = []
    for row in by["event"]:
        how = row["how"]["value"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if how == "visited":
            visited.append(row)
        else:
            roles[row["event"]["value"]].add(how)
    for row in by["sent"]:
        roles[row["event"]["value"]].add("sent")
    places = [located(ctx, r["place"]["value"], r["how"]["value"]) for r in by["place"]]
    return OrganisationPage(
        memberships(ctx, by["member"], "person"),
        sorted(places, key=lambda p: p.place.text.lower()),
        _visits(ctx, visited),
        events(ctx, roles),
        encounters(ctx, by["encounter"], "person", "other", number, by["encounters"]),
        trimmed,
    )


@dataclass
class Delegation:
    iri: Value
    senders: list[Value]
    size: int | None
    members: list[Value]


@dataclass
class EventPage:
    when: Dated  # its dates, its parent's when it has none
    places: list[Located]  # where it took place, else where its parent did
    delegations: list[Delegation]
    sub_events: list[Dated]  # details: the organisations visited
    encounters: Paged[EncounterGroup]
    cut: set[str] = field(default_factory=set)


def _delegations(ctx: Context, rows: Iterable[Binding]) -> list[Delegation]:
    found: dict[str, Delegation] = {}
    for row in rows:
        iri = row["delegation"]["value"]
        item = found.setdefault(iri, Delegation(ctx.iri(iri), [], None, []))
        how, term = row["how"]["value"], row["value"]
        if how.endswith("delegationSize"):
            item.size = int(term["value"])
        elif how.endswith("sentBy"):
            item.senders.append(ctx.iri(term["value"]))
        else:
            item.members.append(ctx.iri(term["value"]))
    for item in found.values():
        item.senders = sorted({v.value: v for v in item.senders}.values(), key=lambda v: v.text)
        item.members = sorted({v.value: v for v in item.members}.values(), key=lambda v: v.text)
    return sorted(found.values(), key=lambda d: d.iri.text)


def event(ctx: Context, iri: str, rows: Sequence[Binding], number: int = 1) -> EventPage:
    by = sections(rows)
    trimmed = cut(by, "delegation", key="delegation") | cut(by, "sub-event", key="event")
    subs: dict[str, list[Value]] = defaultdict(list)
    for row in by["sub-event"]:
        visited = subs[row["event"]["value"]]
        if "organisation" in row:
            visited.append(ctx.iri(row["organisation"]["value"]))
    sub_events = []
    for iri, visited in subs.items():
        item = dated(ctx, iri)
        item.details = visited
        sub_events.append(item)
    parent = ctx.parent(iri)
    places = ctx.places(iri) or (ctx.places(parent) if parent else ())
    return EventPage(
        dated(ctx, iri),
        [located(ctx, place) for place in places],
        _delegations(ctx, by["delegation"]),
        sorted(sub_events, key=lambda d: d.key),
        encounters(ctx, by["encounter"], "a", "b", number, by["encounters"]),
        trimmed,
    )


@dataclass
class PlacePage:
    mapped: list[Located]  # the place and what is located there, those with coordinates
    here: Paged[tuple[str, list[Located]]]  # (group, things), groups in a fixed order
    cut: set[str] = field(default_factory=set)


def place(ctx: Context, iri: str, rows: Sequence[Binding], number: int = 1) -> PlacePage:
    types: dict[str, set[str]] = defaultdict(set)
    how: dict[str, str] = {}
    site: dict[str, str] = {}
    by = sections(rows)
    trimmed = cut(by, "here", "site")
    for row in by["here"] + by["site"]:
        thing = row["thing"]["value"]
        types[thing].add(row["type"]["value"])
        how.setdefault(thing, row["how"]["value"])
        if "site" in row:
            site[thing] = row["site"]["value"]
    grouped: dict[str, list[Located]] = defaultdict(list)
    for thing, kinds in types.items():
        group = next((name for name, known in GROUPS if kinds & known), "other")
        item = located(ctx, thing, how[thing])
        if item.lat is None and thing in site:
            item.lat, item.long = ctx.coordinates.get(site[thing], (None, None))
        grouped[group].append(item)
    order = [name for name, _ in GROUPS] + ["other"]
    flat = [
        (name, item)
        for name in order
        for item in sorted(grouped[name], key=lambda t: t.place.text.lower())
    ]
    page = paginate(flat, number)
    groups: dict[str, list[Located]] = {}
    for name, item in page.items:
        groups.setdefault(name, []).append(item)
    here = Paged(list(groups.items()), page.number, page.count, page.total)
    mapped = [item for item in [located(ctx, iri)] + [i for _, i in flat] if item.lat is not None]
    return PlacePage(mapped, here, {"here"} if trimmed else set())


@dataclass
class ConceptPage:
    classified: Paged[tuple[Value, Value]]  # (organisation, how: form or legal form)
    holders: Paged[tuple[Value, Value]]  # (person, organisation) who hold it as a role
    related: list[tuple[Value, list[tuple[Value, list[Value]]]]]  # (relation, [(concept, where)])
    cut: set[str] = field(default_factory=set)


def concept(ctx: Context, iri: str, rows: Sequence[Binding], number: int = 1) -> ConceptPage:
    by = sections(rows)
    trimmed = cut(by, "classified", "holder")
    classified = sorted(
        {(r["thing"]["value"], r["how"]["value"]) for r in by["classified"]},
    )
    holders = [
        (ctx.iri(person), ctx.iri(org))
        for person, org in {(r["person"]["value"], r["thing"]["value"]) for r in by["holder"]}
    ]
    holders.sort(key=lambda pair: (pair[0].text, pair[1].text))
    related: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in by["related"]:
        where = related[row["how"]["value"]][row["thing"]["value"]]
        if "where" in row:
            where.add(row["where"]["value"])
    order = [SKOS + r for r in ("exactMatch", "closeMatch", "related", "broader", "narrower")]
    classified.sort(key=lambda pair: ctx.name(pair[0]).lower())
    page = paginate(classified, number)
    return ConceptPage(
        Paged(
            [(ctx.iri(o), ctx.iri(h)) for o, h in page.items], page.number, page.count, page.total
        ),
        paginate(holders, number),
        [
            (
                ctx.iri(how),
                sorted(
                    (
                        (ctx.iri(c), [ctx.iri(w) for w in sorted(where)])
                        for c, where in related[how].items()
                    ),
                    key=lambda c: c[0].text,
                ),
            )
            for how in sorted(related, key=lambda h: order.index(h) if h in order else 9)
        ],
        trimmed,
    )


@dataclass
class ProjectPage:
    missions: list[Dated]


def project(ctx: Context, iri: str, rows: Sequence[Binding], number: int = 1) -> ProjectPage:
    return ProjectPage(events(ctx, {row["event"]["value"]: [] for row in rows}))


BUILDERS: dict[str, Callable[[Context, str, Sequence[Binding], int], object]] = {
    "person": person,
    "organisation": organisation,
    "event": event,
    "place": place,
    "concept": concept,
    "project": project,
}
