"""The dataset described and handed out: VoID and DCAT, the dumps, the sitemap.

``/.well-known/void`` describes the dataset (VoID + DCAT) in the RDF format Accept
asks for; ``/dumps/passerelles.{ttl,nq}.gz`` are the whole graph, read through the
query pool in pages of the row limit and gzipped once per build; ``/sitemap.xml``
lists every page.
"""

from __future__ import annotations

import gzip
from functools import cache
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request, url_for
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from kg.remote import BUILD_GRAPH
from kg.terms import PREFIXES, SOURCE_DOCUMENT
from server.answers import own_pool
from server.formatting import local_path
from server.indexes import build_key, indexes, select_all
from server.negotiate import GRAPH_TYPES, media_type, negotiate

bp = Blueprint("dataset", __name__)

DUMPS = {"passerelles.ttl.gz": "text/turtle", "passerelles.nq.gz": "application/n-quads"}
# A remote store also holds the build's record graph (kg/remote_build.py): it says which
# build is there, it is not part of the dataset, so the dumps and the count leave it out.
ALL_QUADS = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{BUILD_GRAPH}>) }}"
TRIPLES = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER (?s != <{BUILD_GRAPH}>) }}"
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
SITEMAP_SIZE = 50_000  # the sitemap protocol's limit per file
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
GZIP = URIRef("http://www.iana.org/assignments/media-types/application/gzip")
VOCABULARIES = ("ess", "foaf", "org", "schema", "skos", "prov", "dcterms", "geo", "owl")
IANA = "http://www.iana.org/assignments/media-types/"


def _quads_tsv() -> bytes:
    """Every quad as N-Quads lines: SPARQL TSV writes terms in N-Triples syntax."""
    from kg.executor import Request

    size = current_app.config["PASSERELLES"]["max_rows"]
    lines: list[bytes] = []
    offset = 0
    while True:
        text = f"{ALL_QUADS}\nLIMIT {size} OFFSET {offset}"
        body = own_pool().execute(Request(text, "tsv", None)).body
        chunk = [line + b" ." for line in body.split(b"\n")[1:] if line]
        lines += chunk
        offset += size
        if len(chunk) < size:
            return b"\n".join(lines) + b"\n"


@cache
def _dumps(build: str) -> dict[str, bytes]:
    nquads = _quads_tsv()
    # Streamed, not deduplicated: a statement stated in two graphs is written twice, which
    # Turtle allows, rather than holding a set of every triple in memory.
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return {
        "passerelles.nq.gz": gzip.compress(nquads, mtime=0),
        "passerelles.ttl.gz": gzip.compress(turtle, mtime=0),
    }


