"""The SHACL gate: a valid fixture passes; each rule, broken alone, is reported as it should."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import NamedTuple

import pyshacl
import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef

from kg import shacl

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shacl"
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES = {
    "ess": "https://w3id.org/passerelles/ontology#",
    "shp": "https://w3id.org/passerelles/ontology/shapes#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "ont": "https://w3id.org/passerelles/id/organisation/",
    "per": "https://w3id.org/passerelles/id/person/",
    "evt": "https://w3id.org/passerelles/id/event/",
    "plc": "https://w3id.org/passerelles/id/place/",
    "prj": "https://w3id.org/passerelles/id/project/",
    "cpt": "https://w3id.org/passerelles/id/concept/",
    "src": "https://w3id.org/passerelles/source/",
    "adms": "http://www.w3.org/ns/adms#",
    "dcterms": "http://purl.org/dc/terms/",
}
TURTLE_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
ID = "https://w3id.org/passerelles/id/"


def iri(curie: str) -> str:
    """Expand ``per:noemie-escortell`` (``\\#`` allowed, as in Turtle); full IRIs pass through."""
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES:
        return curie
    return PREFIXES[prefix] + local.replace("\\#", "#")


def path_of(text: str | None) -> str | None:
    """Expand an expected path: ``foaf:name``, ``^org:member``, ``skos:prefLabel|rdfs:label``."""
    if text is None:
        return None
    if "|" not in text and not text.startswith("^"):
        return iri(text)
    steps = [
        ("^" if s.startswith("^") else "") + f"<{iri(s.lstrip('^'))}>" for s in text.split("|")
    ]
    return "|".join(steps)


def turtle(snippet: str) -> Graph:
    return Graph().parse(data=TURTLE_PREFIXES + snippet, format="turtle")


def edited(base: Graph, remove: str = "", add: str = "") -> Graph:
    """The valid base minus ``remove`` plus ``add`` (Turtle; every removed triple must exist)."""
    graph = Graph()
    graph += base
    for triple in turtle(remove):
        assert triple in graph, f"not in the valid fixture: {triple}"
        graph.remove(triple)
    graph += turtle(add)
    return graph


class Case(NamedTuple):
    name: str
    remove: str
    add: str
    focus: str
    path: str | None
    constraint: str  # without the "ConstraintComponent" suffix
    phrase: str  # in the English message
    shape: str
    severity: str = "Violation"


NOEMIE_NAME = 'per:noemie-escortell foaf:name "Noémie Escortell" .'
MISSION_END = 'evt:mission-1 schema:endDate "2016-09-10"^^xsd:date .'
GSEF_START = 'evt:gsef-2016 schema:startDate "2016-09-07"^^xsd:date .'
GSEF_END = 'evt:gsef-2016 schema:endDate "2016-09-09"^^xsd:date .'
MEMBERSHIP = "per:noemie-escortell\\#membership-co-actions"
ROLE = "per:noemie-escortell\\#role-co-actions"
DELEGATION = "evt:mission-1\\#delegation"
ENCOUNTER = "evt:mission-1\\#encounter-cecile-marsan-noemie-escortell"
INDICATOR = "ont:co-actions\\#entrepreneurs-2017"
PROJECT = "prj:cooperation-aquitaine-quebec"
CODE = "ont:polecn\\#neq"
MATCH = "ont:polecn\\#reconciliation-polecn"
RECONCILIATION = f"{MATCH} a ess:Reconciliation ; ess:reconciledResource ont:polecn ; "
LABELS = "skos:prefLabel|rdfs:label|schema:name"
NEW_PERSON = (
    'per:jean-fortin a foaf:Person ; foaf:name "Jean Fortin" ; '
    "prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 ."
)

# A data table: one broken rule per row, laid out by hand.
# fmt: off
CASES = [
    # --- instance IRIs -----------------------------------------------------------
    Case("slug with uppercase", "", f'<{ID}person/Noemie-Escortell> foaf:name "N" .',
         f"{ID}person/Noemie-Escortell", None, "Pattern", "lowercase ASCII",
         "shp:InstanceIRIShape"),
    Case("slug with an accent", "", f"evt:mission-1 ess:visited <{ID}organisation/maison-mère> .",
         f"{ID}organisation/maison-mère", None, "Pattern", "lowercase ASCII",
         "shp:InstanceIRIShape"),
    Case("slug with underscores", "",
         f"plc:quebec schema:containedInPlace <{ID}place/baie_st_paul> .",
         f"{ID}place/baie_st_paul", None, "Pattern", "lowercase ASCII", "shp:InstanceIRIShape"),
    Case("unknown kind", "", f'<{ID}people/jean-fortin> foaf:name "Jean Fortin" .',
         f"{ID}people/jean-fortin", None, "Pattern", "kind one of", "shp:InstanceIRIShape"),
    Case("fragment with uppercase", "", f'<{ID}person/noemie-escortell#Role> rdfs:label "x" .',
         f"{ID}person/noemie-escortell#Role", None, "Pattern", "#fragment",
         "shp:InstanceIRIShape"),
    Case("double hyphen", "", f'<{ID}event/mission--1> rdfs:label "x" .',
         f"{ID}event/mission--1", None, "Pattern", "single hyphens", "shp:InstanceIRIShape"),
    # --- people ------------------------------------------------------------------
    Case("person outside id/person/", "",
         'ont:jean-fortin a foaf:Person ; foaf:name "Jean Fortin" ; '
         "prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 .",
         "ont:jean-fortin", None, "Pattern", "person's IRI", "shp:PersonShape"),
    Case("person without a name", NOEMIE_NAME, "", "per:noemie-escortell", "foaf:name",
         "MinCount", "exactly one foaf:name", "shp:Person-name"),
    Case("person with two names", "", 'per:noemie-escortell foaf:name "Noemie Escortel" .',
         "per:noemie-escortell", "foaf:name", "MaxCount", "spelling variants",
         "shp:Person-name"),
    Case("name with a language tag", NOEMIE_NAME, 'per:noemie-escortell foaf:name "Noémie"@fr .',
         "per:noemie-escortell", "foaf:name", "Datatype", "a plain string", "shp:Person-name"),
    Case("person with an e-mail", "",
         "per:noemie-escortell foaf:mbox <mailto:nescortell@co-actions.coop> .",
         "per:noemie-escortell", "foaf:mbox", "MaxCount", "never published", "shp:Person-mbox"),
    Case("person with schema:email", "",
         'per:noemie-escortell schema:email "nescortell@co-actions.coop" .',
         "per:noemie-escortell", "schema:email", "MaxCount", "never published",
         "shp:Person-email"),
    Case("person with foaf:phone", "", "per:noemie-escortell foaf:phone <tel:+33611026149> .",
         "per:noemie-escortell", "foaf:phone", "MaxCount", "phone number is never published",
         "shp:Person-phone"),
    Case("person with schema:telephone", "",
         'per:noemie-escortell schema:telephone "06 11 02 61 49" .',
         "per:noemie-escortell", "schema:telephone", "MaxCount", "phone number",
         "shp:Person-telephone"),
    Case("person with a contact point", "",
         "per:noemie-escortell schema:contactPoint ont:polecn\\#contact-communications .",
         "per:noemie-escortell", "schema:contactPoint", "MaxCount", "role address",
         "shp:Person-contactPoint"),
    Case("contact point of nobody",
         "ont:polecn schema:contactPoint ont:polecn\\#contact-communications .", "",
         "ont:polecn\\#contact-communications", "^schema:contactPoint", "MinCount",
         "schema:contactPoint of an organisation", "shp:ContactPoint-organisation"),
    Case("contact point of a person", "",
         "per:noemie-escortell schema:contactPoint ont:polecn\\#contact-communications .",
         "ont:polecn\\#contact-communications", "^schema:contactPoint", "Node",
         "only of organisations", "shp:ContactPoint-organisation"),
    Case("bad sha1sum", "", 'per:cecile-marsan foaf:mbox_sha1sum "ABC123" .',
         "per:cecile-marsan", "foaf:mbox_sha1sum", "Pattern", "40 lowercase hexadecimal",
         "shp:Person-mboxSha1sum"),
    Case("hidden label not a string", "", "per:cecile-marsan skos:hiddenLabel plc:quebec .",
         "per:cecile-marsan", "skos:hiddenLabel", "Node", "is a string",
         "shp:Person-hiddenLabel"),
    Case("person without membership", "", NEW_PERSON, "per:jean-fortin", "^org:member",
         "MinCount", "no org:Membership", "shp:Person-membership", "Warning"),
    # --- provenance --------------------------------------------------------------
    Case("organisation without source",
         "ont:polecn prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 .", "",
         "ont:polecn", "prov:wasDerivedFrom", "MinCount", "where it comes from",
         "shp:Provenance-source"),
    Case("person without source",
         "per:cecile-marsan prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 .", "",
         "per:cecile-marsan", "prov:wasDerivedFrom", "MinCount", "where it comes from",
         "shp:Provenance-source"),
    # --- organisations -----------------------------------------------------------
    Case("organisation outside id/organisation/", "",
         'per:tactiq a org:Organization ; skos:prefLabel "Tactiq"@fr ; '
         "prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 .",
         "per:tactiq", None, "Pattern", "organisation's IRI", "shp:OrganisationShape"),
    Case("organisation without a name", 'ont:maison-mere skos:prefLabel "Maison Mère"@fr .', "",
         "ont:maison-mere", "skos:prefLabel", "MinCount", "at least one skos:prefLabel",
         "shp:Organisation-prefLabel"),
    Case("organisation name without language", 'ont:maison-mere skos:prefLabel "Maison Mère"@fr .',
         'ont:maison-mere skos:prefLabel "Maison Mère" .', "ont:maison-mere", "skos:prefLabel",
         "Datatype", "language tag", "shp:Organisation-prefLabel"),
    Case("two names in one language", "", 'ont:maison-mere skos:prefLabel "La Maison Mère"@fr .',
         "ont:maison-mere", "skos:prefLabel", "UniqueLang", "at most one skos:prefLabel per",
         "shp:Organisation-prefLabelPerLanguage"),
    Case("sub-organisation of a place", "", "ont:le-balcon org:subOrganizationOf plc:quebec .",
         "ont:le-balcon", "org:subOrganizationOf", "Node", "points to an organisation",
         "shp:Organisation-subOrganizationOf"),
    Case("classification not a concept", "", "ont:polecn org:classification ont:co-actions .",
         "ont:polecn", "org:classification", "Class", "skos:Concept of the glossary",
         "shp:Organisation-classification"),
    Case("legal form as text", "", 'ont:co-actions ess:legalForm "SCIC" .', "ont:co-actions",
         "ess:legalForm", "Class", "skos:Concept", "shp:Organisation-legalForm"),
    Case("hosts a person", "", "ont:maison-mere ess:hosts per:cecile-marsan .", "ont:maison-mere",
         "ess:hosts", "Node", "points to an organisation", "shp:Organisation-hosts"),
    Case("operated by a place", "", "ont:maison-mere ess:operatedBy plc:quebec .",
         "ont:maison-mere", "ess:operatedBy", "Node", "points to an organisation",
         "shp:Organisation-operatedBy"),
    Case("organisation located at an organisation", "",
         "ont:polecn schema:location ont:co-actions .",
         "ont:polecn", "schema:location", "Class", "schema:Place", "shp:Organisation-location"),
    Case("region is an event", "", "ont:polecn ess:region evt:mission-1 .", "ont:polecn",
         "ess:region", "Class", "ess:region", "shp:Organisation-region"),
    Case("two countries", "", "ont:co-actions ess:country plc:quebec .", "ont:co-actions",
         "ess:country", "MaxCount", "at most one ess:country", "shp:Organisation-country"),
    # --- memberships, roles, memberOf ---------------------------------------------
    Case("membership without member", f"{MEMBERSHIP} org:member per:noemie-escortell .",
         "", MEMBERSHIP, "org:member", "MinCount", "exactly one org:member",
         "shp:Membership-member"),
    Case("member is an organisation", "", f"{MEMBERSHIP} org:member ont:polecn .", MEMBERSHIP,
         "org:member", "Class", "foaf:Person", "shp:Membership-member"),
    Case("membership in a person", f"{MEMBERSHIP} org:organization ont:co-actions .",
         f"{MEMBERSHIP} org:organization per:cecile-marsan .", MEMBERSHIP, "org:organization",
         "Node", "exactly one org:organization", "shp:Membership-organization"),
    Case("membership without role", f"{MEMBERSHIP} org:role {ROLE} .", "", MEMBERSHIP,
         "org:role", "MinCount", "exactly one org:role", "shp:Membership-role"),
    Case("role as text", f"{MEMBERSHIP} org:role {ROLE} .",
         f'{MEMBERSHIP} org:role "coordinatrice" .',
         MEMBERSHIP, "org:role", "Class", "an org:Role", "shp:Membership-role"),
    Case("membership without memberOf", "per:noemie-escortell org:memberOf ont:co-actions .", "",
         MEMBERSHIP, None, "SPARQL", "not also org:memberOf", "shp:MembershipMemberOfShape"),
    Case("role without label", f'{ROLE} rdfs:label "coordinatrice du projet de coopération"@fr .',
         "", ROLE, "rdfs:label|skos:prefLabel", "MinCount", "org:Role has a label",
         "shp:Role-label"),
    Case("place is memberOf", "", "plc:quebec org:memberOf ont:polecn .", "plc:quebec", None,
         "Class", "Only a foaf:Person", "shp:MemberOfShape"),
    Case("memberOf a place", "", "per:noemie-escortell org:memberOf plc:quebec .",
         "per:noemie-escortell", "org:memberOf", "Node", "points to an organisation",
         "shp:MemberOf-organisation"),
    Case("memberOf without membership", "", "per:noemie-escortell org:memberOf ont:polecn .",
         "per:noemie-escortell", None, "SPARQL", "no org:Membership",
         "shp:MemberOfMembershipShape"),
    # --- the project -------------------------------------------------------------
    Case("project outside id/project/", "",
         'evt:other-project a ess:CooperationProject ; rdfs:label "x" ; '
         "ess:mainPartner ont:co-actions .",
         "evt:other-project", None, "Pattern", "project's IRI", "shp:ProjectShape"),
    Case("project without name",
         f'{PROJECT} skos:prefLabel "Coopération Nouvelle-Aquitaine – Québec"@fr .', "", PROJECT,
         LABELS, "MinCount", "has a name", "shp:Project-label"),
    Case("project without main partner",
         f"{PROJECT} ess:mainPartner ont:co-actions, ont:polecn .", "", PROJECT,
         "ess:mainPartner", "MinCount", "at least one ess:mainPartner", "shp:Project-mainPartner"),
    Case("associated partner is a person", "",
         f"{PROJECT} ess:associatedPartner per:cecile-marsan .",
         PROJECT, "ess:associatedPartner", "Node", "points to an organisation",
         "shp:Project-associatedPartner"),
    Case("partner is a place", "", f"{PROJECT} ess:partner plc:quebec .", PROJECT, "ess:partner",
         "Node", "points to an organisation", "shp:Project-partner"),
    Case("funder is a person", "", f"{PROJECT} schema:funder per:cecile-marsan .", PROJECT,
         "schema:funder", "Node", "points to an organisation", "shp:Project-funder"),
    Case("funding programme is an organisation", "",
         f"{PROJECT} ess:fundingProgramme ont:region-nouvelle-aquitaine .", PROJECT,
         "ess:fundingProgramme", "Class", "ess:FundingProgramme", "shp:Project-fundingProgramme"),
    Case("objective as text", "", f'{PROJECT} ess:objective "innover" .', PROJECT,
         "ess:objective", "Or", "ess:Objective", "shp:Project-objective"),
    Case("mission is a forum", "", f"{PROJECT} ess:hasMission evt:gsef-2016 .", PROJECT,
         "ess:hasMission", "Class", "ess:CooperationMission", "shp:Project-hasMission"),
    Case("project start as text", f'{PROJECT} schema:startDate "2016-09"^^xsd:gYearMonth .',
         f'{PROJECT} schema:startDate "septembre 2016" .', PROJECT, "schema:startDate", "Node",
         "xsd:gYearMonth", "shp:Project-startDate"),
    Case("project with two ends", "", f'{PROJECT} schema:endDate "2018"^^xsd:gYear .', PROJECT,
         "schema:endDate", "MaxCount", "at most one schema:endDate", "shp:Project-endDate"),
    Case("project ends before it starts", f'{PROJECT} schema:endDate "2018-09"^^xsd:gYearMonth .',
         f'{PROJECT} schema:endDate "2016-08"^^xsd:gYearMonth .', PROJECT, "schema:endDate",
         "SPARQL", "before the schema:startDate", "shp:DatesInOrderShape"),
    Case("funding programme without name",
         f'{PROJECT}\\#fci rdfs:label "Fonds de Coopération Interrégionale"@fr .', "",
         f"{PROJECT}\\#fci", LABELS, "MinCount", "funding programme has a name",
         "shp:FundingProgramme-label"),
    Case("objective without wording",
         f"{PROJECT}\\#objective-s1 skos:prefLabel "
         '"Agir sur les freins du développement de l\'entrepreneuriat collectif"@fr .', "",
         f"{PROJECT}\\#objective-s1", "skos:prefLabel|rdfs:label", "MinCount", "has a wording",
         "shp:Objective-label"),
    # --- events ------------------------------------------------------------------
    Case("event outside id/event/", "", 'plc:fete a ess:Meeting ; rdfs:label "Fête" ; '
         "schema:attendee per:cecile-marsan .",
         "plc:fete", None, "Pattern", "event's IRI", "shp:EventShape"),
    Case("event without name", 'evt:gsef-2016 schema:name "Global Social Economy Forum 2016"@en .',
         "", "evt:gsef-2016", LABELS, "MinCount", "event has a name", "shp:Event-label"),
    Case("start is a dateTime", GSEF_START,
         'evt:gsef-2016 schema:startDate "2016-09-07T09:00:00"^^xsd:dateTime .', "evt:gsef-2016",
         "schema:startDate", "Node", "xsd:date, xsd:gYearMonth or xsd:gYear",
         "shp:Event-startDate"),
    Case("end is a plain string", GSEF_END, 'evt:gsef-2016 schema:endDate "2016-09-09" .',
         "evt:gsef-2016", "schema:endDate", "Node", "at most one schema:endDate",
         "shp:Event-endDate"),
    Case("event located at an organisation", "", "evt:gsef-2016 schema:location ont:polecn .",
         "evt:gsef-2016", "schema:location", "Class", "schema:Place", "shp:Event-location"),
    Case("super-event is a place", "", "evt:soiree-tactiq schema:superEvent plc:quebec .",
         "evt:soiree-tactiq", "schema:superEvent", "Node", "at most one schema:superEvent",
         "shp:Event-superEvent"),
    Case("visited a person", "", "evt:mission-1 ess:visited per:cecile-marsan .", "evt:mission-1",
         "ess:visited", "Node", "points to an organisation", "shp:Event-visited"),
    Case("presenter is a place", "", "evt:soiree-tactiq ess:presenter plc:quebec .",
         "evt:soiree-tactiq", "ess:presenter", "Node", "person, an organisation",
         "shp:Event-presenter"),
    Case("organiser is a place", "", "evt:soiree-tactiq schema:organizer plc:quebec .",
         "evt:soiree-tactiq", "schema:organizer", "Node", "person, an organisation",
         "shp:Event-organizer"),
    Case("negative attendance", "evt:gsef-2016 ess:minimumAttendance 300 .",
         "evt:gsef-2016 ess:minimumAttendance -5 .", "evt:gsef-2016", "ess:minimumAttendance",
         "Node", "non-negative integer", "shp:Event-minimumAttendance"),
    Case("unknown event status", "evt:soiree-tactiq schema:eventStatus schema:EventScheduled .",
         "evt:soiree-tactiq schema:eventStatus schema:EventOver .", "evt:soiree-tactiq",
         "schema:eventStatus", "In", "schema:EventScheduled", "shp:Event-eventStatus"),
    Case("mission ends before it starts", MISSION_END,
         'evt:mission-1 schema:endDate "2016-09-01"^^xsd:date .', "evt:mission-1",
         "schema:endDate", "SPARQL", "before the schema:startDate", "shp:DatesInOrderShape"),
    Case("visit ends a month before it starts", "",
         'evt:mission-1-maison-mere schema:endDate "2016-08-31"^^xsd:date .',
         "evt:mission-1-maison-mere", "schema:endDate", "SPARQL", "before the schema:startDate",
         "shp:DatesInOrderShape"),
    # --- missions ----------------------------------------------------------------
    Case("mission without number", "evt:mission-1 ess:missionNumber 1 .", "", "evt:mission-1",
         "ess:missionNumber", "MinCount", "exactly one ess:missionNumber", "shp:Mission-number"),
    Case("mission number zero", "evt:mission-1 ess:missionNumber 1 .",
         "evt:mission-1 ess:missionNumber 0 .", "evt:mission-1", "ess:missionNumber", "Node",
         "positive integer", "shp:Mission-number"),
    Case("mission number as text", "evt:mission-1 ess:missionNumber 1 .",
         'evt:mission-1 ess:missionNumber "1" .', "evt:mission-1", "ess:missionNumber", "Node",
         "positive integer", "shp:Mission-number"),
    Case("mission without start", 'evt:mission-1 schema:startDate "2016-09-05"^^xsd:date .', "",
         "evt:mission-1", "schema:startDate", "MinCount", "has a schema:startDate",
         "shp:Mission-startDate"),
    Case("mission without end", MISSION_END, "", "evt:mission-1", "schema:endDate", "MinCount",
         "has a schema:endDate", "shp:Mission-endDate"),
    Case("mission with two starts", "",
         'evt:mission-1 schema:startDate "2016-09"^^xsd:gYearMonth .',
         "evt:mission-1", "schema:startDate", "MaxCount", "at most one schema:startDate",
         "shp:Event-startDate"),
    Case("mission without place", "evt:mission-1 schema:location plc:quebec .", "",
         "evt:mission-1", "schema:location", "MinCount", "where it took place",
         "shp:Mission-location"),
    Case("delegation is a person", "", "evt:mission-1 ess:delegation per:cecile-marsan .",
         "evt:mission-1", "ess:delegation", "Class", "ess:Delegation", "shp:Mission-delegation"),
    Case("mission of an organisation", "", "evt:mission-1 ess:missionOf ont:co-actions .",
         "evt:mission-1", "ess:missionOf", "Class", "ess:CooperationProject",
         "shp:Mission-project"),
    # --- forums, visits, meetings, attendees -------------------------------------
    Case("forum without place", "evt:gsef-2016 schema:location plc:montreal .", "",
         "evt:gsef-2016", "schema:location", "MinCount", "where it took place",
         "shp:Forum-location", "Warning"),
    Case("visit outside a mission", "evt:mission-1-maison-mere schema:superEvent evt:mission-1 .",
         "", "evt:mission-1-maison-mere", "schema:superEvent", "MinCount",
         "exactly one cooperation mission", "shp:SiteVisit-mission"),
    Case("visit inside a forum", "evt:mission-1-maison-mere schema:superEvent evt:mission-1 .",
         "evt:mission-1-maison-mere schema:superEvent evt:gsef-2016 .",
         "evt:mission-1-maison-mere", "schema:superEvent", "Class",
         "exactly one cooperation mission", "shp:SiteVisit-mission"),
    Case("visit visited nobody", "evt:mission-1-maison-mere ess:visited ont:maison-mere .", "",
         "evt:mission-1-maison-mere", "ess:visited", "MinCount", "at least one visited",
         "shp:SiteVisit-visited"),
    Case("visited only on the visit", "", "evt:mission-1-maison-mere ess:visited ont:polecn .",
         "evt:mission-1-maison-mere", "ess:visited", "SPARQL", "also ess:visited on its mission",
         "shp:VisitedOnMissionShape"),
    Case("meeting without attendee", "evt:soiree-tactiq schema:attendee per:cecile-marsan .", "",
         "evt:soiree-tactiq", "schema:attendee", "MinCount", "who attended",
         "shp:Meeting-attendee", "Warning"),
    Case("attendee is a place", "", "evt:mission-1 schema:attendee plc:quebec .", "evt:mission-1",
         "schema:attendee", "Or", "person, an organisation or a delegation",
         "shp:Attendee-value"),
    Case("attendee of a place", "", "plc:quebec schema:attendee per:cecile-marsan .",
         "plc:quebec", None, "Node", "Only an event", "shp:AttendeeShape"),
    # --- delegations -------------------------------------------------------------
    Case("negative delegation size", f"{DELEGATION} ess:delegationSize 2 .",
         f"{DELEGATION} ess:delegationSize -1 .", DELEGATION, "ess:delegationSize", "Node",
         "non-negative integer", "shp:Delegation-size"),
    Case("two delegation sizes", "", f"{DELEGATION} ess:delegationSize 3 .", DELEGATION,
         "ess:delegationSize", "MaxCount", "at most one ess:delegationSize",
         "shp:Delegation-size"),
    Case("delegation member is an organisation", "", f"{DELEGATION} foaf:member ont:polecn .",
         DELEGATION, "foaf:member", "Class", "foaf:Person", "shp:Delegation-member"),
    Case("delegation sent by nobody", f"{DELEGATION} ess:sentBy ont:co-actions .", "", DELEGATION,
         "ess:sentBy", "MinCount", "ess:sentBy at least one organisation",
         "shp:Delegation-sentBy"),
    Case("delegation smaller than its members", f"{DELEGATION} ess:delegationSize 2 .",
         f"{DELEGATION} ess:delegationSize 1 .", DELEGATION, "ess:delegationSize", "SPARQL",
         "smaller than the number of members", "shp:DelegationSizeShape"),
    Case("typed delegation size smaller than its members", f"{DELEGATION} ess:delegationSize 2 .",
         f'{DELEGATION} ess:delegationSize "1"^^xsd:nonNegativeInteger .', DELEGATION,
         "ess:delegationSize", "SPARQL", "smaller than the number of members",
         "shp:DelegationSizeShape"),
    Case("delegation of unknown size",
         f"{DELEGATION} ess:delegationSize 2 ; "
         "foaf:member per:noemie-escortell, per:cecile-marsan .",
         "", DELEGATION, None, "Or", "names no member and gives no size",
         "shp:DelegationKnownShape", "Warning"),
    # --- encounters and ess:met --------------------------------------------------
    Case("encounter with one participant", f"{ENCOUNTER} ess:participant per:cecile-marsan .", "",
         ENCOUNTER, "ess:participant", "MinCount", "exactly two ess:participant",
         "shp:Encounter-participant"),
    Case("encounter with three participants", "", f"{ENCOUNTER} ess:participant ont:polecn .",
         ENCOUNTER, "ess:participant", "MaxCount", "exactly two ess:participant",
         "shp:Encounter-participant"),
    Case("encounter with a place", f"{ENCOUNTER} ess:participant per:cecile-marsan .",
         f"{ENCOUNTER} ess:participant plc:quebec .", ENCOUNTER, "ess:participant", "Node",
         "exactly two ess:participant", "shp:Encounter-participant"),
    Case("encounter during a place", f"{ENCOUNTER} ess:during evt:mission-1 .",
         f"{ENCOUNTER} ess:during plc:quebec .", ENCOUNTER, "ess:during", "Node",
         "during exactly one event", "shp:Encounter-during"),
    Case("encounter without event", f"{ENCOUNTER} ess:during evt:mission-1 .", "", ENCOUNTER,
         "ess:during", "MinCount", "during exactly one event", "shp:Encounter-during"),
    Case("encounter without evidence", f"{ENCOUNTER} ess:evidence ess:TravelledTogether .", "",
         ENCOUNTER, "ess:evidence", "MinCount", "exactly one ess:evidence",
         "shp:Encounter-evidence"),
    Case("evidence is not an evidence kind", f"{ENCOUNTER} ess:evidence ess:TravelledTogether .",
         f"{ENCOUNTER} ess:evidence cpt:cae .", ENCOUNTER, "ess:evidence", "Class",
         "ess:EvidenceKind", "shp:Encounter-evidence"),
    Case("encounter without provenance", f"{ENCOUNTER} prov:wasDerivedFrom {DELEGATION} .", "",
         ENCOUNTER, "prov:wasDerivedFrom", "MinCount", "derived from", "shp:Encounter-source"),
    Case("encounter without ess:met",
         "per:noemie-escortell ess:met per:cecile-marsan . "
         "per:cecile-marsan ess:met per:noemie-escortell .", "",
         ENCOUNTER, "ess:participant", "SPARQL", "not linked by ess:met", "shp:EncounterMetShape"),
    Case("a place met someone", "", "plc:quebec ess:met per:cecile-marsan .", "plc:quebec", None,
         "Node", "Only a person, an organisation or a delegation", "shp:MetShape"),
    Case("met a place", "", "per:cecile-marsan ess:met plc:quebec .", "per:cecile-marsan",
         "ess:met", "Node", "ess:met points to a person", "shp:Met-value"),
    Case("met without encounter", "", "per:cecile-marsan ess:met ont:polecn .",
         "per:cecile-marsan", "ess:met", "SPARQL", "no ess:Encounter", "shp:MetEncounterShape"),
    Case("evidence kind without label",
         'ess:TravelledTogether skos:prefLabel "travelled together"@en, "ont voyagé ensemble"@fr .',
         "", "ess:TravelledTogether", "skos:prefLabel", "MinCount", "ess:EvidenceKind has a",
         "shp:EvidenceKind-label"),
    # --- places ------------------------------------------------------------------
    Case("place outside id/place/", "",
         'ont:la-reole a schema:Place ; skos:prefLabel "La Réole"@fr ; geo:lat 44.58 ; '
         "geo:long -0.03 .",
         "ont:la-reole", None, "Pattern", "place's IRI", "shp:PlaceShape"),
    Case("place without name", 'plc:montreal skos:prefLabel "Montréal"@fr .', "", "plc:montreal",
         "skos:prefLabel", "MinCount", "at least one skos:prefLabel", "shp:Place-prefLabel"),
    Case("latitude out of range", "plc:quebec geo:lat 46.8139 .", "plc:quebec geo:lat 146.8139 .",
         "plc:quebec", "geo:lat", "MaxInclusive", "between -90 and 90", "shp:Place-lat"),
    Case("latitude as a double", "plc:quebec geo:lat 46.8139 .", "plc:quebec geo:lat 4.68139e1 .",
         "plc:quebec", "geo:lat", "Datatype", "an xsd:decimal", "shp:Place-lat"),
    Case("longitude out of range", "plc:quebec geo:long -71.2080 .",
         "plc:quebec geo:long -271.2080 .", "plc:quebec", "geo:long", "MinInclusive",
         "between -180 and 180", "shp:Place-long"),
    Case("contained in an organisation", "", "plc:montreal schema:containedInPlace ont:polecn .",
         "plc:montreal", "schema:containedInPlace", "Class", "schema:Place",
         "shp:Place-containedIn"),
    Case("sameAs as text", "", 'plc:montreal owl:sameAs "Q340" .', "plc:montreal", "owl:sameAs",
         "NodeKind", "points to an IRI", "shp:Place-sameAs"),
    Case("latitude without longitude", "plc:montreal geo:long -73.5673 .", "", "plc:montreal",
         "geo:long", "SPARQL", "both geo:lat and geo:long", "shp:PlaceCoordinatesShape"),
    Case("longitude without latitude", "plc:montreal geo:lat 45.5017 .", "", "plc:montreal",
         "geo:lat", "SPARQL", "both geo:lat and geo:long", "shp:PlaceCoordinatesShape"),
    Case("city without coordinates", "",
         'plc:bilbao a schema:Place, schema:City ; skos:prefLabel "Bilbao"@es .',
         "plc:bilbao", "geo:lat", "MinCount", "no coordinates", "shp:Place-coordinates", "Warning"),
    Case("place without coordinates", "",
         'plc:bilbao a schema:Place ; skos:prefLabel "Bilbao"@es .',
         "plc:bilbao", "geo:lat", "MinCount", "no coordinates", "shp:Place-coordinates", "Warning"),
    # --- glossary ----------------------------------------------------------------
    Case("concept without French name",
         "cpt:cae skos:prefLabel \"coopérative d'activité et d'emploi\"@fr-FR .", "", "cpt:cae",
         "skos:prefLabel", "QualifiedMinCount", "in French", "shp:Concept-prefLabelFrench"),
    Case("concept without English name",
         'cpt:cae skos:prefLabel "business and employment cooperative"@en .', "", "cpt:cae",
         "skos:prefLabel", "QualifiedMinCount", "in English", "shp:Concept-prefLabelEnglish"),
    Case("concept with two English names", "", 'cpt:cae skos:prefLabel "CAE"@en .', "cpt:cae",
         "skos:prefLabel", "UniqueLang", "at most one per language",
         "shp:Concept-prefLabelPerLanguage"),
    Case("concept outside a scheme", "cpt:cae skos:inScheme cpt:glossaire .", "", "cpt:cae",
         "skos:inScheme", "MinCount", "skos:inScheme a skos:ConceptScheme",
         "shp:Concept-inScheme"),
    # --- indicators --------------------------------------------------------------
    Case("indicator value as text", f"{INDICATOR} schema:value 65 .",
         f'{INDICATOR} schema:value "65 entrepreneurs" .', INDICATOR, "schema:value", "Node",
         "a number", "shp:Indicator-value"),
    Case("indicator without value", f"{INDICATOR} schema:value 65 .", "", INDICATOR,
         "schema:value", "MinCount", "exactly one schema:value", "shp:Indicator-value"),
    Case("unit is an IRI", "", f"{INDICATOR} schema:unitText plc:quebec .", INDICATOR,
         "schema:unitText", "Node", "is a string", "shp:Indicator-unitText"),
    Case("reference year as integer", f'{INDICATOR} ess:referenceYear "2017"^^xsd:gYear .',
         f"{INDICATOR} ess:referenceYear 2017 .", INDICATOR, "ess:referenceYear", "Datatype",
         "xsd:gYear", "shp:Indicator-referenceYear"),
    Case("indicator without label",
         f'{INDICATOR} rdfs:label "entrepreneurs et porteurs de projet"@fr .', "", INDICATOR,
         "rdfs:label|skos:prefLabel", "MinCount", "says what it counts", "shp:Indicator-label"),
    Case("indicator is a place", "", "ont:polecn ess:indicator plc:quebec .", "plc:quebec", None,
         "Class", "ess:indicator points to an ess:Indicator", "shp:IndicatorLinkShape"),
    # --- official identifiers and reconciliation -------------------------------------
    Case("identifier without code", "", f"{CODE} a adms:Identifier ; dcterms:type cpt:cae .",
         CODE, "skos:notation", "MinCount", "exactly one skos:notation",
         "shp:Identifier-notation"),
    Case("identifier code as a number", "",
         f"{CODE} a adms:Identifier ; skos:notation 123 ; dcterms:type cpt:cae .", CODE,
         "skos:notation", "Datatype", "exactly one skos:notation", "shp:Identifier-notation"),
    Case("identifier without scheme", "", f'{CODE} a adms:Identifier ; skos:notation "1" .',
         CODE, "dcterms:type", "MinCount", "exactly one dcterms:type", "shp:Identifier-scheme"),
    Case("reconciliation without ours", "",
         f"{MATCH} a ess:Reconciliation ; ess:importedRecord ont:polecn ; ess:score 0.9 .",
         MATCH, "ess:reconciledResource", "MinCount", "exactly one ess:reconciledResource",
         "shp:Reconciliation-resource"),
    Case("reconciliation of a place", "",
         RECONCILIATION + "ess:importedRecord plc:montreal ; ess:score 0.9 .", MATCH,
         "ess:importedRecord", "Class", "exactly one ess:importedRecord",
         "shp:Reconciliation-record"),
    Case("reconciliation score above 1", "",
         RECONCILIATION + "ess:importedRecord ont:polecn ; ess:score 1.5 .", MATCH, "ess:score",
         "MaxInclusive", "between 0 and 1", "shp:Reconciliation-score"),
]
# fmt: on


def matching(report: shacl.Report, case: Case) -> list[shacl.Result]:
    return [
        r
        for r in report.results
        if r.focus == iri(case.focus)
        and r.path == path_of(case.path)
        and r.constraint == case.constraint + "ConstraintComponent"
        and r.shape == iri(case.shape)
    ]


def test_valid_fixture_conforms_without_any_result(base: Graph, shapes: Graph) -> None:
    report = shacl.validate(base, shapes)
    assert report.results == [], report.text()
    assert report.conforms


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_broken_rule_is_reported(base: Graph, shapes: Graph, case: Case) -> None:
    report = shacl.validate(edited(base, case.remove, case.add), shapes)
    found = matching(report, case)
    assert found, f"expected {case} in:\n{report.text()}"
    result = found[0]
    assert result.severity == case.severity
    assert case.phrase in result.message
    # Warnings alone never fail the gate; every violation does.
    assert report.conforms is (case.severity != "Violation")


def test_every_reporting_shape_has_a_broken_case(shapes: Graph) -> None:
    # A shape reports when it has a path or a constraint of its own; the node shapes
    # that only gather property shapes, and the "…Value" shapes, never do.
    own = (SH.path, SH.pattern, SH["class"], SH.node, SH["or"], SH.sparql)
    reporting = {
        str(s)
        for s in set(shapes.subjects(SH.severity, None))
        if isinstance(s, URIRef)
        and not str(s).endswith("Value")
        and any(shapes.value(s, p) is not None for p in own)
    }
    covered = {iri(case.shape) for case in CASES}
    assert len(reporting) > 90
    assert reporting - covered == set()
    assert covered <= reporting


def test_every_shape_has_a_label_and_messages_in_both_languages(shapes: Graph) -> None:
    named = {s for s in shapes.subjects(RDF.type, None) if isinstance(s, URIRef)}
    named = {s for s in named if str(s).startswith(PREFIXES["shp"])}
    named -= set(shapes.subjects(RDF.type, SH.SPARQLTargetType))  # a kind of target, no shape
    assert len(named) > 80
    for shape in named:
        for predicate in (SH.message, URIRef(PREFIXES["rdfs"] + "label")):
            langs = {m.language for m in shapes.objects(shape, predicate) if isinstance(m, Literal)}
            assert {"en", "fr"} <= langs, (shape, predicate)
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=None, meta_shacl=True, advanced=True)
    assert conforms, text


