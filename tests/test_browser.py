"""The site in a real browser: Debian's chromium, headless, driven by Playwright.

Against ``passerelles serve`` on a loopback port (the ``server`` fixture), the walk of
the issue: the IRI of Co-Actions, a person, a mission, the language switch, the search
with and without accents, the map's markers with no tiles, the who-met-whom network
drawn; a screenshot of each kind of page goes to ``$TEST_OUTPUT/screenshots`` (default
``test-output/``). No request may leave the server. ``playwright install`` is never
run: the browser is the system's, and the tests skip only when it is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from server_fixtures import Server

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCREENSHOTS = Path(os.environ.get("TEST_OUTPUT", "test-output")) / "screenshots"
ID = "https://w3id.org/passerelles/id/"
NETWORK_DRAWN = "() => window.passerellesNetwork && window.passerellesNetwork.nodes().length > 10"


class Visit:
    """A browser tab on the server that records every URL it asks for, and page errors."""

    def __init__(self, browser: Browser, server: Server, **options: Any) -> None:
        self.base = server.base
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", **options
        )
        self.page: Page = self.context.new_page()
        self.requested: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requested.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def follow(self, selector: str) -> None:
        """Click the first link of <main> that matches, and wait for the page it opens."""
        with self.page.expect_navigation():
            self.page.locator(f"main {selector}").first.click()
        self.page.wait_for_load_state("networkidle")

    def shoot(self, name: str, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def heading(self) -> str:
        return self.page.locator("main h1").first.inner_text().strip()

    def stayed_home(self) -> None:
        """Nothing was fetched from anywhere but the server (no CDN, no map tiles)."""
        foreign = [
            u for u in self.requested if not u.startswith((self.base + "/", "data:", "blob:"))
        ]
        assert foreign == []
        assert self.errors == []


@pytest.fixture
def visit(browser: Browser, server: Server) -> Iterator[Visit]:
    tab = Visit(browser, server)
    yield tab
    tab.context.close()


def test_walk_from_the_iri_of_co_actions_to_a_person_and_a_mission(visit: Visit) -> None:
    response = visit.open("/id/organisation/co-actions")
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.response().status == 303
    assert visit.page.url == visit.base + "/page/organisation/co-actions"
    assert visit.heading() == "Co-Actions"
    visit.shoot("organisation")

    visit.follow('a[href^="/page/person/noemie-escortell"]')
    assert visit.heading() == "Noémie Escortell"
    visit.shoot("person")

    visit.follow('a[href^="/page/event/mission-"]')
    assert re.search(r"/page/event/mission-\d+", visit.page.url)
    english = visit.heading()
    assert "cooperation mission" in english
    visit.shoot("event")

    visit.follow('.langs a[hreflang="fr"]')
    french = visit.heading()
    assert "mission de coopération" in french and french != english
    assert visit.page.locator("html").get_attribute("lang") == "fr"
    visit.follow('.langs a[hreflang="en"]')
    assert visit.heading() == english
    visit.stayed_home()


@pytest.mark.parametrize("typed", ["méduse", "meduse"])
def test_search_from_the_home_page_finds_meduse(visit: Visit, typed: str) -> None:
    visit.open("/")
    visit.shoot("home")
    visit.page.fill('form[action="/search"] input[name="q"]', typed)
    with visit.page.expect_navigation():
        visit.page.press('form[action="/search"] input[name="q"]', "Enter")
    visit.page.wait_for_load_state("networkidle")
    assert "/search?" in visit.page.url
    visit.shoot("search" if typed == "méduse" else "search-without-accents")
    visit.follow('a[href^="/page/organisation/meduse"]')
    assert visit.heading() == "Méduse"
    visit.stayed_home()


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/page/place/bordeaux", "place"), ("/page/organisation/fabrique-pola", None)],
)
def test_map_markers_show_with_no_tiles(visit: Visit, path: str, kind: str | None) -> None:
    visit.open(path)
    visit.page.wait_for_selector(".map .leaflet-marker-icon")
    markers = visit.page.locator(".map .leaflet-marker-icon").count()
    assert markers == visit.page.locator(".places-map ul.places li").count() > 0
    assert visit.page.locator(".map .leaflet-tile").count() == 0
    icons = visit.page.eval_on_selector_all(
        ".map .leaflet-marker-icon", "icons => icons.map(icon => icon.getAttribute('src'))"
    )
    assert all(src.startswith("/static/vendor/leaflet/images/") for src in icons), icons
    if kind:
        visit.shoot(kind)
    visit.stayed_home()


def test_network_is_drawn_filtered_and_clickable(visit: Visit) -> None:
    visit.open("/network")
    visit.page.wait_for_function(NETWORK_DRAWN)
    assert visit.page.locator(".network canvas").count() > 0
    visit.page.locator(".network-block").scroll_into_view_if_needed()
    visit.shoot("network", full_page=False)  # the picture, not the table under it
    mission = ID + "event/mission-1"
    visit.page.select_option("form.network-filter select[name=mission]", mission)
    shown = visit.page.evaluate(
        "() => window.passerellesNetwork.edges().not('.hidden').map(e => e.data('mission'))"
    )
    assert shown and set(shown) == {mission}
    assert "mission=" in visit.page.url  # the filter is in the address, to share or reload
    rows = visit.page.locator("table.encounters tbody tr:visible")
    assert rows.count() == len(shown)
    # A click on a node opens its page.
    node = ID + "person/noemie-escortell"
    visit.page.locator(".network-canvas").scroll_into_view_if_needed()
    box = visit.page.locator(".network-canvas").bounding_box()
    assert box is not None
    at = visit.page.evaluate(
        "id => window.passerellesNetwork.getElementById(id).renderedPosition()", node
    )
    with visit.page.expect_navigation():
        visit.page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    assert "/page/person/noemie-escortell" in visit.page.url
    visit.stayed_home()


def test_timeline_axis_on_the_home_page(visit: Visit) -> None:
    visit.open("/")
    axis = visit.page.wait_for_selector("svg.timeline-axis")
    assert axis is not None
    bars = visit.page.locator("svg.timeline-axis .event rect").count()
    assert bars == visit.page.locator("ol.timeline li[data-start]").count() > 5
    visit.stayed_home()


@pytest.mark.parametrize(
    ("path", "kind", "ready"),
    [
        ("/page/concept/cae", "concept", "main h1"),
        ("/sparql", "sparql", ".yasqe"),
    ],
)
def test_screenshots_of_the_other_kinds_of_page(
    visit: Visit, path: str, kind: str, ready: str
) -> None:
    visit.open(path)
    visit.page.wait_for_selector(ready)
    visit.shoot(kind)
    visit.stayed_home()


def test_pages_work_without_javascript(browser: Browser, server: Server) -> None:
    tab = Visit(browser, server, java_script_enabled=False)
    try:
        tab.open("/network?mission=event:mission-1&lang=fr")
        rows = tab.page.locator("table.encounters tbody tr:visible")
        assert rows.count() > 0 and tab.page.locator(".network canvas").count() == 0
        tab.page.select_option("form.network-filter select[name=mission]", ID + "event/mission-3")
        with tab.page.expect_navigation():
            tab.page.click("form.network-filter button[type=submit]")
        assert "mission-3" in tab.page.url and rows.count() > 0
        tab.open("/page/place/bordeaux")
        assert tab.page.locator(".places-map ul.places li a").count() > 0
        tab.stayed_home()
    finally:
        tab.context.close()
