"""The linked-data browser over HTTP (Flask's test client): dereferencing and pages.

``/id/…`` → 303 by Accept, ``/data/…`` documents and suffixes, real 404s, pages in
the reader's language, what each kind of page shows, the search, escaping of hostile
labels and paging of long lists (on a tiny store made for it), checked on parsed HTML.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from kg.store import new_build, publish
from server import close, create_app

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/passerelles/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF = {  # Accept -> (suffix, rdflib parser)
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/rdf+xml": ("rdf", "xml"),
    "application/n-triples": ("nt", "nt"),
}
HOSTILE = "<script>alert(1)</script>"
XSD = "http://www.w3.org/2001/XMLSchema#"
IRI_ISH = 'https://evil.example/"><script>alert(2)</script>'


class Page(HTMLParser):
    """A parsed page: its elements, each with its attributes and its text."""

    VOID = {"br", "img", "input", "link", "meta", "hr", "col", "area", "base", "source"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[tuple[str, dict[str, str], list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, {k: v or "" for k, v in attrs}, [])
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element[2].append(data)

    def all(self, tag: str, **attrs: str) -> list[tuple[dict[str, str], str]]:
        """Each ``tag`` element with these attribute values: (attributes, its text)."""
        return [
            (a, " ".join("".join(text).split()))
            for t, a, text in self.elements
            if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def text(self, tag: str, **attrs: str) -> str:
        return self.all(tag, **attrs)[0][1]

    def section(self, ident: str) -> str:
        return self.text("section", id=ident)

    @property
    def links(self) -> list[str]:
        return [a["href"] for a, _ in self.all("a") if "href" in a]


def page(client: FlaskClient, path: str, **headers: str) -> Page:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    assert response.content_type == "text/html; charset=utf-8"
    return Page(response.get_data(as_text=True))


# -- dereferencing -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/id/organisation/co-actions", "/source/geonames", "/ontology"])
def test_a_browser_is_sent_to_the_page(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 303
    assert response.location.startswith("/page/")
    assert "Accept" in response.vary
    links = response.headers["Link"]
    assert 'rel="alternate"; type="text/html"' in links
    assert all(f'type="{media}"' in links for media in RDF)


@pytest.mark.parametrize("accept", list(RDF))
def test_rdf_clients_are_sent_to_the_data(client: FlaskClient, accept: str) -> None:
    suffix, parser = RDF[accept]
    response = client.get("/id/person/noemie-escortell", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.location == f"/data/person/noemie-escortell.{suffix}"
    assert "Accept" in response.vary
    document = client.get(response.location)
    assert document.status_code == 200
    assert document.mimetype == accept
    graph = Graph().parse(data=document.get_data(), format=parser)
    noemie, co_actions = (
        URIRef(BASE + "id/person/noemie-escortell"),
        URIRef(BASE + "id/organisation/co-actions"),
    )
    assert (noemie, URIRef("http://www.w3.org/ns/org#memberOf"), co_actions) in graph  # out
    delegation = URIRef(BASE + "id/event/mission-1#delegation")
    assert (delegation, URIRef("http://xmlns.com/foaf/0.1/member"), noemie) in graph  # in
    assert (
        co_actions,
        URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
        Literal("Co-Actions", lang="fr"),
    ) in graph  # the labels of what it names


def test_data_without_suffix_negotiates(client: FlaskClient) -> None:
    response = client.get("/data/place/bordeaux", headers={"Accept": "application/ld+json"})
    assert (response.status_code, response.mimetype) == (200, "application/ld+json")
    assert "Accept" in response.vary
    assert client.get("/data/place/bordeaux").mimetype == "text/turtle"
    graph = Graph().parse(data=client.get("/data/ontology.ttl").get_data(), format="turtle")
    assert (URIRef(BASE + "ontology#Encounter"), None, None) in graph


def test_nothing_acceptable_is_a_406(client: FlaskClient) -> None:
    assert client.get("/id/place/bordeaux", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    "path",
    [
        "/id/person/nobody",
        "/page/person/nobody",
        "/data/person/nobody.ttl",
        "/source/nothing",
        "/id/person/Noemie_Escortell",
        "/page/unicorn/co-actions",
        "/id/person/-x-",
    ],
)
def test_unknown_iris_are_404(client: FlaskClient, path: str) -> None:
    programs = client.get(path, headers={"Accept": "text/turtle"})
    assert (programs.status_code, programs.mimetype) == (404, "text/plain")
    browsers = client.get(path, headers={"Accept": BROWSER})
    assert (browsers.status_code, browsers.mimetype) == (404, "text/html")
    found = Page(browsers.get_data(as_text=True))
    assert found.all("form", role="search") or found.all("form")


# -- pages in the reader's language ----------------------------------------------------------


def test_lang_and_accept_language_switch_labels_and_dates(client: FlaskClient) -> None:
    french = page(client, "/page/event/mission-1?lang=fr")
    assert french.text("h1") == "1re mission de coopération"
    assert "du 5 septembre 2016 au 10 septembre 2016" in french.text("dl", **{"class": "facts"})
    english = page(client, "/page/event/mission-1", **{"Accept-Language": "en-GB,fr;q=0.5"})
    assert english.text("h1") == "1st cooperation mission"
    assert "from 5 September 2016 to 10 September 2016" in english.text("dl", **{"class": "facts"})
    quebec = page(client, "/page/organisation/espace-koala", **{"Accept-Language": "fr-CA"})
    assert "espace de travail partagé (cotravail, France)" in quebec.text("p", **{"class": "kinds"})
    france = page(client, "/page/organisation/espace-koala", **{"Accept-Language": "fr-FR"})
    assert france.text("p", **{"class": "kinds"}).endswith("espace de travail partagé")
    # links keep the language chosen with ?lang=
    assert all("lang=fr" in href for href in french.links if href.startswith("/page/person/"))


def test_numbers_are_formatted_for_the_language(client: FlaskClient) -> None:
    french = client.get("/page/organisation/co-actions?lang=fr").get_data(as_text=True)
    english = client.get("/page/organisation/co-actions?lang=en").get_data(as_text=True)
    assert "<td>\n960\u202f000\n" in french  # a narrow no-break space between thousands
    assert "<td>\n960,000\n" in english


# -- each kind of page -----------------------------------------------------------------------


def test_person_page(client: FlaskClient) -> None:
    noemie = page(client, "/page/person/noemie-escortell?lang=en")
    assert noemie.text("h1") == "Noémie Escortell"
    assert "Co-Actions" in noemie.section("memberships")
    assert noemie.all("li", id="membership-co-actions")  # the part's anchor
    events = noemie.section("events")
    assert "1st cooperation mission" in events and "member of the delegation" in events
    assert "presenter" in events  # the Tactiq evening
    groups = [text for _, text in noemie.all("h3", **{"class": "event"})]
    assert groups[0].startswith("1st cooperation mission")
    met = noemie.section("encounters")
    assert "Cécile Marsan" in met and "travelled together (attested)" in met
    assert "probably met during a visit (inferred)" in met


def test_organisation_page(client: FlaskClient) -> None:
    meduse = page(client, "/page/organisation/meduse?lang=en")
    assert meduse.text("h1") == "Méduse"
    assert "Caroline Salaün" in meduse.section("people")
    assert "cooperative" in meduse.text("p", **{"class": "kinds"})  # its form in the glossary
    visits = meduse.section("visits")
    assert "3rd cooperation mission" in visits and "Visit: Méduse" in visits
    assert "Cécile Marsan" in meduse.section("encounters")
    co_actions = page(client, "/page/organisation/co-actions")
    assert "SCIC" in co_actions.text("p", **{"class": "kinds"})
    assert "presenter" in co_actions.section("events")


def test_external_links_are_marked(client: FlaskClient) -> None:
    bordeaux = page(client, "/page/place/bordeaux")
    external = bordeaux.all("a", **{"class": "external"})
    targets = {a["href"]: text for a, text in external}
    assert "Wikidata ↗" in targets["http://www.wikidata.org/entity/Q1479"]
    assert "GeoNames ↗" in targets["https://sws.geonames.org/3031582/"]
    assert all(a["rel"] == "external" for a, _ in external)
    [(_, code)] = bordeaux.all("li", **{"class": "identifier"})
    assert code == "33063 (INSEE municipality code)"  # a code with no public page: text
    assert "La Ruche Bordeaux" in bordeaux.section("here")


def test_mission_page(client: FlaskClient) -> None:
    mission = page(client, "/page/event/mission-2?lang=en")
    facts = mission.text("dl", **{"class": "facts"})
    assert "from 8 May 2017 to 12 May 2017" in facts and "Nouvelle-Aquitaine" in facts
    delegation = mission.section("delegations")
    assert "8 people, whose names the source does not give" in delegation
    assert not mission.all("ul", **{"class": "members"})
    assert "Visit: Méduse (2nd mission)" not in mission.section("inside")
    assert "Visit: Coopéa (2nd mission)" in mission.section("inside")
    assert "delegation visit (attested)" in mission.section("encounters")
    three = page(client, "/page/event/mission-3?lang=en")
    assert three.all("div", id="delegation")
    assert three.all("li", id="encounter-cecile-marsan-and-noemie-escortell")
    visit = page(client, "/page/event/visit-1-boomcoworking?lang=en")
    assert "1st cooperation mission" in visit.text("dl", **{"class": "facts"})


def test_glossary_concept_page(client: FlaskClient) -> None:
    concept = page(client, "/page/concept/espace-de-cotravail?lang=en")
    labels = concept.section("labels")
    assert "in France" in labels and "in Québec" in labels and "in English" in labels
    assert len(concept.all("p", **{"class": "definition"})) == 2
    correspondences = concept.section("correspondences")
    assert "coworking space (France)" in correspondences and "Quebec" in correspondences
    assert any("ESSGLOBAL" in text for _, text in concept.all("a", **{"class": "external"}))
    assert "La Procure" in concept.section("classified")


def test_ontology_documentation(client: FlaskClient) -> None:
    doc = page(client, "/page/ontology?lang=fr")
    for term in ("Encounter", "CooperationMission", "met", "delegationSize", "TravelledTogether"):
        assert doc.all("section", id=term), term
    encounter = doc.section("Encounter")
    assert "rencontre" in encounter and "encounter" in encounter  # both languages
    assert "entity" in doc.section("Encounter") or "entité" in encounter
    person = page(client, "/page/person/noemie-escortell")
    assert "/page/ontology#TravelledTogether" in person.links


def test_every_page_embeds_schema_org(client: FlaskClient) -> None:
    found = page(client, "/page/event/mission-3")
    [(_, text)] = found.all("script", type="application/ld+json")
    data = json.loads(text)
    assert (data["@type"], data["startDate"]) == ("Event", "2017-10-04")
    assert data["@id"] == BASE + "id/event/mission-3"


# -- hostile labels and long lists, on a tiny store -----------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """A store with a hostile label and an organisation that 60 people belong to."""
    people = "".join(
        f'<{BASE}id/person/p{n:02}> a foaf:Person ; foaf:name "Person {n:02}" ; '
        f"org:memberOf <{BASE}id/organisation/tiny> .\n"
        for n in range(60)
    )
    encounters = "".join(
        f'<{BASE}id/person/q{n:02}> a foaf:Person ; foaf:name "Q{n:02}" .\n'
        f"<{BASE}id/event/e1#encounter-{n}> a ess:Encounter ; ess:during <{BASE}id/event/e1> ; "
        f"ess:participant <{BASE}id/person/p00>, <{BASE}id/person/q{n:02}> ; "
        "ess:evidence ess:TravelledTogether .\n"
        for n in range(60)
    )
    data = f"""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ess: <https://w3id.org/passerelles/ontology#> .
