"""Synthetic Passerelles data at any size: the real graph's shape, scaled, as N-Triples.

One *block* is the unit of generation: 40 organisations (20 in Nouvelle-Aquitaine,
20 in Québec) classified with real glossary concepts, ~3 people each with their
memberships and roles, the cities they are in (on a grid of regions), and one
cooperation project whose two missions (France → Québec, then back) send a delegation
of 2–8 named people to visit 5–15 organisations of the other country, some of them
"hubs" visited again and again.

A block also knows what the rules of ``queries/rules/`` derive from it
(``org:memberOf``, a mission's ``ess:visited``, the encounters and ``ess:met``, with
the rules' own IRIs). The size asked for counts them, so a build of the output has
about that many triples; they are written only with ``derived=True`` (a graph as
built, for loading straight into a store), else the build derives them again.

Lines are written as they are made, block by block: memory stays bounded whatever
the size. The same seed and size give the same bytes. Only instance data is written
(with the role vocabulary of ``data/roles.ttl``, which the people's memberships use);
load ``ontology/ess.ttl`` and ``ontology/glossary.ttl`` beside it, or build the project
folder :func:`write_project` makes.

The words come from :mod:`kg.generate_words`, the N-Triples lines and blocks from
:mod:`kg.generate_nt`, the projects and missions from :mod:`kg.generate_events`; this
module makes the places, organisations and people, sizes the blocks and writes them.
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.generate_events import HUBS, project
from kg.generate_nt import (
    ID,
    LABEL,
    SOURCE,
    A,
    Block,
    City,
    Org,
    State,
    T,
    en,
    fr,
    iri,
    join,
    of_,
    typed,
)
from kg.generate_words import NOUNS, SIDES, Side

ROOT = Path(__file__).resolve().parents[1]
ROLES_PATH = ROOT / "data" / "roles.ttl"
ORGS_PER_BLOCK = 40
# Smaller blocks, then a lone organisation without people, fill the last triples.
SCALES = ((ORGS_PER_BLOCK, 2, True), (20, 1, True), (10, 1, True), (4, 0, True), (1, 0, False))
GRID = 6  # regions per side: GRID x GRID cells of the side's bounding box
ROLE_WEIGHTS = {"role-directeur-general": 4, "role-entrepreneur": 4, "role-directeur": 3}


@functools.cache
def _roles() -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """data/roles.ttl as sorted N-Triples lines, its roles and their cumulative weights."""
    triples = [q.triple for q in ox.parse(path=str(ROLES_PATH), format=ox.RdfFormat.TURTLE)]
    lines = sorted(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    roles = sorted(str(t.subject) for t in triples if str(t.object) == T["org:Role"])
    total, cumulative = 0, []
    for role in roles:
        total += ROLE_WEIGHTS.get(role.rstrip(">").rsplit("/", 1)[-1], 1)
        cumulative.append(total)
    return tuple(lines), tuple(roles), tuple(cumulative)


def _header(seed: int) -> Block:
    """The source, the countries and regions the grid hangs from, and the roles."""
    block = Block()
    block.add(SOURCE, A, T["schema:Dataset"])
    block.add(SOURCE, A, T["prov:Entity"])
    block.add(SOURCE, T["dcterms:title"], en(f"Passerelles synthetic benchmark data (seed {seed})"))
    for code, label, area, area_fr, area_en in (
        ("france", "France", "nouvelle-aquitaine", "Nouvelle-Aquitaine", "Nouvelle-Aquitaine"),
        ("canada", "Canada", "province-de-quebec", "Québec", "Quebec"),
    ):
        country = iri("place", code)
        block.resource(
            country,
            (A, T["schema:Place"]),
            (A, T["schema:Country"]),
            (LABEL, fr(label)),
            (LABEL, en(label)),
        )
        block.resource(
            iri("place", area),
            (A, T["schema:Place"]),
            (A, T["schema:AdministrativeArea"]),
            (LABEL, fr(area_fr)),
            (LABEL, en(area_en)),
            (T["schema:containedInPlace"], country),
        )
    block.lines.extend(_roles()[0])
    return block


def _region(state: State, block: Block, side: Side, row: int, col: int) -> str:
    """A cell of the side's grid, written the first time an organisation is there."""
    slug = f"region-{side.code}-{row}{col}"
    node = iri("place", slug)
    if slug not in state.regions:
        state.regions.add(slug)
        name = side.regions[row * GRID + col]
        block.resource(
            node,
            (A, T["schema:Place"]),
            (A, T["schema:AdministrativeArea"]),
            (LABEL, fr(side.region_label[0].format(name))),
            (LABEL, en(side.region_label[1].format(name))),
            (T["schema:containedInPlace"], iri("place", side.area)),
        )
    return node


