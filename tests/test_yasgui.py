"""The query UI of /sparql (YASGUI): the page, its local assets and config, and a real browser.

The page is checked by structure (parsed with ``html.parser``). The browser tests drive
Debian's ``chromium`` through Playwright (never ``playwright install``) against the real app
served by waitress on a loopback port; they skip, saying why, when either is missing.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from waitress.server import create_server

from kg.queries import load_queries
from kg.terms import PREFIXES
from server import close, create_app
from server.negotiate import format_key

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_QUERY = "</script><script>alert(1)</script>"
CHROMIUM_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
MEDIA = {"script": "text/javascript", "stylesheet": "text/css"}


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: tuple[str, ...]


class Page(HTMLParser):
    """A page parsed: every element (with its ancestors), and the text of some of them."""

    CAPTURED = ("script", "textarea")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.texts: dict[str, list[tuple[dict[str, str], str]]] = {t: [] for t in self.CAPTURED}
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self._ancestors: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append(Element(tag, attributes, tuple(self._ancestors)))
        if tag not in self.VOID:
            self._ancestors.append(tag)
        if tag in self.CAPTURED:
            self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._ancestors:
            del self._ancestors[len(self._ancestors) - 1 - self._ancestors[::-1].index(tag) :]
        if self._open and self._open[-1][0] == tag:
            _, attributes, parts = self._open.pop()
            self.texts[tag].append((attributes, "".join(parts)))

    def handle_data(self, data: str) -> None:
        for _, _, parts in self._open:
            parts.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [e.attrs for e in self.elements if e.tag == tag]

    def config(self) -> dict[str, Any]:
        blocks = [text for a, text in self.texts["script"] if a.get("id") == "yasgui-config"]
        assert len(blocks) == 1, "one #yasgui-config block"
        return json.loads(blocks[0])  # type: ignore[no-any-return]


def ui(client: FlaskClient, **params: str) -> tuple[str, Page]:
    response = client.get("/sparql", query_string=params, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    return html, Page(html)


def local_assets(page: Page) -> list[tuple[str, str]]:
    """(kind, URL) of every script and stylesheet the page loads."""
    scripts = [("script", a["src"]) for a in page.all("script") if "src" in a]
    sheets = [("stylesheet", a["href"]) for a in page.all("link") if a.get("rel") == "stylesheet"]
    return scripts + sheets


def test_a_browser_gets_the_query_ui(client: FlaskClient) -> None:
    _, page = ui(client)
    assert [a for a in page.all("div") if a.get("id") == "yasgui"]
    assert {url for _, url in local_assets(page)} >= {
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/yasgui.min.css",
        "/static/yasgui-setup.js",
    }


def test_chromium_accept_header_gets_the_page_and_other_clients_do_not(
    client: FlaskClient,
) -> None:
    chromium = client.get("/sparql", headers={"Accept": CHROMIUM_ACCEPT})
    assert chromium.mimetype == "text/html"
    for accept in ("*/*", "text/turtle, text/html;q=0.5"):
        assert client.get("/sparql", headers={"Accept": accept}).mimetype == "text/turtle"
    asked = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "*/*"})
    assert asked.mimetype == "application/sparql-results+json"


def test_assets_are_served_by_us(client: FlaskClient) -> None:
    _, page = ui(client)
    assets = local_assets(page)
    assert assets
    for kind, url in assets:
        parts = urllib.parse.urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is not one of our own files"
        assert url.startswith("/static/")
        response = client.get(url)
        missing = "run `make node_modules/.installed` to copy YASGUI into server/static/vendor/"
        assert response.status_code == 200, f"{url}: {response.status_code} ({missing})"
        assert response.mimetype == MEDIA[kind], url
        assert response.content_length or response.get_data()


def test_no_url_outside_our_host_but_the_data_iris(client: FlaskClient) -> None:
    html, page = ui(client)
    for element in page.elements:
        for name in ("src", "href", "action"):
            if name in element.attrs:
                assert not urllib.parse.urlsplit(element.attrs[name]).netloc, element
    # In the text (the config block's prefixes and example queries), only namespaces of ours.
    for url in re.findall(r"https?://[^\s\"'<>\\]+", html):
        assert any(url.startswith(ns) for ns in PREFIXES.values()), url


def test_config_has_the_endpoint_prefixes_and_every_named_query(client: FlaskClient) -> None:
    _, page = ui(client)
    config = page.config()
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"] == PREFIXES
    assert config["query"] == ""
    assert config["persistenceId"] == "passerelles-sparql-ui"
    named = load_queries(ROOT / "queries")
    examples = {e["name"]: e for e in config["examples"]}
    assert examples.keys() == named.keys()
    for name, query in named.items():
        assert examples[name]["title"] == query.title
        assert examples[name]["query"] == query.text


def test_a_linked_query_is_only_json_inside_the_config_block(client: FlaskClient) -> None:
    html, page = ui(client, query=HOSTILE_QUERY)
    assert page.config()["query"] == HOSTILE_QUERY
    assert "<script>alert(1)" not in html and "</script><script>" not in html
    scripts = page.texts["script"]
    assert len(scripts) == len(page.all("script")) == 3
    assert [a.get("type") for a, _ in scripts if "src" not in a] == ["application/json"]
    for _, text in scripts:
        assert "<" not in text  # |tojson writes < as \\u003c: nothing can close the block
    # The no-JavaScript form shows the same query, as text.
    [(_, textarea)] = page.texts["textarea"]
    assert textarea == HOSTILE_QUERY


def test_the_noscript_form_queries_the_endpoint(client: FlaskClient) -> None:
    _, page = ui(client)
    [form] = [e.attrs for e in page.elements if e.tag == "form" and "noscript" in e.ancestors]
    assert form["method"] == "post" and form["action"] == "/sparql"
    fields = {a["name"] for a in page.all("textarea") + page.all("select")}
    assert fields == {"query", "format"}
    formats = [a["value"] for a in page.all("option")]
    assert formats and all(format_key(f) for f in formats)
    answer = client.post("/sparql", data={"query": "ASK {}", "format": formats[0]})
    assert answer.status_code == 200 and answer.mimetype == "application/sparql-results+json"


# ---- A real browser -------------------------------------------------------------------------

# A strict policy the page works under (the server may send it): no inline script, no eval.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
XSS_LITERAL = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def serve(built_store_path: Path) -> Iterator[Callable[..., str]]:
    """Start the app with some settings under waitress on a free loopback port; its base URL."""
    started: list[tuple[Any, threading.Thread, Flask]] = []

    def start(**settings: Any) -> str:
        app = create_app({"store": str(built_store_path), **settings})
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        started.append((server, thread, app))
        return f"http://127.0.0.1:{server.effective_port}"

    yield start
    for server, thread, app in started:
        server.close()
        thread.join(10)
        close(app)


@dataclass
class Seen:
    """What a page did: the URLs it requested, its script errors and CSP violations."""

    requested: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def page(browser: Any, seen: Seen) -> Iterator[Any]:
    """A page in a fresh browser context (so an empty local storage)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("request", lambda request: seen.requested.append(request.url))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("console", lambda m: seen.errors.append(m.text) if "Security" in m.text else None)
    yield page
    context.close()


