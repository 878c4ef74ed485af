"""``kg.resource`` and ``kg.sections``: rows of the page queries made into what pages show.

Rows are SPARQL JSON bindings written by hand; the label index is a plain dict. The
same functions over the real store are exercised by ``test_http_pages.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from kg import sections
from kg.resource import describe, humanise, incoming, part_label, term_label

ID = "https://w3id.org/passerelles/id/"
ESS = "https://w3id.org/passerelles/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NOEMIE, CECILE = ID + "person/noemie-escortell", ID + "person/cecile-marsan"
CO_ACTIONS, MISSION = ID + "organisation/co-actions", ID + "event/mission-1"
VISIT = ID + "event/visit-1-boomcoworking"
LABELS = {
    NOEMIE: {"": "Noémie Escortell"},
    CECILE: {"": "Cécile Marsan"},
    CO_ACTIONS: {"fr": "Co-Actions"},
    MISSION: {"fr": "1re mission de coopération", "en": "1st cooperation mission"},
    VISIT: {"fr": "Visite : BoomCoworking", "en": "Visit: BoomCoworking"},
    ORG + "Organization": {"fr": "organisation", "en": "organization"},
    SKOS + "prefLabel": {"fr": "libellé préféré", "en": "preferred label"},
    ESS + "TravelledTogether": {"fr": "ont voyagé ensemble", "en": "travelled together"},
    ESS + "MetDuringVisit": {"fr": "rencontre probable", "en": "probably met"},
}
WORDS = {"membership": "membership", "encounter": "encounter"}


def uri(iri: str) -> dict[str, str]:
    return {"type": "uri", "value": iri}


def lit(text: str, lang: str = "", datatype: str = "") -> dict[str, str]:
    term = {"type": "literal", "value": text}
    term.update({"xml:lang": lang} if lang else {"datatype": datatype} if datatype else {})
    return term


def row(**terms: Mapping[str, str] | str) -> dict[str, Mapping[str, str]]:
    return {k: lit(v) if isinstance(v, str) else v for k, v in terms.items()}


def test_humanise_and_term_label() -> None:
    assert humanise("http://xmlns.com/foaf/0.1/givenName") == "given name"
    assert humanise("https://schema.org/contactPoint") == "contact point"
    assert term_label(SKOS + "prefLabel", LABELS, "fr-CA") == "libellé préféré"
    assert term_label(SKOS + "note", LABELS, "fr") == "note"


def test_a_part_is_named_after_its_resource() -> None:
    part = NOEMIE + "#membership-co-actions"
    assert part_label(part, LABELS, "fr", WORDS) == "Noémie Escortell · membership (co actions)"
    assert part_label(NOEMIE, LABELS, "fr", WORDS) is None


def test_describe_groups_by_subject_and_property() -> None:
    part = NOEMIE + "#membership-co-actions"
    rows = [
        row(s=uri(CO_ACTIONS), p=uri(RDF_TYPE), o=uri(ORG + "Organization")),
        row(s=uri(CO_ACTIONS), p=uri(RDF_TYPE), o=uri(ORG + "FormalOrganization")),
        row(s=uri(CO_ACTIONS), p=uri(SKOS + "prefLabel"), o=lit("Co-Actions", "fr")),
        row(s=uri(CO_ACTIONS), p=uri(SKOS + "altLabel"), o=lit("CAE Co-Actions", "fr")),
        row(s=uri(CO_ACTIONS), p=uri(SKOS + "altLabel"), o=lit("CAE Co-Actions", "en")),
        row(s=uri(part), p=uri(ORG + "member"), o=uri(NOEMIE)),
        row(s=uri(part), p=uri(ORG + "member"), o=uri(NOEMIE)),  # a part linked twice
    ]
    found = describe(CO_ACTIONS, rows, LABELS, "en", WORDS)
    assert found.label == "Co-Actions"
    assert [t.label for t in found.types] == ["organization"]  # the unnamed type is left out
    assert found.properties[0].label == "preferred label"  # names first
    alt = next(p for p in found.properties if p.iri == SKOS + "altLabel")
    assert [v.value for v in alt.values] == ["CAE Co-Actions"]  # the same words once
    assert [(p.fragment, p.properties[0].values[0].label) for p in found.parts] == [
        ("membership-co-actions", "Noémie Escortell")
    ]
    assert found.text(SKOS + "prefLabel", "en") == "Co-Actions"


def test_incoming_counts_and_one_page() -> None:
    member = ORG + "member"
    rows = [
        row(p=uri(member), n=lit("120", datatype=XSD + "integer")),
        row(p=uri(member), s=uri(NOEMIE + "#membership-co-actions")),
        row(p=uri(member), s=uri(CECILE + "#membership-co-actions")),
    ]
    [prop] = incoming(rows, LABELS, "fr", WORDS)
    assert (prop.count, prop.more) == (120, 118)
    assert [v.label for v in prop.values] == [
        "Cécile Marsan · membership (co actions)",
        "Noémie Escortell · membership (co actions)",
    ]


def context(events: Mapping[str, tuple[str | None, str | None]]) -> sections.Context:
    parents = {VISIT: MISSION}

    def dates(iri: str) -> tuple[dict[str, str] | None, dict[str, str] | None]:
        start, end = events.get(iri) or events.get(parents.get(iri, ""), (None, None))
        return tuple(lit(d, datatype=XSD + "date") if d else None for d in (start, end))  # type: ignore[return-value]

    return sections.Context(
        LABELS, "fr", dates, parents.get, lambda iri: (), lambda iri: iri in parents, {}, WORDS
    )


def encounter(n: int, event: str, other: str, evidence: str) -> dict[str, Mapping[str, str]]:
    return row(
        section="encounter",
        encounter=uri(f"{event}#encounter-{n}"),
        event=uri(event),
        other=uri(other),
        evidence=uri(ESS + evidence),
        resource=uri(NOEMIE),
    )


def test_person_sections() -> None:
    rows = [
        row(
            section="membership",
            part=uri(NOEMIE + "#membership-co-actions"),
            organisation=uri(CO_ACTIONS),
        ),
        row(section="delegation", event=uri(MISSION)),
        row(section="attendee", event=uri(MISSION)),
        encounter(1, VISIT, CECILE, "MetDuringVisit"),
        encounter(2, MISSION, CECILE, "TravelledTogether"),
        encounter(2, MISSION, CECILE, "TravelledTogether"),  # the same encounter twice
        row(section="encounters", rows=lit("3"), n=lit("2")),
        row(section="met", n=lit("1")),
    ]
    page = sections.person(context({MISSION: ("2016-09-05", "2016-09-10")}), NOEMIE, rows)
    assert [(m.who.label, m.role) for m in page.memberships] == [("Co-Actions", None)]
    assert [(e.event.label, e.roles) for e in page.events] == [
        ("1re mission de coopération", ["attendee", "delegation"])
    ]
    assert (page.encounters.total, page.met) == (2, 1)
    groups = [
        (g.event.event.label, g.event.inherited, [e.evidence.label for e in g.encounters])
        for g in page.encounters.items
    ]
    assert groups == [
        ("1re mission de coopération", False, ["ont voyagé ensemble"]),
        ("Visite : BoomCoworking", True, ["rencontre probable"]),
    ]
    assert groups[0] and page.encounters.items[1].event.start.value == "2016-09-05"  # type: ignore[union-attr]


def test_encounters_are_paged_after_sorting() -> None:
    rows = [encounter(n, MISSION, f"{ID}person/p{n:03}", "TravelledTogether") for n in range(120)]
    page = sections.person(context({}), NOEMIE, rows, 3)
    assert (page.encounters.number, page.encounters.count, page.encounters.total) == (3, 3, 120)
    [group] = page.encounters.items
    assert [e.other.value[-4:] for e in group.encounters][:2] == ["p100", "p101"]


def test_event_delegation_without_names_keeps_its_size() -> None:
    delegation = ID + "event/mission-2#delegation"
    rows = [
        row(
            section="delegation",
            delegation=uri(delegation),
            how=uri(ESS + "delegationSize"),
            value=lit("8", datatype=XSD + "nonNegativeInteger"),
        ),
        row(
            section="delegation",
            delegation=uri(delegation),
            how=uri(ESS + "sentBy"),
            value=uri(CO_ACTIONS),
        ),
        row(section="sub-event", event=uri(VISIT), organisation=uri(CO_ACTIONS)),
    ]
    page = sections.event(context({MISSION: ("2017-05-08", "2017-05-12")}), MISSION, rows)
    [found] = page.delegations
    assert (found.size, found.members, [s.label for s in found.senders]) == (8, [], ["Co-Actions"])
    assert [(d.event.label, [v.label for v in d.details]) for d in page.sub_events] == [
        ("Visite : BoomCoworking", ["Co-Actions"])
    ]
    assert page.when.start is not None and page.when.start.value == "2017-05-08"


def test_place_groups_what_is_located_there() -> None:
    place = ID + "place/bordeaux"
    rows = [
        row(
            section="here",
            thing=uri(CO_ACTIONS),
            type=uri(ORG + "Organization"),
            how=uri("https://schema.org/location"),
        ),
        row(
            section="here",
            thing=uri(MISSION),
            type=uri(ESS + "CooperationMission"),
            how=uri("https://schema.org/location"),
        ),
    ]
    ctx = context({})
    ctx.coordinates = {place: (44.84, -0.58)}
    page = sections.place(ctx, place, rows)
    assert [(group, [t.place.label for t in things]) for group, things in page.here.items] == [
        ("organisations", ["Co-Actions"]),
        ("events", ["1re mission de coopération"]),
    ]
    assert [(m.place.value, m.lat) for m in page.mapped] == [(place, 44.84)]


def test_paginate_clamps_the_page_number() -> None:
    assert sections.paginate(list(range(10)), 9, size=4).items == [8, 9]
    assert sections.paginate([], 1).count == 1


def test_texts_in_the_readers_language_come_first() -> None:
    rows = [
        row(s=uri(MISSION), p=uri(SKOS + "prefLabel"), o=lit("1st cooperation mission", "en")),
        row(s=uri(MISSION), p=uri(SKOS + "prefLabel"), o=lit("1re mission de coopération", "fr")),
    ]
    for lang, first in (("fr-CA", "fr"), ("en", "en")):
        [names] = describe(MISSION, rows, LABELS, lang).properties
        assert names.values[0].language == first


def test_tsv_cells_read_back_as_terms() -> None:
    """The server reads its own queries' rows as TSV (N-Triples terms) into JSON terms."""
    from server.indexes import _term

    for literal in (
        ox.Literal('tab\tline\nquote" back\\ é'),
        ox.Literal("x", language="fr-ca"),
        ox.Literal("2017-05", datatype=ox.NamedNode(XSD + "gYearMonth")),
    ):
        term = _term(str(literal))
        assert term["value"] == literal.value
        assert term.get("xml:lang") == (literal.language or None)
    assert _term(f"<{ID}x>") == {"type": "uri", "value": ID + "x"}
    assert _term(f'"8"^^<{XSD}string>') == {"type": "literal", "value": "8"}
