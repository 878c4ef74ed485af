"""A resource's page: three queries bound to the resource, the per-build indexes, a template.

1. ``outgoing.rq``: its statements and those of its parts (a 404 when there are none);
2. ``incoming.rq``: the links to it, counted by property, and one page of them;
3. ``{kind}.rq``: what the page of its kind adds (see :mod:`kg.sections`).

Names, dates and coordinates come from :mod:`server.indexes`, read once per build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import Response, abort, render_template, request

from kg import sections
from kg.resource import (
    ADMS_IDENTIFIER,
    Binding,
    Description,
    Value,
    describe,
    identifiers,
    incoming,
)
from server.formatting import local_url
from server.i18n import part_words
from server.indexes import Indexes, about, indexes, select_all, together

TEMPLATES = {kind: f"{kind}.html" for kind in sections.BUILDERS}
SCHEMA_TYPES = {
    "person": "Person",
    "organisation": "Organization",
    "event": "Event",
    "place": "Place",
    "concept": "DefinedTerm",
    "project": "Project",
    "source": "CreativeWork",
}
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# Links out that say where else the resource is described.
ELSEWHERE = (
    OWL_SAME_AS,
    "http://xmlns.com/foaf/0.1/homepage",
    "http://xmlns.com/foaf/0.1/page",
    "https://schema.org/url",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
    "http://www.w3.org/2004/02/skos/core#broadMatch",
    "http://www.w3.org/2004/02/skos/core#narrowMatch",
    "http://www.w3.org/2004/02/skos/core#relatedMatch",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso",
    "http://purl.org/dc/terms/identifier",
)
PROVENANCE = "http://www.w3.org/ns/prov#wasDerivedFrom"
# Parts a kind's sections already show (with their anchors), by the part's type.
COVERED = {
    "person": {"http://www.w3.org/ns/org#Membership"},
    "event": {
        "https://w3id.org/passerelles/ontology#Encounter",
        "https://w3id.org/passerelles/ontology#Delegation",
    },
}


def number(name: str) -> int:
    """A page number from the query string (1 when absent or nonsense)."""
    return max(request.args.get(name, 1, type=int) or 1, 1)


def context(found: Indexes, lang: str) -> sections.Context:
    return sections.Context(
        found.labels,
        lang,
        found.dates,
        lambda iri: found.events[iri].parent if iri in found.events else None,
        lambda iri: found.events[iri].places if iri in found.events else (),
        lambda iri: iri in found.events and found.events[iri].start is None,
        found.coordinates,
        part_words(lang),
    )


def page_rows(iri: str, kind: str) -> dict[str, list[Binding]]:
    """The rows of the page's queries, asked together, by query."""
    size = sections.PAGE_SIZE
    names = (
        ("outgoing", "incoming", kind) if kind in sections.BUILDERS else ("outgoing", "incoming")
    )
    # The queries mark the lists they read a page of with LIMIT 50 (the incoming links)
    # and LIMIT 51 (a section's list: one row more tells that another page follows), and
    # the long lists they cut with LIMIT 1001 (one row more than the cap tells it was cut).
    text = together(*names).replace("LIMIT 1001", f"LIMIT {sections.CAP + 1}")
    text = text.replace("LIMIT 50 OFFSET 0", f"LIMIT {size} OFFSET {(number('in') - 1) * size}")
    text = text.replace(
        "LIMIT 51 OFFSET 0", f"LIMIT {size + 1} OFFSET {(number('more') - 1) * size}"
    )
    found: dict[str, list[Binding]] = {name: [] for name in names}
    for row in select_all(text, about(iri), stable=False):
        found[row["query"]["value"]].append(row)
    return found