def test_person_with_email_is_rejected_in_french(base: Graph, shapes: Graph) -> None:
    graph = edited(base, add="per:noemie-escortell foaf:mbox <mailto:nescortell@co-actions.coop> .")
    report = shacl.validate(graph, shapes, lang="fr")
    assert not report.conforms
    [result] = report.results
    assert result.message.startswith("L'adresse électronique d'une personne n'est jamais publiée")
    assert result.message_in("en").startswith("A person's e-mail address is never published")
    assert "jamais publiée" in report.text("fr")
    assert "never published" in report.text("en")


def test_sparql_messages_keep_their_language(base: Graph, shapes: Graph) -> None:
    graph = edited(base, MISSION_END, 'evt:mission-1 schema:endDate "2016-09-01"^^xsd:date .')
    report = shacl.validate(graph, shapes, lang="fr")
    [result] = report.results
    assert result.constraint == "SPARQLConstraintComponent"
    assert result.message == "La schema:endDate est antérieure à la schema:startDate."
    assert result.value == "2016-09-01"
    messages = set(report.graph.objects(None, SH.resultMessage))
    assert {m.language for m in messages if isinstance(m, Literal)} == {"en", "fr"}


def test_dates_of_different_precision_compare_on_their_common_part(
    base: Graph, shapes: Graph
) -> None:
    graph = edited(base, MISSION_END, 'evt:mission-1 schema:endDate "2016-09"^^xsd:gYearMonth .')
    assert shacl.validate(graph, shapes).results == []
    graph = edited(base, MISSION_END, 'evt:mission-1 schema:endDate "2016"^^xsd:gYear .')
    assert shacl.validate(graph, shapes).results == []
    graph = edited(base, MISSION_END, 'evt:mission-1 schema:endDate "2015"^^xsd:gYear .')
    assert not shacl.validate(graph, shapes).conforms


