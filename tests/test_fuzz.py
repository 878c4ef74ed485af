"""Hostile input, generated: whatever a client sends, never a 500, never a stack trace."""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# What a client may get for a bad request; a 500 (or an unlisted status) is a bug.
# (301/308: Werkzeug's redirects of paths with doubled or trailing slashes.)
EXPECTED = {200, 204, 301, 303, 308, 400, 403, 404, 405, 406, 413, 415, 429, 502, 503}
SEEN = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIA = st.sampled_from([
    "", "*/*", "text/html", "application/sparql-results+json", "text/turtle", "text/csv",
    "application/ld+json;q=0.5, text/html;q=0.9", "application/xml", "image/png", "x/y;q=abc",
])  # fmt: skip
CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
    "text/plain", "application/json", "multipart/form-data; boundary=x", "",
])  # fmt: skip
QUERYISH = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "SELECT",
            "ASK {",
            "CONSTRUCT WHERE { ?s ?p ?o }",
            "DESCRIBE <",
            "SERVICE",
            "SELECT * { SERVICE <http://127.0.0.1:1/> {} }",
            "INSERT DATA {}",
            "PREFIX : <a> SELECT * {?s ?p ?o} LIMIT 1",
            "\x00",
            "é" * 50,
        ]
    ),  # fmt: skip
)


def check(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert status in EXPECTED, (status, body[:300])
    assert "Traceback" not in body and 'File "' not in body


@SEEN
@given(query=QUERYISH, accept=MEDIA, fmt=st.one_of(st.none(), st.text(max_size=12)),
       graphs=st.lists(st.text(max_size=30), max_size=2))  # fmt: skip
def test_sparql_get(
    app: Flask, query: str, accept: str, fmt: str | None, graphs: list[str]
) -> None:
    params = [("query", query)] + [("default-graph-uri", g) for g in graphs]
    if fmt is not None:
        params.append(("format", fmt))
    check(app.test_client().get("/sparql", query_string=params, headers={"Accept": accept}))


@SEEN
@given(body=st.binary(max_size=300), content_type=CONTENT_TYPES, accept=MEDIA)
def test_sparql_post(app: Flask, body: bytes, content_type: str, accept: str) -> None:
    headers = {"Accept": accept, "Content-Type": content_type}
    check(app.test_client().post("/sparql", data=body, headers=headers))


@SEEN
@given(prefix=st.sampled_from(["id", "page", "data", "source", "queries", "browse", "-"]),
       kind=st.text(max_size=20), slug=st.text(max_size=40), accept=MEDIA)  # fmt: skip
def test_resource_paths(app: Flask, prefix: str, kind: str, slug: str, accept: str) -> None:
    path = f"/{prefix}/{quote(kind, safe='')}/{quote(slug, safe='')}"
    check(app.test_client().get(path, headers={"Accept": accept}))


@SEEN
@given(name=st.sampled_from(["who-met-whom", "mission-encounters", "organisation-people"]),
       value=st.text(max_size=80), lang=st.text(max_size=8), accept=MEDIA)  # fmt: skip
def test_named_query_parameters(app: Flask, name: str, value: str, lang: str, accept: str) -> None:
    params = {"person": value, "mission": value, "organisation": value, "lang": lang}
    param = {"who-met-whom": "person", "mission-encounters": "mission"}.get(name, "organisation")
    response = app.test_client().get(f"/queries/{name}", query_string={param: value},
                                     headers={"Accept": accept})  # fmt: skip
    check(response)
    assert params  # the other names are ignored, never pasted anywhere


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@SEEN
@given(q=st.text(max_size=60), page=st.text(max_size=6), lang=st.text(max_size=8),
       accept_language=HEADER_TEXT)  # fmt: skip
def test_search_and_pages(app: Flask, q: str, page: str, lang: str, accept_language: str) -> None:
    client = app.test_client()
    headers = {"Accept-Language": accept_language}
    check(client.get("/search", query_string={"q": q, "page": page, "lang": lang}, headers=headers))
    check(client.get("/page/organisation/co-actions", query_string={"in": page, "lang": lang},
                     headers=headers))  # fmt: skip
