"""Synthetic Passerelles data for benchmarks: the real graph's shape, scaled, as N-Triples.

One *block* is the unit of generation: 40 organisations (20 in Nouvelle-Aquitaine,
20 in Québec) classified with real glossary concepts, ~3 people each with their
memberships and roles, the cities they are in (on a grid of regions), and one
cooperation project whose two missions (France → Québec, then back) send a delegation
of 2–8 named people to visit 5–15 organisations of the other country, some of them
"hubs" visited again and again. Every block also carries what the rules of
``queries/rules/`` derive from it (``org:memberOf``, a mission's ``ess:visited``, the
encounters and ``ess:met``), with the rules' own IRIs, so the output is a built graph.

Lines are written as they are made, block by block: memory stays bounded whatever
the size. The same seed and size give the same bytes. Only instance data is written
(with the role vocabulary of ``data/roles.ttl``, which the people's memberships use);
load ``ontology/ess.ttl`` and ``ontology/glossary.ttl`` beside it.
"""

from __future__ import annotations

import functools
import hashlib
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import click
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
ROLES_PATH = ROOT / "data" / "roles.ttl"
ID = "https://w3id.org/passerelles/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SOURCE = "<https://w3id.org/passerelles/source/synthetic-benchmark>"
NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "ess": "https://w3id.org/passerelles/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "cpt": ID + "concept/",
    "plc": ID + "place/",
}


class _Terms(dict[str, str]):
    """``T["skos:prefLabel"]`` is ``<http://www.w3.org/2004/02/skos/core#prefLabel>``."""

    def __missing__(self, curie: str) -> str:
        prefix, local = curie.split(":", 1)
        self[curie] = f"<{NAMESPACES[prefix]}{local}>"
        return self[curie]


T = _Terms()
A = T["rdf:type"]
LABEL = T["skos:prefLabel"]
DERIVED = T["prov:wasDerivedFrom"]

ORGS_PER_BLOCK = 40
# Smaller blocks, then a lone organisation without people, fill the last triples.
SCALES = ((ORGS_PER_BLOCK, 2, True), (20, 1, True), (10, 1, True), (4, 0, True), (1, 0, False))
GRID = 6  # regions per side: GRID x GRID cells of the side's bounding box
HUBS = 10  # organisations per side that missions keep visiting
HUB_SHARE = 0.25  # chance that a visit goes to a hub
MEETING_SHARE = 0.3  # chance that a mission has an exchange evening with presentations


def _w(text: str) -> list[str]:
    return text.split()


def _forms(text: str) -> list[tuple[str, str, int]]:
    """``"cae=CAE:3, …"``: glossary concept slug, label prefix, weight."""
    forms = []
    for item in text.split(", "):
        slug, _, rest = item.partition("=")
        label, _, weight = rest.rpartition(":")
        forms.append((slug, label, int(weight)))
    return forms


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Side:
    """One country of the cooperation and the words its data is made of."""

    code: str
    country: str
    area: str
    box: tuple[float, float, float, float]  # south, north, west, east
    regions: list[str]
    region_label: tuple[str, str]
    given: list[str]
    family: list[str]
    towns: list[str]
    town_prefixes: list[str]
    forms: list[tuple[str, str, int]]  # glossary concept slug, label prefix, weight
    delegation: tuple[str, str]