def test_a_nested_shape_failure_is_reported_once_on_the_property(
    base: Graph, shapes: Graph
) -> None:
    report = shacl.validate(edited(base, add="evt:mission-1 ess:visited plc:quebec ."), shapes)
    [result] = report.results
    assert (result.shape, result.value) == (iri("shp:Event-visited"), iri("plc:quebec"))
    assert (None, SH.detail, None) in report.graph


def test_countries_and_regions_need_no_coordinates(base: Graph, shapes: Graph) -> None:
    graph = edited(
        base,
        "plc:canada geo:lat 56.0 ; geo:long -106.0 .",
        "plc:canada a schema:Country . "
        'plc:gironde a schema:Place, schema:AdministrativeArea ; skos:prefLabel "Gironde"@fr .',
    )
    assert shacl.validate(graph, shapes).results == []


def test_report_text_names_resource_property_and_rule(base: Graph, shapes: Graph) -> None:
    graph = edited(
        base,
        "evt:gsef-2016 schema:location plc:montreal .",
        "per:noemie-escortell foaf:mbox <mailto:nescortell@co-actions.coop> .",
    )
    lines = shacl.validate(graph, shapes).text().splitlines()
    assert lines[0] == "The data does not conform: 1 violation(s), 1 warning(s)."
    assert lines[1] == (
        "Violation: person:noemie-escortell foaf:mbox: A person's e-mail address is never "
        "published (foaf:mbox): give only its foaf:mbox_sha1sum. [shp:Person-mbox, MaxCount]"
    )
    assert lines[2].startswith("Warning: event:gsef-2016 schema:location: This forum")
    assert lines[2].endswith("[shp:Forum-location, MinCount]")


