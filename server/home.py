"""The way in: the home page, the search, lists of organisations and people.

The dataset's description, dumps and sitemap are in :mod:`server.dataset`.
Everything here reads the per-build indexes (:mod:`server.indexes`) and one cached
catalogue of organisations: a home page or a search costs no query at all once
they are loaded.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from kg.labels import fold, pick
from kg.resource import Value
from kg.sections import Paged, paginate
from kg.terms import SOURCE_DOCUMENT
from server.formatting import local_path, local_url
from server.i18n import words
from server.indexes import ESS, Indexes, Name, build_key, cells_all, indexes, page_query
from server.linked_data import reader_language
from server.resource_page import json_ld
from server.visuals import timeline_events

bp = Blueprint("home", __name__)

ORG = "http://www.w3.org/ns/org#"
FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"
COUNTED = {  # i18n key -> class counted on the home page
    "n_persons": FOAF_PERSON,
    "n_organisations": ORG + "Organization",
    "n_missions": ESS + "CooperationMission",
    "n_forums": ESS + "Forum",
    "n_visits": ESS + "SiteVisit",
    "n_encounters": ESS + "Encounter",
}
TIMELINE = {
    ESS + "CooperationMission": "mission",
    ESS + "Forum": "forum",
    ESS + "Meeting": "meeting",
}
SCHEDULED = "https://schema.org/EventScheduled"
SHOWN = 12  # names listed under each group of the home page before "see all"
TIMELINE_SHOWN = 100  # the latest events on the home page; /-/timeline.json has them all
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    matched: str
    kind: str
    url: str
    rank: tuple[int, str]


@cache
def _facets(build: str) -> dict[str, dict[str, set[str]]]:
    """{organisation: {"country"|"region"|"form": {IRIs}}} for every organisation."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    facets = {"classification": "form", "legalForm": "form"}
    for organisation, how, value in cells_all(page_query("index-organisations").text):
        facet = how[1:-1].rsplit("#", 1)[-1]
        found[organisation[1:-1]][facets.get(facet, facet)].add(sys.intern(value[1:-1]))
    return found


def organisations(found: Indexes) -> list[str]:
    return sorted(iri for iri, kinds in found.types.items() if ORG + "Organization" in kinds)


def name(found: Indexes, iri: str, lang: str) -> str:
    return pick(found.labels.get(iri, {}), lang) or iri.rsplit("/", 1)[-1]


def organisation_tree(found: Indexes, lang: str) -> list[dict[str, Any]]:
    """Country → region → form → organisations, each level in alphabetical order, each
    group with how many organisations it holds ("" for a country, region or form not given;
    an organisation of two forms is under both)."""
    facets = _facets(build_key())
    # Sorted by name once: every group then lists its members in the order they come.
    ordered = sorted(organisations(found), key=lambda o: fold(name(found, o, lang)))
    paths = [
        (country, region, form, org)
        for org in ordered
        for country in facets.get(org, {}).get("country") or {""}
        for region in facets.get(org, {}).get("region") or {""}
        for form in facets.get(org, {}).get("form") or {""}
    ]

    def level(items: Sequence[tuple[str, ...]], depth: int) -> list[dict[str, Any]]:
        groups: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for item in items:
            groups[item[depth]].append(item)
        found_groups = []
        for key, group in groups.items():
            members = list(dict.fromkeys(item[3] for item in group))
            children = level(group, depth + 1) if depth < 2 else []
            label = name(found, key, lang) if key else ""
            found_groups.append(
                {
                    "iri": key,
                    "label": label,
                    "count": len(members),
                    "members": members,
                    "children": children,
                }
            )
        return sorted(found_groups, key=lambda g: (g["iri"] == "", fold(g["label"])))

    return level(paths, 0)


def term(literal: Any) -> Value | None:
    return Value(literal["value"], "literal", datatype=literal.get("datatype")) if literal else None


def network_page() -> str | None:
    """The network page, when the app has one (another part of the site provides it)."""
    rules = {rule.rule for rule in current_app.url_map.iter_rules()}
    return request.script_root + "/network" if "/network" in rules else None


@bp.after_request
def by_language(response: Response) -> Response:
    """Every page here is in the reader's language: caches must keep one per language."""
    response.vary.add("Accept-Language")
    return response


@bp.get("/")
def home() -> str:
    """What the dataset is and where it comes from, its figures, and the ways in."""
    lang = reader_language()
    return _home(build_key(), lang, request.url)


@lru_cache(maxsize=32)
def _home(build: str, lang: str, url: str) -> str:
    """The home page changes with the build, the language and its URL only: it is
    made once for each (its lists sort every organisation and person by name)."""
    found = indexes()
    base = current_app.config["PASSERELLES"]["base"]
    people = sorted(
        (iri for iri, kinds in found.types.items() if FOAF_PERSON in kinds),
        key=lambda p: fold(name(found, p, lang)),
    )
    # Visits have no dates of their own: the timeline shows their missions.
    events = [e for e in timeline_events(lang) if e["kind"] != "visit"]
    return render_template(
        "home.html",
        lang=lang,
        found=found,
        name=name,
        counts={key: found.counts.get(cls, 0) for key, cls in COUNTED.items()},
        tree=organisation_tree(found, lang),
        people=people,
        events=events[-TIMELINE_SHOWN:],
        events_total=len(events),
        source=f"{base}source/{str(SOURCE_DOCUMENT).rsplit('/', 1)[-1]}",
        glossary=f"{base}id/concept/ess-glossary",
        licence=LICENCE,
        network_page=network_page(),
        shown=SHOWN,
        jsonld=json_ld(dataset_jsonld(lang)),
    )