FR = Side(
    "fr",
    "france",
    "nouvelle-aquitaine",
    (43.0, 46.8, -1.6, 2.4),
    _w(
        "Médoc Libournais Entre-deux-Mers Bazadais Albret Agenais Marmandais Bergeracois "
        "Sarladais Ribéracois Nontronnais Angoumois Cognaçais Confolentais Ruffécois "
        "Saintonge Aunis Royannais Rochefortais Gâtine Mellois Thouarsais Bocage Loudunais "
        "Châtelleraudais Montmorillonnais Limousin Millevaches Combraille Xaintrie Chalosse "
        "Tursan Marsan Béarn Soule Labourd"
    ),
    ("Pays {}", "{} area"),
    _w(
        "Anne Bruno Camille Cécile Claire Damien Delphine Élodie Émilie Fabien Florence Gaëlle "
        "Hélène Hugo Inès Isabelle Jean Julien Juliette Karine Laure Léa Louis Lucie Magali "
        "Marc Marie Mathieu Nadia Nicolas Noémie Olivier Pascal Pauline Pierre Sophie Yann"
    ),
    _w(
        "Martin Bernard Dubois Robert Richard Petit Durand Moreau Laurent Lefebvre Michel "
        "Garcia Bertrand Roux Fournier Lagarde Laborde Dupont Lambert Bonnet Garnier Faure "
        "Rousseau Blanc Guérin Perrin Dupuy Lacoste Labat Duprat Castaing Bordenave Lafargue "
        "Larrieu Etcheverry Darrigrand Daguerre Lassalle Cazenave Sarrazin"
    ),
    _w(
        "Aubin Barthélemy Bazas Cadillac Castillon Créon Eymet Fumel Gujan Lesparre Marcillac "
        "Mussidan Nérac Pauillac Podensac Ribérac Sarlat Sauveterre Soulac Tonneins Uzeste "
        "Villandraut Arzacq Orthez Salies Mugron Tartas Hasparren Cambo Felletin Aubusson "
        "Bellac Confolens Jarnac Ruffec Melle Parthenay Loudun Civray Saujon Marennes"
    ),
    ["", "", "", "Saint-", "La Chapelle-", "Villeneuve-de-"],
    _forms(
        "cae=CAE:3, scop=Scop:3, scic=SCIC:2, cooperative=Coopérative:2, "
        "association=Association:5, tiers-lieu=Tiers-lieu:4, "
        "espace-de-travail-partage=Espace partagé:2, cafe-associatif=Café associatif:1, "
        "fabrique-artistique=Fabrique:1, cigales=Club CIGALES:1, "
        "monnaie-locale-complementaire=Monnaie locale:1, "
        "entreprise-d-insertion=Entreprise d'insertion:2, collectif-d-artisans=Collectif:1, "
        "reseau=Réseau:1, agence-de-developpement-economique=Agence de développement:1"
    ),
    ("Délégation française de la mission {}", "French delegation of mission {}"),
)
QC = Side(
    "qc",
    "canada",
    "province-de-quebec",
    (46.4, 48.4, -73.6, -69.6),
    _w(
        "Portneuf Jacques-Cartier Côte-de-Beaupré Île-d'Orléans Charlevoix-Est Bellechasse "
        "Lotbinière Etchemins Beauce-Sartigan Robert-Cliche Nouvelle-Beauce Montmagny L'Islet "
        "Kamouraska Témiscouata Rivière-du-Loup Basques Mékinac Maskinongé Chenaux "
        "Domaine-du-Roy Maria-Chapdelaine Lac-Saint-Jean-Est Fjord-du-Saguenay "
        "Haute-Côte-Nord Manicouagan Appalaches L'Érable Arthabaska Drummond Nicolet-Yamaska "
        "Bécancour Sources Granit Haut-Saint-François Matawinie"
    ),
    ("MRC {}", "{} regional county municipality"),
    _w(
        "Alexandre Amélie Andrée Benoît Catherine Chantal Denis Dominique Émile Étienne Félix "
        "Francis Gabrielle Geneviève Guylaine Jacques Josée Julie Lysiane Marc-André "
        "Marie-Ève Martin Maxime Mélanie Nathalie Patrice Philippe Réjean Simon Sylvain Sylvie"
    ),
    _w(
        "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Vachon Gagné Ouellet "
        "Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Simard Boucher Caron Beaulieu "
        "Cloutier Dubé Poirier Lapointe Leclerc Poulin Thibault Nadeau Landry Martel Boivin "
        "Grenier Lessard Bernier Michaud Hébert Desjardins Couture Turcotte Gingras"
    ),
    _w(
        "Agapit Alban Ambroise Anselme Basile Casimir Côme Damase Donat Élie Éloi Ferréol "
        "Fulgence Gédéon Hilarion Irénée Joachim Lambert Léon Malachie Narcisse Odilon Pacôme "
        "Placide Raymond Siméon Tite Ubald Urbain Zacharie Isidore Hubert Jude Prime Rosaire"
    ),
    ["Saint-", "Saint-", "Lac-", "Rivière-", "Notre-Dame-de-"],
    _forms(
        "cooperative-de-travail=Coopérative de travail:4, "
        "cooperative-de-solidarite=Coopérative de solidarité:3, obnl=OBNL:4, "
        "entreprise-d-economie-sociale=Entreprise d'économie sociale:2, cdec=CDEC:1, "
        "fonds-d-emprunt-communautaire=Fonds d'emprunt:1, "
        "espace-de-cotravail=Espace de cotravail:2, tiers-lieu=Tiers-lieu:2, "
        "cooperative-de-developpement-regional=Coopérative de développement:1, "
        "pole-regional-d-economie-sociale=Pôle d'économie sociale:1, "
        "collectif-d-artisans=Collectif:1, entreprise-d-insertion=Entreprise d'insertion:1, "
        "reseau=Réseau:1"
    ),
    ("Délégation québécoise de la mission {}", "Québec delegation of mission {}"),
)
SIDES = (FR, QC)
NOUNS = [
    *("La Ruche", "Le Chantier", "La Fabrique", "L'Établi", "Le Relais", "La Passerelle"),
    *("Les Jardins", "La Forge", "Le Comptoir", "L'Atelier", "Le Grenier", "La Source"),
    *("Le Fil", "La Boussole", "Les Communs", "Le Moulin", "La Marmite", "L'Escale"),
    *("La Canopée", "Le Phare", "La Grange", "Les Tisserands", "La Manufacture", "Le Sillon"),
    *("La Traverse", "La Halle", "L'Abri", "Le Carrefour", "La Main verte", "Le Vivier"),
]
VOWELS = "AEIOUYÉÈÊÎÔaeiouy"
ROLE_WEIGHTS = {"role-directeur-general": 4, "role-entrepreneur": 4, "role-directeur": 3}