<{BASE}id/event/e1> a ess:CooperationMission ; foaf:name "E1" .
{encounters}
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{BASE}id/organisation/tiny> a org:Organization ; skos:prefLabel "{HOSTILE}"@fr ;
    skos:altLabel {json.dumps(IRI_ISH)} ;
    <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q42> ;
    adms:identifier <{BASE}id/organisation/tiny#siren>, <{BASE}id/organisation/tiny#bad> .
<{BASE}id/organisation/tiny#siren> a adms:Identifier ; skos:notation "900000019" ;
    dcterms:type <{BASE}id/concept/scheme-siren> .
<{BASE}id/organisation/tiny#bad> a adms:Identifier ; skos:notation "{HOSTILE}" ;
    dcterms:type <{BASE}id/concept/scheme-siren> .
{people}"""
    path = tmp_path_factory.mktemp("tiny") / "store"
    store, folder = new_build(path)
    store.load(data.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "graph/data/x"))
    ontology = (ROOT / "ontology" / "ess.ttl").read_bytes()
    store.load(ontology, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "graph/ontology"))
    store.flush()
    del store
    publish(path, folder)
    app = create_app({"store": str(path)})
    yield app.test_client()
    close(app)
    shutil.rmtree(path.parent, ignore_errors=True)


def no_script_runs(found: Page) -> None:
    for attrs, _ in found.all("script"):
        assert "src" in attrs or attrs.get("type") == "application/ld+json", attrs


def test_official_codes_link_out_marked_external(tiny: FlaskClient) -> None:
    found = page(tiny, "/page/organisation/tiny")
    codes = [text for _, text in found.all("li", **{"class": "identifier"})]
    assert len(codes) == 2 and all(text.endswith("scheme-siren)") for text in codes)
    url = "https://annuaire-entreprises.data.gouv.fr/entreprise/900000019"
    [(link, text)] = [
        (a, t) for a, t in found.all("a", **{"class": "external"}) if a["href"] == url
    ]
    assert link["rel"] == "external" and text == "900000019 annuaire-entreprises.data.gouv.fr ↗"
    # A code that is not a valid SIREN gets no link, and is shown as text.
    assert any(HOSTILE in text for text in codes)
    no_script_runs(found)
    assert not [p for p in found.all("section", id="parts") if "900000019" in p[1]]


def test_hostile_labels_are_shown_as_text(tiny: FlaskClient) -> None:
    found = page(tiny, "/page/organisation/tiny")
    assert found.text("h1") == HOSTILE
    assert IRI_ISH in found.section("details")
    no_script_runs(found)
    [(_, text)] = found.all("script", type="application/ld+json")
    assert json.loads(text)["name"] == HOSTILE and "</script" not in text
    person = page(tiny, "/page/person/p07")
    assert any(text == HOSTILE for _, text in person.all("a"))
    no_script_runs(person)


def test_same_as_links_are_external(tiny: FlaskClient) -> None:
    found = page(tiny, "/page/organisation/tiny")
    [(attrs, text)] = found.all("a", href="http://www.wikidata.org/entity/Q42")
    assert (attrs["class"], attrs["rel"]) == ("external", "external")
    assert text == "Q42 Wikidata ↗"
    assert "same as" in found.section("elsewhere")


def test_hostile_labels_in_search_results(tiny: FlaskClient) -> None:
    found = page(tiny, "/search?q=script")
    assert HOSTILE in [text for _, text in found.all("a")]
    no_script_runs(found)
    results = tiny.get("/search?q=alert&format=json").get_json()["results"]
    assert results[0]["label"] == HOSTILE


@pytest.mark.parametrize("path", ["/page/person/p00", "/page/event/e1"])
def test_long_lists_of_encounters_are_paged(tiny: FlaskClient, path: str) -> None:
    def more(found: Page, rel: str) -> list[str]:
        return [a["href"] for a, _ in found.all("a", rel=rel) if a["href"].endswith("#encounters")]

    first = page(tiny, path)
    assert "(60)" in first.section("encounters")
    assert len(first.all("span", **{"class": "evidence"})) == 50
    [following] = more(first, "next")
    second = page(tiny, path + following.split("#")[0])
    assert len(second.all("span", **{"class": "evidence"})) == 10
    assert more(second, "prev") and not more(second, "next")
    met = {
        href
        for found in (first, second)
        for href in found.links
        if href.startswith("/page/person/q")
    }
    assert len(met) == 60


def test_incoming_links_are_counted_and_paged(tiny: FlaskClient) -> None:
    first = page(tiny, "/page/organisation/tiny")
    incoming = first.section("incoming")
    assert "60 links" in incoming and "Page 1 / 2".lower() in incoming.lower()
    assert sum(text.startswith("Person") for _, text in first.all("a")) == 50
    [(next_link, _)] = first.all("a", rel="next")
    second = page(tiny, "/page/organisation/tiny" + next_link["href"].split("#")[0])
    assert sum(text.startswith("Person") for _, text in second.all("a")) == 10
    assert second.all("a", rel="prev") and not second.all("a", rel="next")


def test_pages_are_whole_under_a_small_row_limit(built_store_path: Path) -> None:
    """The server's own queries are read in pages of the row limit, never cut by it."""
    small = create_app({"store": str(built_store_path), "max_rows": 7})
    try:
        found = page(small.test_client(), "/page/organisation/fabrique-pola?lang=en")
        assert "Blaise Mercier" in found.section("people")
        assert "Nouvelle-Aquitaine" in found.section("where")
        assert found.section("encounters").startswith("Encounters of its people (17)")
    finally:
        close(small)
