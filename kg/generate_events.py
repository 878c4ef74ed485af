"""The cooperation projects of synthetic data (see :mod:`kg.generate`): missions, their
delegations, site visits, exchange evenings, and the encounters the rules derive."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from kg.generate_nt import ID, LABEL, A, Block, Org, State, T, en, fr, iri, typed
from kg.generate_words import FR, QC, SIDES

HUBS = 10  # organisations per side that missions keep visiting
HUB_SHARE = 0.25  # chance that a visit goes to a hub
MEETING_SHARE = 0.3  # chance that a mission has an exchange evening with presentations


@dataclass
class Trip:
    """One mission of a project, as its delegation, visits and meetings see it."""

    serial: int
    number: int  # in its project
    start: date
    end: date
    members: list[str] = field(default_factory=list)  # person slugs, sorted

    @property
    def slug(self) -> str:
        return f"mission-{self.serial:05d}"

    @property
    def iri(self) -> str:
        return iri("event", self.slug)

    @property
    def delegation(self) -> str:
        return f"<{ID}event/{self.slug}#delegation>"

    def day(self, rng: random.Random) -> str:
        """A day of the mission, as an xsd:date literal."""
        day = self.start + timedelta(days=rng.randint(0, (self.end - self.start).days))
        return typed(day.isoformat(), "date")


def _trips(rng: random.Random, state: State, count: int) -> list[Trip]:
    """The missions of a project: a week or so each, months apart."""
    start = date(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28))
    trips: list[Trip] = []
    for number in range(1, count + 1):
        start += timedelta(days=rng.randint(120, 300) if trips else rng.randint(0, 60))
        end = start + timedelta(days=rng.randint(3, 8))
        trips.append(Trip(state.next("mission"), number, start, end))
        start = end
    return trips


def project(rng: random.Random, state: State, block: Block, missions: int) -> None:
    """A cooperation between a French and a Québec partner, and its missions."""
    partners = {}
    for side in SIDES:
        orgs = [o for o in block.orgs if o.side is side]
        partners[side] = next((o for o in orgs if o.members), orgs[0])
    node = iri("project", f"project-{state.next('project'):05d}")
    french, quebec = partners[FR].label, partners[QC].label
    trips = _trips(rng, state, missions)
    block.resource(
        node,
        (A, T["ess:CooperationProject"]),
        (LABEL, fr(f"Coopération {french} – {quebec}")),
        (LABEL, en(f"Cooperation {french} – {quebec}")),
        (T["ess:mainPartner"], partners[FR].iri),
        (T["ess:mainPartner"], partners[QC].iri),
        (T["schema:startDate"], typed(trips[0].start.strftime("%Y-%m"), "gYearMonth")),
        (T["schema:endDate"], typed(trips[-1].end.strftime("%Y-%m"), "gYearMonth")),
    )
    first = rng.randrange(2) if missions == 1 else 0  # else France goes first, then Québec
    for trip in trips:
        send, host = SIDES[(first + trip.number - 1) % 2], SIDES[(first + trip.number) % 2]
        _mission(rng, state, block, trip, node, (partners[send], partners[host]))


def _mission(
    rng: random.Random, state: State, block: Block, trip: Trip, project: str, pair: tuple[Org, Org]
) -> None:
    """A mission of (sending, host) partners, its delegation, visits and encounters."""
    sender, host = pair
    block.missions.append(trip.slug)
    block.resource(
        trip.iri,
        (A, T["ess:CooperationMission"]),
        (LABEL, fr(f"Mission de coopération n° {trip.serial}")),
        (LABEL, en(f"Cooperation mission no. {trip.serial}")),
        (T["ess:missionNumber"], typed(trip.number, "positiveInteger")),
        (T["ess:missionOf"], project),
        (T["schema:startDate"], typed(trip.start.isoformat(), "date")),
        (T["schema:endDate"], typed(trip.end.isoformat(), "date")),
        (T["schema:location"], host.region),
    )
    _delegation(rng, block, trip, sender)
    for i, a in enumerate(trip.members):
        for b in trip.members[i + 1 :]:
            block.people_met(trip.slug, a, b, "TravelledTogether")
    local = [o for o in block.orgs if o.side is host.side]
    hubs = state.hubs[host.side]
    wanted = rng.randint(5, 15)
    from_hubs = min(len(hubs), sum(rng.random() < HUB_SHARE for _ in range(wanted)))
    targets = rng.sample(local, min(len(local), wanted - from_hubs)) + rng.sample(hubs, from_hubs)
    for org in targets:
        _visit(rng, block, trip, org)
    if targets and trip.members and rng.random() < MEETING_SHARE:
        _meeting(rng, block, trip, targets)


def _delegation(rng: random.Random, block: Block, trip: Trip, sender: Org) -> None:
    """The delegation the sending partner (and maybe another organisation) sent; 1 in 20 unnamed."""
    senders = [sender]
    others = [o for o in block.orgs if o.side is sender.side and o is not sender and o.members]
    if others and rng.random() < 0.2:
        senders.append(rng.choice(others))
    primary = list(dict.fromkeys(p for o in senders for p in o.members))
    rest = list(dict.fromkeys(p for o in others for p in o.members if p not in primary))
    pool = rng.sample(primary, len(primary)) + rng.sample(rest, len(rest))
    trip.members = sorted(pool[: rng.randint(2, 8)]) if rng.random() < 0.95 else []
    size = len(trip.members) + (rng.randint(1, 2) if rng.random() < 0.15 else 0)
    node = trip.delegation
    block.add(trip.iri, T["ess:delegation"], node)
    block.add(trip.iri, T["schema:attendee"], node)
    for organisation in senders:
        block.add(node, T["ess:sentBy"], organisation.iri)
    for person in trip.members:
        block.add(node, T["foaf:member"], iri("person", person))
    block.resource(
        node,
        (A, T["ess:Delegation"]),
        (LABEL, fr(sender.side.delegation[0].format(trip.serial))),
        (LABEL, en(sender.side.delegation[1].format(trip.serial))),
        (T["ess:delegationSize"], typed(size or rng.randint(2, 8), "nonNegativeInteger")),
    )
    block.travellers += trip.members[:1]


def _visit(rng: random.Random, block: Block, trip: Trip, org: Org) -> None:
    """A site visit of the delegation to one organisation (dated and placed half the time)."""
    slug = f"visit-{trip.serial:05d}-{org.slug}"
    node = iri("event", slug)
    block.derive(trip.iri, T["ess:visited"], org.iri)
    if rng.random() < 0.5:
        day = trip.day(rng)
        block.add(node, T["schema:startDate"], day)
        block.add(node, T["schema:endDate"], day)
        block.add(node, T["schema:location"], org.city)
    block.resource(
        node,
        (A, T["ess:SiteVisit"]),
        (LABEL, fr(f"Visite : {org.label} (mission {trip.serial})")),
        (LABEL, en(f"Visit: {org.label} (mission {trip.serial})")),
        (T["schema:superEvent"], trip.iri),
        (T["ess:visited"], org.iri),
        (T["schema:attendee"], trip.delegation),
    )
    for visitor in trip.members:
        for host in org.members:
            block.people_met(slug, visitor, host, "MetDuringVisit")
    encounter = f"<{ID}event/{slug}#encounter-delegation-and-{org.slug}>"
    block.encounter(encounter, trip.delegation, org.iri, node, "DelegationVisit")


def _meeting(rng: random.Random, block: Block, trip: Trip, targets: list[Org]) -> None:
    """An exchange evening where one or two travellers present to people they visited."""
    slug = f"meeting-{trip.serial:05d}"
    node = iri("event", slug)
    presenters = rng.sample(trip.members, min(len(trip.members), rng.randint(1, 2)))
    audience = list(dict.fromkeys(p for o in targets for p in o.members))
    listeners = rng.sample(audience, min(len(audience), rng.randint(1, 4)))
    day = trip.day(rng)
    block.add(node, T["schema:attendee"], targets[0].iri)
    for person in presenters:
        block.add(node, T["ess:presenter"], iri("person", person))
    for person in presenters + listeners:
        block.add(node, T["schema:attendee"], iri("person", person))
    block.resource(
        node,
        (A, T["ess:Meeting"]),
        (LABEL, fr(f"Soirée d'échanges de la mission {trip.serial}")),
        (LABEL, en(f"Exchange evening of mission {trip.serial}")),
        (T["schema:superEvent"], trip.iri),
        (T["schema:startDate"], day),
        (T["schema:endDate"], day),
        (T["schema:location"], targets[0].city),
    )
    for presenter in presenters:
        for listener in listeners:
            block.people_met(slug, presenter, listener, "AttendedPresentation")