def test_report_shows_values_and_complex_paths(base: Graph, shapes: Graph) -> None:
    graph = edited(base, add=f"{NEW_PERSON} evt:mission-1 schema:attendee plc:quebec .")
    text = shacl.validate(graph, shapes).text()
    assert "event:mission-1 schema:attendee: A schema:attendee is" in text
    assert "(value: place:quebec)" in text
    assert "person:jean-fortin ^org:member: This person has no org:Membership" in text


def test_results_are_sorted_violations_first(base: Graph, shapes: Graph) -> None:
    add = "evt:mission-1 schema:attendee plc:quebec . ont:polecn org:classification ont:polecn ."
    graph = edited(base, add=f"{NEW_PERSON} {add}")
    report = shacl.validate(graph, shapes)
    severities = [r.severity for r in report.results]
    assert severities == sorted(severities, key=shacl.SEVERITIES.index)
    assert "Warning" in severities and "Violation" in severities
    violations = [r.focus for r in report.results if r.severity == "Violation"]
    assert violations == sorted(violations)


def test_dataset_is_validated_as_the_union_of_its_graphs(base: Graph, shapes: Graph) -> None:
    dataset = Dataset()
    people = dataset.graph(URIRef("https://w3id.org/passerelles/graph/data/people"))
    rest = dataset.graph(URIRef("https://w3id.org/passerelles/graph/data/rest"))
    for triple in base:
        (people if str(triple[0]).startswith(PREFIXES["per"]) else rest).add(triple)
    assert shacl.validate(dataset, shapes).results == []
    people.remove((URIRef(iri("per:noemie-escortell")), None, None))
    report = shacl.validate(dataset, shapes)
    assert not report.conforms
    assert iri(MEMBERSHIP) in {r.focus for r in report.results}


