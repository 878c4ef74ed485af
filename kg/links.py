"""The link sets' syntax check: every identifier valid for its scheme.

``data/links/`` links our resources to other open data: ``owl:sameAs`` to
Wikidata items and GeoNames records, and official codes as ``adms:Identifier``
(``skos:notation`` the code, ``dcterms:type`` its scheme, a concept of
``data/links/schemes.ttl``). This module checks the syntax only (check digits
included); whether an identifier names the right thing is the curator's job,
with the source cited in the link set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg.terms import ID

ADMS = Namespace("http://www.w3.org/ns/adms#")
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
# Hosts whose IRIs in owl:sameAs must be an entity IRI of the right shape.
WIKIDATA_HOSTS = ("://www.wikidata.org/", "://wikidata.org/")
GEONAMES_HOSTS = ("://sws.geonames.org/", "://www.geonames.org/", "://geonames.org/")

# SIREN 356000000 is La Poste's. Its SIRETs (one per post office) do not follow the
# Luhn rule: their digits sum to a multiple of 5 instead (INSEE's rule, as described in
# French Wikipedia, "Système d'identification du répertoire des établissements", section
# "Calcul et validité d'un numéro SIRET"). The SIREN itself happens to pass Luhn; it is
# accepted by name too so that the special case is explicit.
LA_POSTE_SIREN = "356000000"

Result = str | None  # None when valid, else the reason


def luhn_ok(digits: str) -> bool:
    """The Luhn check: doubling every second digit from the right, the sum ends in 0."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def wikidata_id(value: str) -> Result:
    """A Wikidata item: ``Q`` then a number without leading zero, or its entity IRI."""
    local = value.removeprefix(WIKIDATA_ENTITY)
    if re.fullmatch(r"Q[1-9][0-9]*", local):
        return None
    return f"not a Wikidata item id (Q then digits) nor {WIKIDATA_ENTITY}Q…"


def geonames_id(value: str) -> Result:
    """A GeoNames record: a positive integer, or its IRI ``https://sws.geonames.org/N/``."""
    if value.startswith(GEONAMES):
        found = re.fullmatch(re.escape(GEONAMES) + r"([0-9]+)/", value)
        if not found:
            return f"not a GeoNames record IRI {GEONAMES}N/"
        value = found.group(1)
    if not re.fullmatch(r"[0-9]+", value) or int(value) == 0:
        return "not a GeoNames id (a positive integer)"
    return None


def siren(value: str) -> Result:
    """SIREN: 9 digits, the last a Luhn check digit (La Poste's 356000000 by name)."""
    if not re.fullmatch(r"[0-9]{9}", value):
        return "not a SIREN (9 digits)"
    if value == LA_POSTE_SIREN or luhn_ok(value):
        return None
    return "wrong SIREN check digit (Luhn)"


def siret(value: str) -> Result:
    """SIRET: 14 digits with a Luhn check, or for La Poste the sum of digits (see above)."""
    if not re.fullmatch(r"[0-9]{14}", value):
        return "not a SIRET (14 digits)"
    if siren(value[:9]) is not None:
        return "the SIRET's first 9 digits are not a valid SIREN"
    if luhn_ok(value):  # La Poste's head office (35600000000048) passes Luhn too
        return None
    if value.startswith(LA_POSTE_SIREN):
        ok = sum(int(c) for c in value) % 5 == 0
        return None if ok else "wrong La Poste SIRET (neither Luhn nor a digit sum multiple of 5)"
    return "wrong SIRET check digit (Luhn)"


def neq(value: str) -> Result:
    """Québec enterprise number (NEQ): 10 digits.

    The Registraire des entreprises gives the NEQ as ten digits (quebec.ca and the
    Registre des entreprises autorisées, "Québec enterprise number (NEQ) (10
    characters)"). A rule on its first digits, or a check digit, could not be confirmed
    in a published source, so only the length and the digits are checked.
    """
    return None if re.fullmatch(r"[0-9]{10}", value) else "not a NEQ (10 digits)"


def insee_commune(value: str) -> Result:
    """INSEE municipality code: the département (2 digits, 2A or 2B), then 3 digits."""
    ok = re.fullmatch(r"(?:[0-9]{2}|2[AB])[0-9]{3}", value)
    return None if ok else "not an INSEE commune code (2 digits or 2A/2B, then 3 digits)"