def with_csp(page: Any, base: str) -> None:
    """Serve the HTML page with a strict Content-Security-Policy header."""

    def add_header(route: Any) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": CSP}
        )

    page.route(base + "/sparql*", add_header)


def open_query(page: Any, base: str, query: str) -> None:
    """Open /sparql?query=…: the page runs the linked query at once, in its own tab."""
    page.goto(f"{base}/sparql?" + urllib.parse.urlencode({"query": query}))
    page.wait_for_selector(
        ".tabPanel.active .yasr_results table tbody td, .tabPanel.active .errorResult"
    )


def results_text(page: Any) -> list[str]:
    cells = ".tabPanel.active .yasr_results tbody td:not(:first-child)"
    return [
        t.strip()
        for t in page.eval_on_selector_all(cells, "cells => cells.map(c => c.textContent)")
    ]


@pytest.mark.server
def test_browser_works_offline_under_a_strict_csp(
    page: Any, seen: Seen, serve: Callable[..., str]
) -> None:
    base = serve()
    with_csp(page, base)
    page.goto(f"{base}/sparql")
    page.click(".tabPanel.active .yasqe_queryButton")  # the welcome query: things per class
    page.wait_for_selector(".tabPanel.active .yasr_results table tbody td")
    rows = len(results_text(page)) // 2  # two columns: ?class and ?things
    assert rows > 2
    page.click(".tabPanel.active .select_chart")
    chart = page.wait_for_selector(".tabPanel.active .passerelles-chart-svg")
    assert len(chart.query_selector_all("rect.bar")) == rows
    tabs = page.eval_on_selector_all(".tabsList .tab", "tabs => tabs.map(t => t.textContent)")
    titles = [q.title for q in load_queries(ROOT / "queries").values()]
    assert all(any(title in tab for tab in tabs) for title in titles), tabs
    page.wait_for_load_state("networkidle")
    assert all(url.startswith(base + "/") for url in seen.requested), seen.requested
    assert seen.errors == []


