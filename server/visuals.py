"""Pictures of the graph: the who-met-whom network, the map of places, the timeline.

Data endpoints under ``/-/`` (Datasette's place for them), each the JSON twin of a
picture: ``/-/network.json[?mission=IRI][&around=IRI]``, ``/-/places.json[?about=IRI]``
and ``/-/timeline.json``; and the ``/network`` page. Names come from the per-build
indexes (:mod:`server.indexes`) through :func:`kg.resource.term_label`, in the
reader's language; links keep the reader's ``?lang=``.

The resource pages fill the partials with these helpers (each also a template global):

- ``places_for(iri: str | None = None, lang: str | None = None) -> list[dict]``: the
  places with coordinates of a resource (every such place when ``iri`` is None), for
  ``_map.html`` (context ``places``); each ``{"iri", "label", "lat", "long", "url"}``.
- ``timeline_events(lang: str | None = None) -> list[dict]``: every dated event in
  order, for ``_timeline.html`` (context ``events``); each ``{"iri", "label", "start",
  "end", "when", "url", "kind", "kind_label", "planned"}`` (``kind``: mission, forum,
  meeting or visit; ``start``/``end`` as the data gives them, ``when`` formatted).
- ``network_url(around: str | None = None, mission: str | None = None) -> str``: the
  JSON that ``_network.html`` (context ``network_url``) draws, in the reader's language.

``lang`` defaults to the reader's language (``?lang=``, else Accept-Language).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask import url_for as flask_url_for

from kg.executor import QueryFailed
from kg.labels import fold
from kg.queries import PARAM_TYPES, NamedQuery, QueryError, load_queries
from kg.resource import Binding, term_label, value
from server.answers import STATUS
from server.formatting import local_url, period
from server.indexes import Event, indexes, select, select_all
from server.linked_data import reader_language

bp = Blueprint("visuals", __name__)

ESS = "https://w3id.org/passerelles/ontology#"
MISSION = ESS + "CooperationMission"
EVENT_KINDS = {MISSION: "mission", ESS + "Forum": "forum", ESS + "Meeting": "meeting",
               ESS + "SiteVisit": "visit"}  # fmt: skip
NODE_KINDS = {"person": "http://xmlns.com/foaf/0.1/Person",
              "organisation": "http://www.w3.org/ns/org#Organization",
              "delegation": ESS + "Delegation"}  # fmt: skip
PLANNED = "https://schema.org/EventScheduled"
TABLE_ROWS = 500  # encounters listed under the picture on /network
# Most encounters a network reads: past a few thousand edges a picture shows nothing, and
# the whole network of a large graph is millions (the JSON's "cut" says it was cut).
NETWORK_ROWS = 5000


@cache
def _queries(root: str) -> dict[str, NamedQuery]:
    return load_queries(Path(root) / "queries" / "visuals")


def _rows(name: str, limit: int | None = None, **values: str) -> list[Binding]:
    """The rows of ``queries/visuals/{name}.rq``, its parameters bound (400 if invalid):
    every one, or the first ``limit``."""
    query = _queries(current_app.config["PASSERELLES"]["root"])[name]
    try:
        if limit is not None:
            return select(f"{query.text}\nLIMIT {limit}", query.bind(values))
        return select_all(query.text, query.bind(values))
    except QueryError as error:
        abort(400, str(error))
    except QueryFailed as failed:
        abort(STATUS[failed.kind], str(failed))


def _iri(name: str, text: str) -> str:
    """A parameter as a full IRI, the way the queries bind it (``event:mission-1`` expanded)."""
    try:
        return str(PARAM_TYPES["iri"](text).value)
    except ValueError as error:
        abort(400, f"{name}: {error}")


def _name(iri: str, lang: str) -> str:
    return term_label(iri, indexes().labels, lang)


def _place(iri: str, lang: str) -> dict[str, Any]:
    lat, long = indexes().coordinates[iri]
    return {"iri": iri, "label": _name(iri, lang), "lat": lat, "long": long, "url": local_url(iri)}


@bp.app_template_global()
def places_for(iri: str | None = None, lang: str | None = None) -> list[dict[str, Any]]:
    """The places with coordinates of a resource, or all of them (see the module's docstring)."""
    lang = lang or reader_language()
    known = indexes().coordinates
    found = [row["place"]["value"] for row in _rows("places-about", resource=iri)] if iri else known
    places = [_place(place, lang) for place in dict.fromkeys(found) if place in known]
    return sorted(places, key=lambda place: fold(place["label"]))


def _event(event: Event, kind: str, lang: str) -> dict[str, Any]:
    assert event.start is not None
    start, end = (value(term, {}, lang) if term else None for term in (event.start, event.end))
    return {
        "iri": event.iri,
        "label": _name(event.iri, lang),
        "url": local_url(event.iri),
        "start": event.start["value"],
        "end": (event.end or event.start)["value"],
        "when": period(start, end, lang),
        "kind": EVENT_KINDS[kind],
        "kind_label": _name(kind, lang),
        "planned": event.status == PLANNED,
    }


@bp.app_template_global()
def timeline_events(lang: str | None = None) -> list[dict[str, Any]]:
    """Every dated mission, forum, meeting and visit, in order (see the module's docstring)."""
    lang = lang or reader_language()
    events = [
        _event(event, min(event.types & EVENT_KINDS.keys()), lang)
        for event in indexes().events.values()
        if event.start is not None and event.types & EVENT_KINDS.keys()
    ]
    return sorted(events, key=lambda e: (e["start"], e["end"], e["label"]))


@bp.app_template_global()
def network_url(around: str | None = None, mission: str | None = None) -> str:
    """The network JSON around a resource and/or of one mission, in the reader's language."""
    lang = reader_language()
    return flask_url_for("visuals.network_json", around=around, mission=mission, lang=lang)


def mission_choices(lang: str) -> list[dict[str, Any]]:
    """Every cooperation mission, in order: ``{"id", "label", "url"}``."""
    missions = [event for event in indexes().events.values() if MISSION in event.types]
    missions.sort(key=lambda e: ((e.start or {}).get("value", ""), e.number or 0, e.iri))
    return [{"id": e.iri, "label": _name(e.iri, lang), "url": local_url(e.iri)} for e in missions]


def _node(row: Mapping[str, Mapping[str, str]], end: str, lang: str) -> dict[str, Any]:
    iri = row[end]["value"]
    kind = row[end + "Kind"]["value"]
    return {"id": iri, "label": _name(iri, lang), "kind": kind, "url": local_url(iri)}


def _edge(row: Mapping[str, Mapping[str, str]], lang: str) -> dict[str, Any]:
    event, evidence = row["event"]["value"], row["evidence"]["value"]
    return {
        "id": row["encounter"]["value"],
        "source": row["a"]["value"],
        "target": row["b"]["value"],
        "evidence": evidence,
        "evidence_label": _name(evidence, lang),
        "event": event,
        "event_label": _name(event, lang),
        "event_url": local_url(event),
        "mission": row["mission"]["value"] if "mission" in row else None,
    }


def _legend(evidence: set[str], lang: str) -> dict[str, list[dict[str, str]]]:
    kinds = [{"key": key, "label": _name(iri, lang)} for key, iri in NODE_KINDS.items()]
    found = [{"id": e, "key": e.rpartition("#")[2], "label": _name(e, lang)} for e in evidence]
    return {"kinds": kinds, "evidence": sorted(found, key=lambda e: e["label"])}


def network(lang: str, mission: str | None = None, around: str | None = None) -> dict:
    """Nodes, edges (one per encounter), their missions and the legend; IRIs in full.
    ``cut``: whether the network had more than ``NETWORK_ROWS`` rows (then those only)."""
    limit = NETWORK_ROWS + 1
    if around:
        rows = _rows("network-around", limit, resource=around)
    elif mission:
        rows = _rows("network-of-mission", limit, mission=mission)
    else:
        rows = _rows("network", limit)
    cut = len(rows) > NETWORK_ROWS
    rows = rows[:NETWORK_ROWS]
    if around and mission:
        rows = [r for r in rows if r.get("mission", {}).get("value") == mission]
    nodes = {row[end]["value"]: _node(row, end, lang) for row in rows for end in ("a", "b")}
    edges = {row["encounter"]["value"]: _edge(row, lang) for row in rows}
    missions = {edge["mission"] for edge in edges.values()}
    return {
        "nodes": sorted(nodes.values(), key=lambda n: (n["kind"], fold(n["label"]))),
        "edges": sorted(edges.values(), key=lambda e: (e["mission"] or "", e["id"])),
        "missions": [m for m in mission_choices(lang) if m["id"] in missions],
        "legend": _legend({edge["evidence"] for edge in edges.values()}, lang),
        "cut": cut,
    }


@bp.get("/-/network.json")
def network_json() -> Response:
    """Who met whom, as nodes and edges (``?mission=``, ``?around=``: IRI or prefix:name)."""
    mission, around = (request.args.get(name) or None for name in ("mission", "around"))
    return jsonify(
        network(
            reader_language(),
            mission and _iri("mission", mission),
            around and _iri("around", around),
        )
    )


@bp.get("/-/places.json")
def places_json() -> Response:
    """The places with coordinates, or those of one resource with ``?about=IRI``."""
    about = request.args.get("about") or None
    return jsonify({"places": places_for(about and _iri("about", about))})


@bp.get("/-/timeline.json")
def timeline_json() -> Response:
    """Every dated event of the cooperation, in order."""
    return jsonify({"events": timeline_events()})


@bp.get("/network")
def network_page() -> str:
    """The whole network; ``?mission=`` hides the other missions' encounters (JS or not)."""
    lang = reader_language()
    mission = request.args.get("mission") or None
    chosen = mission and _iri("mission", mission)
    data = network(lang)
    # The chosen mission's encounters first, so that the table's limit cannot cut them off.
    edges = sorted(data["edges"], key=lambda edge: bool(chosen) and edge["mission"] != chosen)
    return render_template(
        "network.html",
        lang=lang,
        edges=edges[:TABLE_ROWS],
        total=len(edges),
        nodes={node["id"]: node for node in data["nodes"]},
        mission=mission,
        mission_iri=chosen,
        missions=mission_choices(lang),
        src=network_url(),
    )