def insee_departement(value: str) -> Result:
    """INSEE département code: 2 digits, 2A or 2B, or 97 and one digit overseas."""
    ok = re.fullmatch(r"[0-9]{2}|2[AB]|97[0-9]", value) and value not in ("00", "20")
    return None if ok else "not an INSEE département code"


def insee_region(value: str) -> Result:
    """INSEE region code: 2 digits."""
    return None if re.fullmatch(r"[0-9]{2}", value) else "not an INSEE region code (2 digits)"


def positive_integer(value: str) -> Result:
    """A row id: a positive integer without leading zero."""
    return None if re.fullmatch(r"[1-9][0-9]*", value) else "not a row id (a positive integer)"


CONCEPT = Namespace(str(ID) + "concept/")


@dataclass(frozen=True)
class Scheme:
    name: str
    check: Callable[[str], Result]
    url: str | None = None  # where a code is looked up ({code}), for the resource pages


# The public directory of French companies (DINUM, annuaire-entreprises.data.gouv.fr)
# has one page per SIREN and per SIRET.
DIRECTORY = "https://annuaire-entreprises.data.gouv.fr/"

# Identifier schemes by their concept IRI (the dcterms:type of an adms:Identifier).
SCHEMES: dict[URIRef, Scheme] = {
    CONCEPT[f"scheme-{name}"]: Scheme(name, check, url)
    for name, check, url in (
        ("siren", siren, DIRECTORY + "entreprise/{code}"),
        ("siret", siret, DIRECTORY + "etablissement/{code}"),
        ("neq", neq, None),
        ("insee-commune", insee_commune, None),
        ("insee-departement", insee_departement, None),
        ("insee-region", insee_region, None),
        ("cget-tiers-lieux-2019", positive_integer, None),
    )
}


def lookup_url(scheme: str, code: str) -> str | None:
    """The page of a valid code in its scheme's public directory, when the scheme has one."""
    known = SCHEMES.get(URIRef(scheme))
    if known is None or known.url is None or known.check(code) is not None:
        return None
    return known.url.format(code=code)


@dataclass(frozen=True)
class LinkProblem:
    """A link that fails its scheme's syntax: which resource, which link, why."""

    resource: str
    link: str
    scheme: str
    reason: str


def check_links(graph: Graph) -> list[LinkProblem]:
    """Every owl:sameAs to Wikidata or GeoNames and every adms:Identifier, checked."""
    problems = [*_same_as_problems(graph), *_identifier_problems(graph)]
    return sorted(problems, key=lambda p: (p.resource, p.link, p.scheme))


def _same_as_problems(graph: Graph) -> list[LinkProblem]:
    problems = []
    for subject, target in graph.subject_objects(OWL.sameAs):
        link = str(target)
        if any(host in link for host in WIKIDATA_HOSTS):
            scheme, reason = "wikidata", wikidata_id(link)
        elif any(host in link for host in GEONAMES_HOSTS):
            scheme, reason = "geonames", geonames_id(link)
        else:
            continue
        if not isinstance(target, URIRef):
            reason = "owl:sameAs to a literal, not an IRI"
        if reason:
            problems.append(LinkProblem(str(subject), link, scheme, reason))
    return problems


def _identifier_problems(graph: Graph) -> list[LinkProblem]:
    problems = []
    identifiers = set(graph.subjects(RDF.type, ADMS.Identifier))
    identifiers |= {o for o in graph.objects(None, ADMS.identifier)}
    for identifier in identifiers:
        owner = graph.value(predicate=ADMS.identifier, object=identifier)
        resource = str(owner if owner is not None else identifier)
        scheme_iri = graph.value(identifier, DCTERMS.type)
        notation = graph.value(identifier, SKOS.notation)
        scheme = SCHEMES.get(scheme_iri) if isinstance(scheme_iri, URIRef) else None
        name = scheme.name if scheme else str(scheme_iri or "")
        if not isinstance(notation, Literal):
            reason: Result = "no skos:notation (the code)"
        elif scheme is None:
            reason = "no known scheme (dcterms:type)"
        else:
            reason = scheme.check(str(notation))
        if reason:
            problems.append(LinkProblem(resource, str(notation or identifier), name, reason))
    return problems