@pytest.mark.server
def test_browser_shows_html_in_a_literal_as_text(page: Any, serve: Callable[..., str]) -> None:
    base = serve()  # no CSP here: it would hide a script that YASGUI let through
    escaped = XSS_LITERAL.replace('"', '\\"')
    open_query(page, base, f'SELECT ?x WHERE {{ BIND("{escaped}" AS ?x) }}')
    assert results_text(page) == [XSS_LITERAL]
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None
    assert page.query_selector(".yasr img") is None


HOSTILE_RESULTS = {
    "head": {"vars": ["name<img src=x onerror=window.__xss=11>", "iri", "n"]},
    "results": {
        "bindings": [
            {
                "name<img src=x onerror=window.__xss=11>": {
                    "type": "literal",
                    "value": "<script>window.__xss=12</script>",
                    "xml:lang": "en<img src=x onerror=window.__xss=13>",
                },
                "iri": {"type": "uri", "value": "javascript:window.__xss=14"},
                "n": {
                    "type": "literal",
                    "value": "1",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                },
            },
            {
                "name<img src=x onerror=window.__xss=11>": {
                    "type": "literal",
                    "value": "<b onmouseover=window.__xss=15>x</b>",
                    "datatype": "x' onmouseover='window.__xss=16",
                },
                "iri": {"type": "uri", "value": "http://e.example/x' onmouseover='window.__xss=17"},
                "n": {
                    "type": "literal",
                    "value": "2",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                },
            },
        ]
    },
}


@pytest.mark.server
def test_browser_results_from_a_hostile_endpoint_run_no_script(
    page: Any, serve: Callable[..., str]
) -> None:
    base = serve()

    def hostile(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        body = json.dumps(HOSTILE_RESULTS)
        route.fulfill(status=200, content_type="application/sparql-results+json", body=body)

    page.route(base + "/sparql*", hostile)
    open_query(page, base, "SELECT * WHERE { ?s ?p ?o }")
    cells = results_text(page)
    assert '"<script>window.__xss=12</script>"@en<img src=x onerror=window.__xss=13>' in cells
    headers = page.eval_on_selector_all(
        ".tabPanel.active .yasr_results th", "t => t.map(h => h.textContent)"
    )
    assert "name<img src=x onerror=window.__xss=11>" in [h.strip() for h in headers]
    assert "<b onmouseover=window.__xss=15>x</b>" in " ".join(cells)
    for view in ("table", "chart", "response"):
        page.click(f".tabPanel.active .select_{view}")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None, view
        unsafe = page.eval_on_selector_all(
            ".yasr *",
            """nodes => nodes.filter(n => n.tagName === 'IMG' || n.tagName === 'SCRIPT'
                || [...n.attributes].some(a => a.name.startsWith('on'))
                || (n.getAttribute('href') || '').trim().toLowerCase().startsWith('javascript:'))
                .map(n => n.outerHTML)""",
        )
        assert unsafe == [], view


@pytest.mark.server
def test_browser_announces_a_truncated_result(page: Any, serve: Callable[..., str]) -> None:
    base = serve(max_rows=2)
    open_query(page, base, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
    assert len(results_text(page)) == 2
    note = page.wait_for_selector(".tabPanel.active .passerelles-truncated", state="visible")
    assert "first 2 rows" in note.inner_text()

    open_query(page, base, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert len(results_text(page)) == 1
    assert not page.is_visible(".tabPanel.active .passerelles-truncated")


@pytest.mark.server
def test_browser_shows_the_servers_error_message_as_text(
    page: Any, serve: Callable[..., str]
) -> None:
    base = serve()
    open_query(page, base, "SELEC <b>nothing</b>")
    error = page.inner_text(".tabPanel.active .errorResult")
    assert "expected" in error  # the endpoint's own plain-text message
    assert page.query_selector(".tabPanel.active .errorResult b") is None
