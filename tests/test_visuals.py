"""The pictures' data and partials: /-/network.json, /-/places.json, /-/timeline.json,
/network, and _map/_network/_timeline.html, on the real built graph.

HTML is checked by structure (parsed with ``html.parser``); the browser side is in
``test_browser.py``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

ID = "https://w3id.org/passerelles/id/"
CGET = Path(__file__).resolve().parents[1] / "data/external/cget-tiers-lieux-2019"


def cget_sites(insee: str) -> set[str]:
    """The slugs of the imported tiers-lieux sites in one commune (data/imports.toml)."""
    with (CGET / "CGET_TiersLieux_2019.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {f"cget-tiers-lieux-2019-{r['ID']}" for r in rows if r["INSEECOM"] == insee}


ESS = "https://w3id.org/passerelles/ontology#"
NOEMIE, CECILE = ID + "person/noemie-escortell", ID + "person/cecile-marsan"
MISSION_1 = ID + "event/mission-1"
HOSTILE = "<script>alert(1)</script>"
QUOTED = "' onmouseover='alert(2)"
Rows = list[dict[str, str]]


class Html(HTMLParser):
    """Every element (tag, attributes) and the text inside each, as parsed."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[list[str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text: list[str] = []
        self.elements.append((tag, {k: v or "" for k, v in attrs}, text))
        if tag not in self.VOID:
            self._open.append(text)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for text in self._open:
            text.append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[dict[str, str], str]]:
        """(attributes, text) of the elements of ``tag`` whose attributes contain ``attrs``."""
        return [
            (a, "".join(text).strip())
            for t, a, text in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def get_json(client: FlaskClient, path: str, **params: str) -> Any:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def ends(edge: dict[str, Any]) -> set[str]:
    return {edge["source"], edge["target"]}


def encounters(select: Callable[..., Rows], mission: str | None = None) -> set[str]:
    """The encounters of the graph (of one mission), asked without the server."""
    rows = select(
        f"""PREFIX ess: <{ESS}> PREFIX schema: <https://schema.org/>
        SELECT DISTINCT ?e ?mission WHERE {{
          ?e a ess:Encounter ; ess:during ?event .
          ?event schema:superEvent? ?mission . ?mission a ess:CooperationMission }}""",
        **({"mission": mission} if mission else {}),
    )
    return {row["e"] for row in rows}


# -- /-/network.json --------------------------------------------------------------------------


def test_network_has_every_encounter_as_an_edge_between_nodes(
    client: FlaskClient, select: Callable[..., Rows]
) -> None:
    data = get_json(client, "/-/network.json", lang="en")
    nodes = {node["id"]: node for node in data["nodes"]}
    assert len(nodes) == len(data["nodes"]) > 10
    assert {edge["id"] for edge in data["edges"]} == encounters(select)
    for edge in data["edges"]:
        assert ends(edge) <= nodes.keys(), edge
        assert edge["evidence"].startswith(ESS) and edge["evidence_label"]
    assert any(ends(edge) == {NOEMIE, CECILE} for edge in data["edges"])
    assert {node["kind"] for node in nodes.values()} == {"person", "organisation", "delegation"}
    assert nodes[NOEMIE]["label"] == "Noémie Escortell"
    assert nodes[NOEMIE]["url"] == "/page/person/noemie-escortell?lang=en"
    assert nodes[ID + "event/mission-1#delegation"]["kind"] == "delegation"
    assert [m["id"] for m in data["missions"]] == [ID + f"event/mission-{n}" for n in (1, 2, 3)]
    legend = {e["key"]: e["label"] for e in data["legend"]["evidence"]}
    assert legend["TravelledTogether"] == "travelled together (attested)"


def test_network_filtered_by_mission_keeps_only_its_encounters(
    client: FlaskClient, select: Callable[..., Rows]
) -> None:
    data = get_json(client, "/-/network.json", mission="event:mission-1")
    assert {edge["mission"] for edge in data["edges"]} == {MISSION_1}
    assert {edge["id"] for edge in data["edges"]} == encounters(select, MISSION_1)
    nodes = {node["id"] for node in data["nodes"]}
    assert set().union(*map(ends, data["edges"])) == nodes
    assert [m["id"] for m in data["missions"]] == [MISSION_1]


def test_network_around_a_person_and_an_organisation(
    client: FlaskClient, select: Callable[..., Rows]
) -> None:
    person = get_json(client, "/-/network.json", around="person:noemie-escortell")
    assert person["edges"] and all(NOEMIE in ends(edge) for edge in person["edges"])
    organisation = ID + "organisation/co-actions"
    agents = select(
        """PREFIX ess: <https://w3id.org/passerelles/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?organisation ?agent WHERE { ?agent org:memberOf|ess:sentBy ?organisation }""",
        organisation=organisation,
    )
    ours = {row["agent"] for row in agents} | {organisation}
    around = get_json(client, "/-/network.json", around=organisation)
    assert {NOEMIE, CECILE, ID + "event/mission-1#delegation"} <= ours
    assert around["edges"] and all(ends(edge) & ours for edge in around["edges"])
    both = get_json(client, "/-/network.json", around=NOEMIE, mission="event:mission-3")
    assert both["edges"] and {edge["mission"] for edge in both["edges"]} == {ID + "event/mission-3"}


@pytest.mark.parametrize(
    ("path", "name"),
    [("/-/network.json", "mission"), ("/-/network.json", "around"), ("/-/places.json", "about")],
)
def test_a_parameter_that_is_not_an_iri_is_a_400(client: FlaskClient, path: str, name: str) -> None:
    response = client.get(path, query_string={name: "not an iri"})
    assert response.status_code == 400
    assert name in response.get_data(as_text=True)


def test_network_labels_follow_the_readers_language(client: FlaskClient) -> None:
    french = get_json(client, "/-/network.json", mission=MISSION_1, lang="fr")
    labels = {e["key"]: e["label"] for e in french["legend"]["evidence"]}
    assert labels["TravelledTogether"] == "ont voyagé ensemble (attesté)"
    assert french["missions"][0]["label"] == "1re mission de coopération"
    english = client.get("/-/network.json", headers={"Accept-Language": "en-GB,fr;q=0.5"})
    assert english.get_json()["missions"][0]["label"] == "1st cooperation mission"


# -- /-/places.json ---------------------------------------------------------------------------


def test_places_have_coordinates(client: FlaskClient) -> None:
    places = {p["iri"]: p for p in get_json(client, "/-/places.json", lang="fr")["places"]}
    expected = {
        "bordeaux": (44.84044, -0.5805),
        "ville-de-quebec": (46.81228, -71.21454),
        "libourne": (44.91114, -0.242832),
    }
    for slug, (lat, long) in expected.items():
        place = places[ID + "place/" + slug]
        assert (place["lat"], place["long"]) == (lat, long)
        assert place["url"] == f"/page/place/{slug}?lang=fr"
    assert places[ID + "place/ville-de-quebec"]["label"] == "Québec (ville)"


@pytest.mark.parametrize(
    ("about", "slugs"),
    [
        ("place:bordeaux", {"bordeaux", "la-ruche-bordeaux-site"} | cget_sites("33063")),
        ("event:mission-1", {"ville-de-quebec", "baie-saint-paul", "montreal"}),
        (
            "organisation:fabrique-pola",
            {"fabrique-pola-site", "ville-de-quebec", "baie-saint-paul"},
        ),
        ("organisation:meduse", set()),  # only its country is known
    ],
)
def test_places_of_a_resource(client: FlaskClient, about: str, slugs: set[str]) -> None:
    places = get_json(client, "/-/places.json", about=about)["places"]
    assert {p["iri"] for p in places} == {ID + "place/" + slug for slug in slugs}


def test_an_organisation_without_location_has_its_regions_places(client: FlaskClient) -> None:
    places = get_json(client, "/-/places.json", about="organisation:co-actions")["places"]
    found = {p["iri"].rpartition("/")[2] for p in places}
    assert {"bordeaux", "libourne", "ville-de-quebec"} <= found  # its region, its missions


# -- /-/timeline.json -------------------------------------------------------------------------


def test_timeline_is_in_order_with_kinds_and_dates(client: FlaskClient) -> None:
    events = get_json(client, "/-/timeline.json", lang="fr")["events"]
    starts = [event["start"] for event in events]
    assert starts == sorted(starts)
    missions = [e["iri"] for e in events if e["kind"] == "mission"]
    assert missions == [ID + f"event/mission-{n}" for n in (1, 2, 3, 4)]
    first = next(e for e in events if e["iri"] == MISSION_1)
    assert (first["start"], first["end"]) == ("2016-09-05", "2016-09-10")
    assert first["when"] == "du 5 septembre 2016 au 10 septembre 2016"
    assert first["kind_label"] == "mission de coopération"
    planned = [e["iri"] for e in events if e["planned"]]
    assert planned == [ID + "event/mission-4"]
    assert {e["kind"] for e in events} <= {"mission", "forum", "meeting", "visit"}


# -- pages and partials -----------------------------------------------------------------------


def test_network_page_works_without_javascript(client: FlaskClient) -> None:
    response = client.get("/network", query_string={"lang": "en", "mission": "event:mission-1"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = Html(response.get_data(as_text=True))
    [(form, _)] = page.find("form", class_="network-filter")
    assert form["action"] == "/network" and form["method"] == "get"
    options = page.find("option")
    assert len(options) == 5 and options[0][0]["value"] == ""
    assert [a for a, _ in options if "selected" in a] == [{"value": MISSION_1, "selected": ""}]
    [(network, _)] = page.find("div", class_="network")
    assert network["data-src"] == "/-/network.json?lang=en" and network["data-mission"] == MISSION_1
    assert page.find("a", href="/-/network.json?lang=en")  # the fallback link to the data
    rows = [a for a, _ in page.find("tr") if "data-mission" in a]
    shown = [a["data-mission"] for a in rows if "hidden" not in a]
    assert len(rows) == len(get_json(client, "/-/network.json")["edges"])
    assert shown and set(shown) == {MISSION_1}
    scripts = [a["src"] for a, _ in page.find("script")]
    assert scripts == ["/static/vendor/cytoscape/cytoscape.min.js", "/static/network.js"]


def render(app: Flask, template: str, **context: Any) -> Html:
    with app.test_request_context("/?lang=en"):
        return Html(render_template_string(f'{{% include "{template}" %}}', lang="en", **context))


def test_map_partial_lists_the_places_and_carries_them_for_the_script(app: Flask) -> None:
    places = [{"label": "Bordeaux", "lat": 44.84, "long": -0.58, "url": "/page/place/bordeaux"}]
    page = render(app, "_map.html", places=places)
    [(div, _)] = page.find("div", class_="map")
    assert json.loads(div["data-places"]) == places
    assert div["data-icons"] == "/static/vendor/leaflet/images/"
    assert "data-tiles" not in div  # no tile server unless a deployment names one
    assert page.find("a", href="/page/place/bordeaux")[0][1] == "Bordeaux"
    assert "44.84, -0.58" in page.find("span", class_="coordinates")[0][1]
    assert render(app, "_map.html", places=[]).elements == []


def test_timeline_partial_is_an_ordered_list_of_dated_links(app: Flask) -> None:
    events = [
        {
            "label": "1st mission",
            "start": "2016-09-05",
            "end": "2016-09-10",
            "url": "/page/event/mission-1",
            "kind": "mission",
            "when": "from 5 to 10 September 2016",
        }
    ]
    page = render(app, "_timeline.html", events=events)
    [(li, text)] = page.find("li")
    assert (li["data-start"], li["data-end"], li["data-kind"]) == (
        "2016-09-05",
        "2016-09-10",
        "mission",
    )
    assert page.find("time", datetime="2016-09-05")[0][1] == "from 5 to 10 September 2016"
    assert page.find("a", href="/page/event/mission-1")[0][1] == "1st mission"
    assert page.find("ol", class_="timeline")


@pytest.mark.parametrize("label", [HOSTILE, QUOTED])
def test_partials_escape_hostile_labels(app: Flask, label: str) -> None:
    places = [{"label": label, "lat": 1.5, "long": 2.5, "url": "/page/place/x"}]
    events = [
        {
            "label": label,
            "start": "2017",
            "end": "2017",
            "url": "/page/event/x",
            "kind": "forum",
            "when": label,
            "kind_label": label,
        }
    ]
    for template, context in (
        ("_map.html", {"places": places}),
        ("_timeline.html", {"events": events}),
        ("_network.html", {"network_url": "/-/network.json?x=" + label}),
    ):
        page = render(app, template, **context)
        assert all("alert" not in text for _, text in page.find("script")), template
        assert all(not name.startswith("on") for _, a, _ in page.elements for name in a), template
    [(div, _)] = render(app, "_map.html", places=places).find("div", class_="map")
    assert json.loads(div["data-places"])[0]["label"] == label  # the text, intact