def dataset_jsonld(lang: str) -> dict[str, Any]:
    """schema.org's description of the dataset, for search engines."""
    root = request.url_root
    dumps = [("passerelles.ttl.gz", "text/turtle"), ("passerelles.nq.gz", "application/n-quads")]
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": url_for("dataset.void", _external=True) + "#dataset",
        "name": "Passerelles",
        "description": words(lang)["about"],
        "url": root,
        "license": LICENCE,
        "inLanguage": ["fr", "en"],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": media,
                "contentUrl": url_for("dataset.dump", name=name, _external=True),
            }
            for name, media in dumps
        ],
    }


def kind_of(iri: str, base: str) -> str:
    rest = iri[len(base) :]
    if rest.startswith("id/"):
        return rest[3:].split("/")[0]
    return "source" if rest.startswith("source/") else "ontology"


def rank(folded: str, wanted: str, at: int) -> int:
    """How well a label matches: whole, at its start, at a word's start, anywhere."""
    if folded == wanted:
        return 0
    return 1 if at == 0 else 2 if folded[at - 1] in " -'’(" else 3


def search_index(query: str, kind: str = "") -> list[tuple[tuple[int, str], Name]]:
    """Each resource with a page (of ``kind``) that has a label containing ``query``, accents
    and case aside, with its best label, best first. Only folded strings are compared
    here: the page's hits alone are then named and linked."""
    wanted = fold(query)
    if not wanted:
        return []
    base = current_app.config["PASSERELLES"]["base"]
    best: dict[str, tuple[tuple[int, str], Name]] = {}
    for entry in indexes().names:
        at = entry.folded.find(wanted)
        if at >= 0:
            key = (rank(entry.folded, wanted, at), entry.folded)
            if entry.iri not in best or key < best[entry.iri][0]:
                best[entry.iri] = (key, entry)
    return sorted(
        (
            found
            for iri, found in best.items()
            if local_path(iri, base) and (not kind or kind_of(iri, base) == kind)
        ),
        key=lambda found: found[0],
    )


def hit(entry: Name, rank: tuple[int, str], lang: str) -> Hit:
    base = current_app.config["PASSERELLES"]["base"]
    label = pick(indexes().labels.get(entry.iri, {}), lang) or entry.label
    url = local_url(entry.iri) or ""
    return Hit(entry.iri, label, entry.label, kind_of(entry.iri, base), url, rank)


@bp.get("/search")
def search() -> Response | str:
    """Labels in both languages, found accent- and case-insensitively; HTML or JSON."""
    lang = reader_language()
    query = request.args.get("q", "")[:200]
    kind = request.args.get("kind", "")
    found = paginate(search_index(query, kind), request.args.get("page", 1, type=int) or 1)
    hits = [hit(entry, key, lang) for key, entry in found.items]
    page: Paged[Hit] = Paged(hits, found.number, found.count, found.total)
    if request.args.get("format") == "json":
        results = [
            {"iri": h.iri, "label": h.label, "matched": h.matched, "kind": h.kind, "url": h.url}
            for h in page.items
        ]
        return jsonify(
            query=query, total=page.total, page=page.number, pages=page.count, results=results
        )
    return render_template("search.html", lang=lang, query=query, page=page, kind=kind)


def matches(facets: dict[str, set[str]], wanted: dict[str, str]) -> bool:
    """Whether an organisation has the country, region and form asked ("-": none given)."""
    return all(
        not facets.get(facet) if value == "-" else value in facets.get(facet, ())
        for facet, value in wanted.items()
    )


@lru_cache(maxsize=64)
def _members(build: str, kind: str, facets: tuple[tuple[str, str], ...], lang: str) -> list[str]:
    """The people, or the organisations of some country, region and form, by name: sorted
    once for each build, list and language, and then only paged (a million triples hold
    tens of thousands of them)."""
    found = indexes()
    if kind == "person":
        members = [iri for iri, kinds in found.types.items() if FOAF_PERSON in kinds]
    else:
        known, wanted = _facets(build), {facet: value for facet, value in facets if value}
        members = [org for org in organisations(found) if matches(known.get(org, {}), wanted)]
    return sorted(members, key=lambda iri: fold(name(found, iri, lang)))


@bp.get("/browse/<any(organisation, person):kind>")
def browse(kind: str) -> str:
    """Every organisation (of a country, region or form) or every person, 50 a page."""
    lang = reader_language()
    found = indexes()
    wanted = tuple((f, request.args.get(f, "")) for f in ("country", "region", "form"))
    members = _members(build_key(), kind, wanted if kind == "organisation" else (), lang)
    page = paginate(members, request.args.get("page", 1, type=int) or 1)
    title = words(lang)["all_people" if kind == "person" else "organisations"]
    return render_template(
        "search.html",
        lang=lang,
        query="",
        browse=title,
        kind=kind,
        page=Paged(
            [
                Hit(i, name(found, i, lang), "", kind, local_url(i) or "", (0, ""))
                for i in page.items
            ],
            page.number,
            page.count,
            page.total,
        ),
    )
