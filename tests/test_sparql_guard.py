"""The SERVICE guard: every target is found, whatever hides it; nothing in text is taken."""

from __future__ import annotations

import pytest

from kg.sparql_guard import ServiceNotAllowed, check_services, normalise_allowlist, scan

URL = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(
    ("query", "targets"),
    [
        (f"SELECT * {{ SERVICE <{URL}> {{ ?s ?p ?o }} }}", [URL]),
        (f"select * {{ service silent <{URL}> {{ }} }}", [URL]),
        ("PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql { } }", [URL]),
        ("SELECT * { SERVICE ?where { } }", ["?where"]),
        ("BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> { } }", [URL]),
        # what sits in strings, IRIs and comments is not a keyword...
        (f'SELECT * {{ ?s ?p "SERVICE <{URL}>" }} # SERVICE <{URL}>', []),
        ("SELECT * { ?s ?p <urn:x#SERVICE> }", []),
        # ...but what only looks like one of them is (the bypasses once found)
        (f"SELECT * {{ VALUES ?z {{ <urn:x:\\u0041#> }} SERVICE <{URL}> {{ }} }}", [URL]),
        (f"SELECT * {{ ?s ?p ?o }} # note\rSERVICE <{URL}> {{ }}", [URL]),
        (f"PREFIX e: <urn:e:> SELECT * {{ ?s e:a\\#b ?o SERVICE <{URL}> {{ }} }}", [URL]),
        (f"PREFIX e: <urn:e:> SELECT * {{ ?s e:a\\' ?o SERVICE <{URL}> {{ }} }}", [URL]),
    ],
)
def test_every_service_target_is_found(query: str, targets: list[str]) -> None:
    assert list(scan(query).services) == targets


def test_the_allow_list_is_the_only_gate() -> None:
    allowed = normalise_allowlist([URL + "/", " "])
    check_services(scan(f"SELECT * {{ SERVICE <{URL}> {{ }} }}"), allowed)
    with pytest.raises(ServiceNotAllowed, match="http://127.0.0.1:10/sparql is not allowed"):
        check_services(scan("SELECT * { SERVICE <http://127.0.0.1:10/sparql> { } }"), allowed)
    with pytest.raises(ServiceNotAllowed):
        check_services(scan("SELECT * { SERVICE ?x { } }"), allowed)


@pytest.mark.parametrize(
    ("query", "form", "update"),
    [
        ("PREFIX add: <urn:a> SELECT * { ?s add:x ?o }", "SELECT", False),
        ("ASK { }", "ASK", False),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", None, True),
        ("PREFIX e: <urn:e> DROP ALL", None, True),
    ],
)
def test_form_and_update(query: str, form: str | None, update: bool) -> None:
    scanned = scan(query)
    assert (scanned.form, scanned.update) == (form, update)