def _city(rng: random.Random, state: State, block: Block, side: Side) -> City:
    """A new city in a random region: (IRI, name, region IRI)."""
    row, col = rng.randrange(GRID), rng.randrange(GRID)
    region = _region(state, block, side, row, col)
    south, north, west, east = side.box
    lat = south + (row + rng.random()) * (north - south) / GRID
    long = west + (col + rng.random()) * (east - west) / GRID
    name = join(rng.choice(side.town_prefixes), rng.choice(side.towns))
    node = iri("place", f"city-{state.next('place'):06d}")
    block.resource(
        node,
        (A, T["schema:Place"]),
        (A, T["schema:City"]),
        (LABEL, fr(name)),
        (LABEL, en(name)),
        (T["schema:containedInPlace"], region),
        (T["geo:lat"], typed(f"{lat:.5f}", "decimal")),
        (T["geo:long"], typed(f"{long:.5f}", "decimal")),
    )
    return node, name, region


def _org(rng: random.Random, state: State, block: Block, side: Side, cities: list[City]) -> Org:
    """An organisation of one side, in a city of this block (new two times out of five)."""
    if not cities or rng.random() < 0.4:
        cities.append(_city(rng, state, block, side))
    city, town, region = rng.choice(cities)
    form, prefix, _ = rng.choices(side.forms, weights=[f[2] for f in side.forms])[0]
    label = f"{prefix} {rng.choice(NOUNS)}" + (f" {of_(town)}" if rng.random() < 0.5 else "")
    org = Org(f"org-{state.next('org'):06d}", label, side, city, region)
    node = org.iri
    kinds = [T["org:Organization"]] + [T["org:FormalOrganization"]] * (rng.random() < 0.35)
    same_side = [o for o in block.orgs if o.side is side]
    if same_side and rng.random() < 0.05:
        kinds.append(T["org:OrganizationalUnit"])
        block.add(node, T["org:subOrganizationOf"], rng.choice(same_side).iri)
    for kind in kinds:
        block.add(node, A, kind)
    block.add(node, T["org:classification"], T[f"cpt:{form}"])
    if form == "cae":
        block.add(node, T["ess:legalForm"], T[f"cpt:{rng.choice(('scop', 'scic'))}"])
    if rng.random() < 0.15:
        block.add(node, T["skos:hiddenLabel"], fr(label.upper()))
    if rng.random() < 0.3:
        text = f"Organisation de l'économie sociale et solidaire établie à {town}."
        block.add(node, T["dcterms:description"], fr(text))
    if rng.random() < 0.4:
        block.add(node, T["foaf:homepage"], f"<https://{org.slug}.example.org/>")
    block.resource(
        node,
        (LABEL, fr(label)),
        (T["schema:location"], city),
        (T["ess:region"], region),
        (T["ess:country"], iri("place", side.country)),
    )
    return org


def _membership(rng: random.Random, block: Block, person: str, org: Org) -> None:
    """org:memberOf and the org:Membership that gives the role."""
    _, roles, cumulative = _roles()
    node = iri("person", person)
    block.derive(node, T["org:memberOf"], org.iri)
    block.resource(
        f"<{ID}person/{person}#membership-{org.slug}>",
        (A, T["org:Membership"]),
        (T["org:member"], node),
        (T["org:organization"], org.iri),
        (T["org:role"], rng.choices(roles, cum_weights=cumulative)[0]),
    )
    org.members.append(person)