@bp.get("/dumps/<any(" + ", ".join(f'"{n}"' for n in DUMPS) + "):name>")
def dump(name: str) -> Response:
    """The whole graph, gzipped: Turtle (graphs merged) or N-Quads (graphs kept)."""
    response = Response(_dumps(build_key())[name], content_type="application/gzip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@cache
def _triples(build: str) -> int:
    rows = select_all(TRIPLES)
    return int(rows[0]["n"]["value"])


def description() -> Graph:
    """The VoID and DCAT description of the dataset, with this server's addresses."""
    base = current_app.config["PASSERELLES"]["base"]
    root = request.url_root
    g = Graph()
    for prefix in ("void", "dcat", "dcterms", "foaf", "xsd"):
        g.bind(
            prefix,
            {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "xsd": XSD}[prefix],
        )
    dataset = URIRef(url_for(".void", _external=True) + "#dataset")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("Passerelles", lang="fr")))
    g.add((dataset, DCTERMS.title, Literal("Passerelles", lang="en")))
    for text, lang in (
        (
            "Graphe de connaissances ouvert de l'économie sociale et solidaire : la coopération "
            "2016-2018 entre Co-Actions (Nouvelle-Aquitaine) et le POLECN (Québec).",
            "fr",
        ),
        (
            "Open knowledge graph of the social and solidarity economy: the 2016–2018 "
            "cooperation between Co-Actions (Nouvelle-Aquitaine) and the POLECN (Québec).",
            "en",
        ),
    ):
        g.add((dataset, DCTERMS.description, Literal(text, lang=lang)))
    g.add((dataset, DCTERMS.license, LICENCE))
    g.add((dataset, DCTERMS.source, URIRef(base + "source/" + SOURCE_DOCUMENT.split("/")[-1])))
    g.add((dataset, DCAT.landingPage, URIRef(root)))
    g.add((dataset, FOAF.homepage, URIRef(root)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    g.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    g.add((dataset, VOID.triples, Literal(_triples(build_key()), datatype=XSD.integer)))
    g.add((dataset, VOID.exampleResource, URIRef(base + "id/organisation/co-actions")))
    g.add((dataset, VOID.exampleResource, URIRef(base + "id/person/noemie-escortell")))
    g.add((dataset, VOID.rootResource, URIRef(base + "id/project/cooperation-aquitaine-quebec")))
    for prefix in VOCABULARIES:
        g.add((dataset, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for name, media in DUMPS.items():
        url = URIRef(url_for(".dump", name=name, _external=True))
        g.add((dataset, VOID.dataDump, url))
        distribution = URIRef(f"{url}#distribution")
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, url))
        g.add((distribution, DCAT.mediaType, URIRef(IANA + media)))
        g.add((distribution, DCAT.compressFormat, GZIP))
        g.add((distribution, DCTERMS.license, LICENCE))
    endpoint = URIRef(root + "sparql")
    g.add((dataset, DCAT.distribution, URIRef(f"{endpoint}#service")))
    g.add((URIRef(f"{endpoint}#service"), RDF.type, DCAT.DataService))
    g.add((URIRef(f"{endpoint}#service"), DCAT.endpointURL, endpoint))
    return g


@bp.get("/.well-known/void")
def void() -> Response:
    """The dataset's VoID and DCAT description, in Turtle, JSON-LD, N-Triples or RDF/XML."""
    fmt = negotiate(request.accept_mimetypes, GRAPH_TYPES, "turtle")
    if fmt is None:
        abort(406, "the description is available as Turtle, N-Triples, JSON-LD or RDF/XML")
    body = description().serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
    response = Response(body, content_type=media_type(fmt))
    response.vary.add("Accept")
    return response


def page_urls() -> list[str]:
    """Every page: the home page, the ontology, and each resource's page."""
    base = current_app.config["PASSERELLES"]["base"]
    root = request.url_root.rstrip("/")
    paths = sorted(p for p in (local_path(iri, base) for iri in indexes().types) if p)
    return [root + "/", root + url_for("ontology_doc.page")] + [root + p for p in paths]


def urlset(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
    )


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page, or (past 50,000 pages) an index of sitemaps of 50,000 pages each."""
    urls = page_urls()
    if len(urls) <= SITEMAP_SIZE:
        return Response(urlset(urls), content_type="application/xml; charset=utf-8")
    parts = range(1, -(-len(urls) // SITEMAP_SIZE) + 1)
    entries = "".join(
        f"<sitemap><loc>{escape(url_for('.sitemap_part', number=n, _external=True))}</loc>"
        "</sitemap>\n"
        for n in parts
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n'
    )
    return Response(body, content_type="application/xml; charset=utf-8")


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> Response:
    urls = page_urls()[(number - 1) * SITEMAP_SIZE : number * SITEMAP_SIZE]
    if number < 1 or not urls:
        abort(404, f"there is no sitemap {number}")
    return Response(urlset(urls), content_type="application/xml; charset=utf-8")


@bp.get("/robots.txt")
def robots() -> Response:
    text = f"User-agent: *\nAllow: /\nSitemap: {url_for('.sitemap', _external=True)}\n"
    return Response(text, content_type="text/plain; charset=utf-8")