def map_places(items: Iterable[sections.Located]) -> list[dict[str, Any]]:
    """What ``_map.html`` draws: the places that have coordinates, once each."""
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        if item.lat is not None and item.long is not None:
            found.setdefault(
                item.place.value,
                {
                    "label": item.place.text,
                    "lat": item.lat,
                    "long": item.long,
                    "url": local_url(item.place.value),
                },
            )
    return list(found.values())


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a ``<script>`` element: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def thing(value: Value, kind: str) -> dict[str, Any]:
    return {"@type": kind, "@id": value.value, "name": value.text}


def schema_org(
    resource: Description, kind: str, lang: str, found: Indexes, section: Any
) -> dict[str, Any]:
    """schema.org JSON-LD for search engines: the name, what it is, and its main links."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": resource.iri,
        "@type": SCHEMA_TYPES.get(kind, "Thing"),
        "name": resource.label,
        "url": request.base_url,
    }
    description = resource.text("http://purl.org/dc/terms/description", lang) or resource.text(
        "http://www.w3.org/2004/02/skos/core#definition", lang
    )
    if description:
        data["description"] = description
    other_names = sorted({v.value for v in resource.values(SKOS + "altLabel")})
    if other_names:
        data["alternateName"] = other_names
    same = [v.value for v in resource.values(OWL_SAME_AS, "http://xmlns.com/foaf/0.1/homepage")]
    if same:
        data["sameAs"] = same
    if isinstance(section, sections.PersonPage):
        data["affiliation"] = [thing(m.who, "Organization") for m in section.memberships]
    elif isinstance(section, sections.OrganisationPage):
        data["member"] = [thing(m.who, "Person") for m in section.people]
        data["location"] = [thing(p.place, "Place") for p in section.places]
    elif isinstance(section, sections.EventPage):
        start, end = found.dates(resource.iri)
        data.update({k: v["value"] for k, v in (("startDate", start), ("endDate", end)) if v})
        data["location"] = [thing(p.place, "Place") for p in section.places]
    elif isinstance(section, sections.ConceptPage):
        data["inDefinedTermSet"] = [v.value for v in resource.values(SKOS + "inScheme")]
    if resource.iri in found.coordinates:
        lat, long = found.coordinates[resource.iri]
        data["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": long}
    return {key: value for key, value in data.items() if value}


def describe_page(iri: str, kind: str, lang: str) -> dict[str, Any]:
    """Everything the page's template shows."""
    found = indexes()
    words = part_words(lang)
    rows = page_rows(iri, kind)
    if not rows["outgoing"]:
        abort(404, f"nothing is known here about {iri}")
    resource = describe(iri, rows["outgoing"], found.labels, lang, words)
    links = incoming(rows["incoming"], found.labels, lang, words)
    total = sum(prop.count for prop in links)
    builder = sections.BUILDERS.get(kind)
    section: Any = None
    if builder is not None:
        section = builder(context(found, lang), iri, rows[kind], number("more"))
    return {
        "resource": resource,
        "section": section,
        "incoming": links,
        "incoming_total": total,
        "incoming_pages": sections.Paged(
            [], number("in"), max(1, -(-total // sections.PAGE_SIZE)), total
        ),
        # Official codes are shown with the links out (kg.resource.identifiers), not as parts.
        "parts": [
            part
            for part in resource.parts
            if not {t.value for t in part.types} & (COVERED.get(kind, set()) | {ADMS_IDENTIFIER})
        ],
        "elsewhere": [p for p in resource.properties if p.iri in ELSEWHERE],
        "identifiers": identifiers(resource),
        "provenance": resource.values(PROVENANCE),
        "jsonld": json_ld(schema_org(resource, kind, lang, found, section)),
        "event": found.events.get(iri),
        "cap": sections.CAP,
    }


def render_page(iri: str, kind: str, slug: str, lang: str) -> Response:
    view = describe_page(iri, kind, lang)
    template = TEMPLATES.get(kind, "resource.html")
    body = render_template(
        template,
        kind=kind,
        slug=slug,
        lang=lang,
        map_places=map_places,
        **view,
    )
    return Response(body, content_type="text/html; charset=utf-8")
