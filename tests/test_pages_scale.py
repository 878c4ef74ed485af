"""Pages of a generated graph: a hub's long lists are cut, and read no more rows than shown.

A ~20k-triple graph of :mod:`kg.generate` is built; its most visited organisation (a
"hub") has more visits than the cap (lowered here, so that a small graph shows what a
large one does: the queries are the real ones, their ``LIMIT`` set from ``CAP``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_http_pages import Page, page

from kg import generate, sections
from kg.build import build
from server import close, create_app, resource_page

CAP = 1  # a hub of 20k triples has a few visits only
HUB = """
PREFIX ess: <https://w3id.org/passerelles/ontology#>
SELECT ?hub (COUNT(?event) AS ?events) (SUM(IF(EXISTS { ?event a ess:SiteVisit }, 1, 0)) AS ?visits)
WHERE { ?event ess:visited ?hub }
GROUP BY ?hub ORDER BY DESC(?visits) DESC(?events) STR(?hub) LIMIT 1
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate.write_project(folder / "project", 20_000, 42)
    assert build(folder / "project", folder / "store").report.conforms
    return folder / "store"


@pytest.fixture(scope="module")
def app(generated: Path) -> Iterator[Flask]:
    made = create_app({"store": str(generated)})
    yield made
    close(made)


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sections, "CAP", CAP)
    return CAP


def hub(store: Path) -> tuple[str, int, int]:
    """The most visited organisation's page path, how many events visited it (its visits
    and their missions), and how many visits."""
    found = ox.Store.read_only(str(store))
    row = next(iter(found.query(HUB, use_default_graph_as_union=True)))
    events, visits = int(row["events"].value), int(row["visits"].value)
    return "/page/" + row["hub"].value.split("/id/", 1)[1], events, visits


def visits_shown(client: FlaskClient, path: str) -> tuple[set[str], Page]:
    """The visits the page's "visited by" section links to, and the whole page."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = html.split('<section id="visits">', 1)[1].split("</section>", 1)[0]
    return {link for link in Page(section).links if "/page/event/visit-" in link}, Page(html)


def test_a_hub_has_more_visits_than_the_cap(generated: Path) -> None:
    assert hub(generated)[2] > CAP


def test_a_hub_page_shows_the_cap_and_says_the_list_is_cut(
    app: Flask, generated: Path, capped: int
) -> None:
    path, _, _ = hub(generated)
    visits, shown = visits_shown(app.test_client(), path)
    assert 0 < len(visits) <= capped
    assert shown.all("p", **{"class": "cut"}), "the cut list says so"
    assert "#incoming" in shown.links  # where every link to the hub is, page by page


def test_under_the_usual_cap_every_visit_is_shown(app: Flask, generated: Path) -> None:
    path, _, total = hub(generated)
    visits, shown = visits_shown(app.test_client(), path)
    assert len(visits) == total > CAP
    assert not shown.all("p", **{"class": "cut"})


def test_the_cut_page_reads_no_more_rows_than_the_cap_allows(
    app: Flask, generated: Path, capped: int
) -> None:
    path, _, _ = hub(generated)
    iri = "https://w3id.org/passerelles/id/" + path.removeprefix("/page/")
    with app.test_request_context(path):
        rows = resource_page.page_rows(iri, "organisation")["organisation"]
    events = [row for row in rows if row["section"]["value"] == "event"]
    assert len(events) == capped + 1  # one more than the cap: the list was cut


def test_a_country_lists_the_cap_of_what_is_there(app: Flask, capped: int) -> None:
    shown = page(app.test_client(), "/page/place/france")
    here = shown.section("here")
    assert f"({capped})" in here  # the heading counts what the page read: the cap
    assert shown.all("p", **{"class": "cut"})