def iri(kind: str, slug: str) -> str:
    """The N-Triples form of an instance IRI."""
    return f"<{ID}{kind}/{slug}>"


def _fr(text: str) -> str:
    return f'"{text}"@fr'


def _en(text: str) -> str:
    return f'"{text}"@en'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def _of(name: str) -> str:
    return f"d'{name}" if name[0] in VOWELS else f"de {name}"


def _join(prefix: str, name: str) -> str:
    """A town name: "Villeneuve-de-" and "Eymet" make "Villeneuve-d'Eymet"."""
    return (
        prefix[:-3] + "d'" + name if prefix.endswith("de-") and name[0] in VOWELS else prefix + name
    )


City = tuple[str, str, str]  # IRI, name, region IRI


@dataclass
class Org:
    slug: str
    label: str
    side: Side
    city: str
    region: str
    members: list[str] = field(default_factory=list)  # person slugs, one membership each

    @property
    def iri(self) -> str:
        return iri("organisation", self.slug)


@dataclass
class State:
    """What carries over from one block to the next (a copy is taken before each try)."""

    counts: dict[str, int] = field(default_factory=dict)
    regions: set[str] = field(default_factory=set)
    hubs: dict[Side, list[Org]] = field(default_factory=lambda: {side: [] for side in SIDES})

    def copy(self) -> State:
        hubs = {side: list(orgs) for side, orgs in self.hubs.items()}
        return State(dict(self.counts), set(self.regions), hubs)

    def next(self, kind: str) -> int:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]