def test_ontology_subclasses_count_for_sh_class(base: Graph, shapes: Graph) -> None:
    cigales = (
        'ont:cigales a ess:Club ; skos:prefLabel "CIGALES"@fr ; '
        "prov:wasDerivedFrom src:cooperation-aquitaine-quebec-2016-2018 ."
    )
    graph = edited(base, add=f"evt:mission-1 schema:attendee ont:cigales . {cigales}")
    [result] = shacl.validate(graph, shapes).results
    assert (result.focus, result.constraint) == (iri("evt:mission-1"), "OrConstraintComponent")
    ontology = turtle("ess:Club rdfs:subClassOf org:Organization .")
    assert shacl.validate(graph, shapes, ontology=ontology).results == []
    # …and the subclass's instances are targeted by the organisation shapes.
    graph.remove((URIRef(iri("ont:cigales")), None, Literal("CIGALES", lang="fr")))
    report = shacl.validate(graph, shapes, ontology=ontology)
    assert [r.shape for r in report.results] == [iri("shp:Organisation-prefLabel")]


def test_validation_never_touches_the_network(
    base: Graph, shapes: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during validation")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    imports = "<https://w3id.org/passerelles/ontology> owl:imports <http://example.org/onto.ttl> ."
    ontology = turtle(imports)
    assert shacl.validate(edited(base, add=imports), shapes, ontology=ontology).conforms


def test_validate_does_not_change_its_input(base: Graph, shapes: Graph) -> None:
    graph = edited(base)
    before = len(graph)
    shacl.validate(graph, shapes, ontology=turtle("ess:Club rdfs:subClassOf org:Organization ."))
    assert len(graph) == before


def test_default_shapes_are_the_ontology_file() -> None:
    assert shacl.SHAPES_PATH.name == "shapes.ttl"
    assert shacl.SHAPES_PATH.parent.name == "ontology"
    assert len(shacl.load_shapes()) == len(Graph().parse(shacl.SHAPES_PATH))


def test_report_graph_is_a_shacl_report(base: Graph, shapes: Graph) -> None:
    report = shacl.validate(edited(base, NOEMIE_NAME), shapes)
    assert (None, RDF.type, SH.ValidationReport) in report.graph
    assert "sh:resultSeverity sh:Violation" in report.graph.serialize(format="turtle")


def test_pick_message_falls_back_to_english() -> None:
    messages = (("fr", "bonjour"), ("en", "hello"))
    assert shacl.pick_message(messages, "fr-CA") == "bonjour"
    assert shacl.pick_message(messages, "de") == "hello"
    assert shacl.pick_message((("fr-FR", "bonjour"),), "fr") == "bonjour"
    assert shacl.pick_message((), "fr") == ""