def _people(rng: random.Random, state: State, block: Block) -> None:
    """0–5 people per organisation; one in ten also belongs to another one of its side."""
    for org in block.orgs:
        others = [o for o in block.orgs if o.side is org.side and o is not org]
        for _ in range(rng.choices(range(6), weights=(10, 15, 22, 25, 18, 10))[0]):
            number = state.next("person")
            slug = f"person-{number:06d}"
            given, family = rng.choice(org.side.given), rng.choice(org.side.family)
            node = iri("person", slug)
            block.add(node, A, T["foaf:Person"])
            block.add(node, T["foaf:givenName"], f'"{given}"')
            block.add(node, T["foaf:familyName"], f'"{family}"')
            if rng.random() < 0.7:
                digest = hashlib.sha1(f"mailto:{slug}@example.org".encode()).hexdigest()
                block.add(node, T["foaf:mbox_sha1sum"], f'"{digest}"')
            block.resource(node, (T["foaf:name"], f'"{given} {family}"'))
            _membership(rng, block, slug, org)
            if others and rng.random() < 0.1:
                _membership(rng, block, slug, rng.choice(others))


def _block(rng: random.Random, state: State, size: int, missions: int, people: bool) -> Block:
    """``size`` organisations (their people if ``people``) and a project of ``missions``."""
    block = Block()
    sides = [SIDES[i % 2] for i in range(size)] if size > 1 else [rng.choice(SIDES)]
    cities: dict[Side, list[City]] = {side: [] for side in SIDES}
    for side in sides:
        block.orgs.append(_org(rng, state, block, side, cities[side]))
    if people:
        _people(rng, state, block)
    if missions:
        project(rng, state, block, missions)
    for side in SIDES:
        hubs = state.hubs[side]
        hubs += [o for o in block.orgs if o.side is side and o.members][: HUBS - len(hubs)]
    return block


def _blocks(triples: int, seed: int) -> Iterator[Block]:
    """The header, then blocks, each the largest scale that still fits in ``triples``."""
    header = _header(seed)
    if triples < len(header):
        raise ValueError(f"at least {len(header)} triples are needed")
    yield header
    rng, state, remaining = random.Random(seed), State(), triples - len(header)
    while True:
        for size, missions, people in SCALES:
            attempt = state.copy()
            block = _block(rng, attempt, size, missions, people)
            if len(block) <= remaining:
                break
        else:
            return
        state, remaining = attempt, remaining - len(block)
        yield block


def generate(
    triples: int,
    seed: int,
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
    derived: bool = True,
) -> int:
    """Write the data of a graph of about ``triples`` triples (never more); return how many.

    With ``derived``, what the rules derive is written too (the graph as built); without,
    only the stated facts, for ``passerelles build`` to derive the rest. ``progress`` gets
    the count of the graph's triples made so far, derived or not.
    """
    written = made = 0
    for block in _blocks(triples, seed):
        lines = block.lines + block.derived if derived else block.lines
        out.write("".join(lines).encode("utf-8"))
        written += len(lines)
        made += len(block)
        if progress is not None:
            progress(made)
    return written


def write_project(
    folder: Path,
    triples: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    root: Path = ROOT,
) -> int:
    """A project folder ``passerelles build --root`` takes: ``data/synthetic.nt`` (stated
    facts only) beside links to ``root``'s ``ontology/`` and ``queries/``; returns the
    triples written."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "queries"):
        link = folder / name
        if link.is_symlink():
            link.unlink()
        if not link.exists():
            link.symlink_to((root / name).resolve(), target_is_directory=True)
    data = folder / "data" / "synthetic.nt"
    partial = data.with_name(".synthetic.nt.partial")
    with partial.open("wb") as out:
        written = generate(triples, seed, out, progress, derived=False)
    partial.replace(data)  # a half-written file is never left where the build reads
    return written


def _spread(items: list[str], size: int) -> list[str]:
    return [items[i * len(items) // size] for i in range(size)] if len(items) > size else items


def sample_iris(triples: int, seed: int, size: int = 100) -> dict[str, list[str]]:
    """Up to ``size`` IRIs each of people, organisations and missions of that output.

    People are delegation members (each met someone), organisations have members;
    all are spread evenly over the output. Nothing is written, but the blocks are
    made again: it takes about half as long as ``generate``.
    """
    found: dict[str, list[str]] = {"person": [], "organisation": [], "mission": []}
    for block in _blocks(triples, seed):
        found["person"] += block.travellers
        found["organisation"] += [o.slug for o in block.orgs if o.members][:2]
        found["mission"] += block.missions
    kinds = {"person": "person", "organisation": "organisation", "mission": "event"}
    return {
        key: [f"{ID}{kinds[key]}/{slug}" for slug in _spread(slugs, size)]
        for key, slugs in found.items()
    }