class Block:
    """The triples of one unit of generation, and the IRIs sample_iris may pick."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        # Each pair that meets has a traveller of this block: no other block makes it.
        self.met: set[tuple[str, str]] = set()
        self.orgs: list[Org] = []
        self.missions: list[str] = []
        self.travellers: list[str] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} {predicate} {obj} .\n")

    def resource(self, subject: str, *pairs: tuple[str, str]) -> None:
        """Several triples of one subject, with the synthetic source as provenance."""
        for predicate, obj in pairs:
            self.lines.append(f"{subject} {predicate} {obj} .\n")
        self.lines.append(f"{subject} {DERIVED} {SOURCE} .\n")

    def encounter(self, node: str, a: str, b: str, event: str, evidence: str) -> None:
        """An ess:Encounter and its ess:met, as the rules of queries/rules/ mint them."""
        self.resource(
            node,
            (A, T["ess:Encounter"]),
            (T["ess:participant"], a),
            (T["ess:participant"], b),
            (T["ess:during"], event),
            (T["ess:evidence"], T[f"ess:{evidence}"]),
        )
        pair = (a, b) if a < b else (b, a)
        if pair not in self.met:
            self.met.add(pair)
            self.add(a, T["ess:met"], b)
            self.add(b, T["ess:met"], a)

    def people_met(self, event: str, a: str, b: str, evidence: str) -> None:
        """Two people (slugs) met during an event (slug): ``{event}#encounter-{a}-and-{b}``."""
        node = f"<{ID}event/{event}#encounter-{a}-and-{b}>"
        self.encounter(node, iri("person", a), iri("person", b), iri("event", event), evidence)


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
    block.add(
        SOURCE, T["dcterms:title"], _en(f"Passerelles synthetic benchmark data (seed {seed})")
    )
    for code, label, area, area_fr, area_en in (
        ("france", "France", "nouvelle-aquitaine", "Nouvelle-Aquitaine", "Nouvelle-Aquitaine"),
        ("canada", "Canada", "province-de-quebec", "Québec", "Quebec"),
    ):
        country = iri("place", code)
        block.resource(
            country,
            (A, T["schema:Place"]),
            (A, T["schema:Country"]),
            (LABEL, _fr(label)),
            (LABEL, _en(label)),
        )
        block.resource(
            iri("place", area),
            (A, T["schema:Place"]),
            (A, T["schema:AdministrativeArea"]),
            (LABEL, _fr(area_fr)),
            (LABEL, _en(area_en)),
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
            (LABEL, _fr(side.region_label[0].format(name))),
            (LABEL, _en(side.region_label[1].format(name))),
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
    name = _join(rng.choice(side.town_prefixes), rng.choice(side.towns))
    node = iri("place", f"city-{state.next('place'):06d}")
    block.resource(
        node,
        (A, T["schema:Place"]),
        (A, T["schema:City"]),
        (LABEL, _fr(name)),
        (LABEL, _en(name)),
        (T["schema:containedInPlace"], region),
        (T["geo:lat"], _typed(f"{lat:.5f}", "decimal")),
        (T["geo:long"], _typed(f"{long:.5f}", "decimal")),
    )
    return node, name, region


def _org(rng: random.Random, state: State, block: Block, side: Side, cities: list[City]) -> Org:
    """An organisation of one side, in a city of this block (new two times out of five)."""
    if not cities or rng.random() < 0.4:
        cities.append(_city(rng, state, block, side))
    city, town, region = rng.choice(cities)
    form, prefix, _ = rng.choices(side.forms, weights=[f[2] for f in side.forms])[0]
    label = f"{prefix} {rng.choice(NOUNS)}" + (f" {_of(town)}" if rng.random() < 0.5 else "")
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
        block.add(node, T["skos:hiddenLabel"], _fr(label.upper()))
    if rng.random() < 0.3:
        text = f"Organisation de l'économie sociale et solidaire établie à {town}."
        block.add(node, T["dcterms:description"], _fr(text))
    if rng.random() < 0.4:
        block.add(node, T["foaf:homepage"], f"<https://{org.slug}.example.org/>")
    block.resource(
        node,
        (LABEL, _fr(label)),
        (T["schema:location"], city),
        (T["ess:region"], region),
        (T["ess:country"], iri("place", side.country)),
    )
    return org


def _membership(rng: random.Random, block: Block, person: str, org: Org) -> None:
    """org:memberOf and the org:Membership that gives the role."""
    _, roles, cumulative = _roles()
    node = iri("person", person)
    block.add(node, T["org:memberOf"], org.iri)
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
        _project(rng, state, block, missions)
    for side in SIDES:
        hubs = state.hubs[side]
        hubs += [o for o in block.orgs if o.side is side and o.members][: HUBS - len(hubs)]
    return block


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
        return _typed(day.isoformat(), "date")


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


def _project(rng: random.Random, state: State, block: Block, missions: int) -> None:
    """A cooperation between a French and a Québec partner, and its missions."""
    partners = {}
    for side in SIDES:
        orgs = [o for o in block.orgs if o.side is side]
        partners[side] = next((o for o in orgs if o.members), orgs[0])
    node = iri("project", f"project-{state.next('project'):05d}")
    fr, qc = partners[FR].label, partners[QC].label
    trips = _trips(rng, state, missions)
    block.resource(
        node,
        (A, T["ess:CooperationProject"]),
        (LABEL, _fr(f"Coopération {fr} – {qc}")),
        (LABEL, _en(f"Cooperation {fr} – {qc}")),
        (T["ess:mainPartner"], partners[FR].iri),
        (T["ess:mainPartner"], partners[QC].iri),
        (T["schema:startDate"], _typed(trips[0].start.strftime("%Y-%m"), "gYearMonth")),
        (T["schema:endDate"], _typed(trips[-1].end.strftime("%Y-%m"), "gYearMonth")),
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
        (LABEL, _fr(f"Mission de coopération n° {trip.serial}")),
        (LABEL, _en(f"Cooperation mission no. {trip.serial}")),
        (T["ess:missionNumber"], _typed(trip.number, "positiveInteger")),
        (T["ess:missionOf"], project),
        (T["schema:startDate"], _typed(trip.start.isoformat(), "date")),
        (T["schema:endDate"], _typed(trip.end.isoformat(), "date")),
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
        (LABEL, _fr(sender.side.delegation[0].format(trip.serial))),
        (LABEL, _en(sender.side.delegation[1].format(trip.serial))),
        (T["ess:delegationSize"], _typed(size or rng.randint(2, 8), "nonNegativeInteger")),
    )
    block.travellers += trip.members[:1]


def _visit(rng: random.Random, block: Block, trip: Trip, org: Org) -> None:
    """A site visit of the delegation to one organisation (dated and placed half the time)."""
    slug = f"visit-{trip.serial:05d}-{org.slug}"
    node = iri("event", slug)
    block.add(trip.iri, T["ess:visited"], org.iri)
    if rng.random() < 0.5:
        day = trip.day(rng)
        block.add(node, T["schema:startDate"], day)
        block.add(node, T["schema:endDate"], day)
        block.add(node, T["schema:location"], org.city)
    block.resource(
        node,
        (A, T["ess:SiteVisit"]),
        (LABEL, _fr(f"Visite : {org.label} (mission {trip.serial})")),
        (LABEL, _en(f"Visit: {org.label} (mission {trip.serial})")),
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
        (LABEL, _fr(f"Soirée d'échanges de la mission {trip.serial}")),
        (LABEL, _en(f"Exchange evening of mission {trip.serial}")),
        (T["schema:superEvent"], trip.iri),
        (T["schema:startDate"], day),
        (T["schema:endDate"], day),
        (T["schema:location"], targets[0].city),
    )
    for presenter in presenters:
        for listener in listeners:
            block.people_met(slug, presenter, listener, "AttendedPresentation")


def _blocks(triples: int, seed: int) -> Iterator[Block]:
    """The header, then blocks, each the largest scale that still fits in ``triples``."""
    header = _header(seed)
    if triples < len(header.lines):
        raise ValueError(f"at least {len(header.lines)} triples are needed")
    yield header
    rng, state, remaining = random.Random(seed), State(), triples - len(header.lines)
    while True:
        for size, missions, people in SCALES:
            attempt = state.copy()
            block = _block(rng, attempt, size, missions, people)
            if len(block.lines) <= remaining:
                break
        else:
            return
        state, remaining = attempt, remaining - len(block.lines)
        yield block


def generate(
    triples: int, seed: int, out: BinaryIO, progress: Callable[[int], None] | None = None
) -> int:
    """Write about ``triples`` N-Triples (never more) to ``out``; return how many."""
    written = 0
    for block in _blocks(triples, seed):
        out.write("".join(block.lines).encode("utf-8"))
        written += len(block.lines)
        if progress is not None:
            progress(written)
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


def _reporter(total: int, started: float) -> Callable[[int], None]:
    """Print a line to stderr each time another tenth of ``total`` is written."""
    shown = [0]

    def report(written: int) -> None:
        tenth = min(10, written * 10 // total)
        if tenth > shown[0]:
            shown[0] = tenth
            elapsed = time.perf_counter() - started
            click.echo(f"{tenth * 10:4d}%  {written:>12,} triples  {elapsed:6.1f} s", err=True)

    return report


@click.command()
@click.option(
    "--triples",
    type=click.IntRange(min=1000),
    default=1_000_000,
    show_default=True,
    help="How many triples to write (the output has at most this many, within a few).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the generator.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="N-Triples file to write ('-' for standard output).",
)
def main(triples: int, seed: int, output: Path) -> None:
    """Write synthetic Passerelles data of the real graph's shape as N-Triples."""
    started = time.perf_counter()
    report = _reporter(triples, started)
    if str(output) == "-":
        written = generate(triples, seed, sys.stdout.buffer, report)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("wb") as out:
            written = generate(triples, seed, out, report)
    elapsed = time.perf_counter() - started
    click.echo(f"Wrote {written:,} triples to {output} in {elapsed:.1f} s.", err=True)


if __name__ == "__main__":
    main()
