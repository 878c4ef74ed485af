"""Checks of the ESS ontology (ontology/ess.ttl) and the SKOS glossary (ontology/glossary.ttl)."""

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, VANN

from kg.terms import ESS, ID, PREFIXES, SLUG, SOURCE_DOCUMENT, SRC

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CPT = Namespace(f"{ID}concept/")
ONTOLOGY = URIRef(str(ESS).rstrip("#"))
SCHEME = CPT["ess-glossary"]
FRANCE = URIRef("http://www.wikidata.org/entity/Q142")
QUEBEC = URIRef("http://www.wikidata.org/entity/Q176")
ESSGLOBAL_TEMPLATE, ESSGLOBAL = "http://purl.org/essglobal/", "https://lod.coop/essglobal/2.1/"
MODEL = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")

SLUGS = """economie-sociale-et-solidaire economie-sociale entreprise-d-economie-sociale
innovation-sociale entrepreneuriat-collectif cooperative cae entrepreneur-salarie-associe scop
scic cooperative-loi-1947 cooperative-de-travail cooperative-de-solidarite
cooperative-de-developpement-regional tiers-lieu espace-de-travail-partage entreprise-d-insertion
monnaie-locale-complementaire cigales cress pole-regional-d-economie-sociale reseau
union-regionale-des-scop reseau-national-des-cae mrc intercommunalite commune municipalite region
region-administrative travailleur-autonome travailleur-independant association obnl
fonds-d-emprunt-communautaire cdec agence-de-developpement-economique syndicat-mixte
cafe-associatif collectif-d-artisans auberge-de-jeunesse fabrique-artistique""".split()

# External terms the pages show: ess.ttl gives them fr/en labels and nothing else.
SHOWN = """foaf:name foaf:homepage foaf:member org:memberOf org:role org:classification
org:subOrganizationOf org:member org:organization schema:startDate schema:endDate schema:location
schema:attendee schema:superEvent schema:organizer schema:funder schema:containedInPlace
schema:eventStatus geo:lat geo:long owl:sameAs skos:prefLabel skos:altLabel prov:wasDerivedFrom
dcterms:description""".split()
# geo: is WGS84 (DESIGN.md), not the GeoSPARQL namespace rdflib calls GEO.
CURIES = PREFIXES | {"geo": "http://www.w3.org/2003/01/geo/wgs84_pos#"}


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(CURIES[prefix] + local)


@pytest.fixture(scope="module")
def ess() -> Graph:
    return Graph().parse(ROOT / "ontology" / "ess.ttl")


@pytest.fixture(scope="module")
def glossary() -> Graph:
    return Graph().parse(ROOT / "ontology" / "glossary.ttl")


def langs(g: Graph, s: URIRef, *preds: URIRef) -> list[str]:
    return [o.language for p in preds for o in g.objects(s, p) if isinstance(o, Literal) and str(o)]


def label(g: Graph, s: URIRef, lang: str, pred: URIRef = SKOS.prefLabel) -> str:
    return next(str(o) for o in g.objects(s, pred) if isinstance(o, Literal) and o.language == lang)


def concepts(g: Graph) -> set[URIRef]:
    return set(g.subjects(RDF.type, SKOS.Concept))


def test_ontology_metadata(ess: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ess
    assert sorted(langs(ess, ONTOLOGY, DCTERMS.title)) == ["en", "fr"]
    assert sorted(langs(ess, ONTOLOGY, DCTERMS.description)) == ["en", "fr"]
    assert str(ess.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert ess.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/0.1.0")
    assert ess.value(ONTOLOGY, DCTERMS.license) == CC_BY
    assert str(ess.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "ess"
    assert str(ess.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(ESS)


def test_every_model_term_is_declared(ess: Graph) -> None:
    used = {ESS[name] for name in re.findall(r"\bess:([A-Za-z]+)", MODEL)}
    assert len(used) > 30
    assert sorted(t for t in used if (t, RDF.type, None) not in ess) == []


def test_super_classes_follow_model(ess: Graph) -> None:
    rows = re.findall(r"^\| `ess:(\w+)` \| ([^|]*) \|", MODEL, re.MULTILINE)
    assert len(rows) >= 10
    for name, supers in rows:
        for curie in re.findall(r"`([a-z]+:\w+)`", supers):
            assert (ESS[name], RDFS.subClassOf, expand(curie)) in ess, (name, curie)


def test_every_ess_term_is_labelled_and_defined_in_fr_and_en(ess: Graph) -> None:
    for term in {s for s in ess.subjects(RDF.type, None) if s.startswith(ESS)}:
        assert sorted(set(langs(ess, term, RDFS.label))) == ["en", "fr"], term
        assert sorted(set(langs(ess, term, RDFS.comment, SKOS.definition))) == ["en", "fr"], term
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in ess, term


def test_axioms(ess: Graph) -> None:
    assert (ESS.met, RDF.type, OWL.SymmetricProperty) in ess
    assert (ESS.hasMission, OWL.inverseOf, ESS.missionOf) in ess
    assert (ESS.legalForm, RDFS.subPropertyOf, expand("org:classification")) in ess
    assert (ESS.presenter, RDFS.subPropertyOf, expand("schema:performer")) in ess
    partners = set(ess.subjects(RDFS.subPropertyOf, ESS.partner))
    assert partners == {ESS.mainPartner, ESS.associatedPartner}
    assert not list(ess.triples((None, OWL.equivalentClass, None)))


def test_evidence_kinds(ess: Graph) -> None:
    assert (ESS.EvidenceKinds, RDF.type, SKOS.ConceptScheme) in ess
    kinds = set(ess.subjects(RDF.type, ESS.EvidenceKind))
    names = ("TravelledTogether", "MetDuringVisit", "DelegationVisit", "AttendedPresentation")
    assert kinds == {ESS[n] for n in names}
    assert set(ess.subjects(SKOS.inScheme, ESS.EvidenceKinds)) == kinds
    assert all((kind, RDF.type, SKOS.Concept) in ess for kind in kinds)
    # the labels alone tell an attested encounter from a probable one
    assert "(attested)" in label(ess, ESS.TravelledTogether, "en", RDFS.label)
    assert "(inferred)" in label(ess, ESS.MetDuringVisit, "en", RDFS.label)
    assert "(inféré)" in label(ess, ESS.MetDuringVisit, "fr", RDFS.label)


def test_external_terms_carry_only_fr_and_en_labels(ess: Graph) -> None:
    external = {s for s in ess.subjects() if s != ONTOLOGY and not s.startswith(ESS)}
    assert {expand(c) for c in SHOWN} <= external
    for term in external:
        assert set(ess.predicates(term, None)) == {RDFS.label}, term
        assert sorted(langs(ess, term, RDFS.label)) == ["en", "fr"], term


def test_glossary_scheme_and_slugs(glossary: Graph) -> None:
    assert sorted(s for s in SLUGS if CPT[s] not in concepts(glossary)) == []
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in glossary
    assert sorted(langs(glossary, SCHEME, SKOS.prefLabel)) == ["en", "fr-CA", "fr-FR"]
    assert glossary.value(SCHEME, DCTERMS.license) == CC_BY
    assert (SCHEME, PROV.wasDerivedFrom, SOURCE_DOCUMENT) in glossary
    for name in ("cae", "scop", "scic", "cooperative-loi-1947"):  # "a CAE may be a SCOP, …"
        assert (CPT[name], DCTERMS.source, SRC["les-cae-cadre-juridique"]) in glossary, name


def test_every_concept_is_complete(glossary: Graph) -> None:
    for c in concepts(glossary):
        assert sorted(langs(glossary, c, SKOS.prefLabel)) == ["en", "fr-CA", "fr-FR"], c
        assert sorted(set(langs(glossary, c, SKOS.definition))) == ["en", "fr"], c
        assert (c, SKOS.inScheme, SCHEME) in glossary, c
        assert (c, SKOS.topConceptOf, SCHEME) in glossary or glossary.value(c, SKOS.broader), c
        assert re.fullmatch(SLUG, c.removeprefix(CPT)), c
        spatial = set(glossary.objects(c, DCTERMS.spatial))
        assert spatial and spatial <= {FRANCE, QUEBEC}, c
        if len(spatial) == 1:  # a term of one side only says so to the other side
            assert sorted(set(langs(glossary, c, SKOS.scopeNote))) == ["en", "fr"], c


def test_hierarchy_is_sound(glossary: Graph) -> None:
    for c, parent in glossary.subject_objects(SKOS.broader):  # no cycle
        assert c not in set(glossary.transitive_objects(parent, SKOS.broader)), c
    for a, b in glossary.subject_objects(SKOS.related):  # symmetric, never along a hierarchy
        assert (b, SKOS.related, a) in glossary, (a, b)
        assert b not in set(glossary.transitive_objects(a, SKOS.broader)), (a, b)


def internal_close_matches(g: Graph) -> set[tuple[URIRef, URIRef]]:
    inside = concepts(g)
    return {(a, b) for a, b in g.subject_objects(SKOS.closeMatch) if a in inside and b in inside}


def test_close_matches_pair_france_with_quebec(glossary: Graph) -> None:
    pairs = internal_close_matches(glossary)
    assert len(pairs) >= 18
    for a, b in pairs:
        assert (b, SKOS.closeMatch, a) in glossary, (a, b)
        usage = {frozenset(glossary.objects(c, DCTERMS.spatial)) for c in (a, b)}
        assert usage == {frozenset({FRANCE}), frozenset({QUEBEC})}, (a, b)
        fr, qc = (a, b) if (a, DCTERMS.spatial, FRANCE) in glossary else (b, a)
        assert label(glossary, fr, "fr-FR") != label(glossary, qc, "fr-CA"), (fr, qc)


def test_readme_table_lists_every_correspondence(glossary: Graph) -> None:
    text = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    section = text.split("### France ↔ Québec", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    for pair in internal_close_matches(glossary):
        cells = [f"`{c.removeprefix(CPT)}`" for c in pair]
        assert any(all(cell in row for cell in cells) for row in rows), pair


def test_essglobal_iris_exist(ess: Graph, glossary: Graph) -> None:
    folder = SHARED / "vocab" / "essglobal"
    if not folder.is_dir():
        pytest.skip(f"no ESSGLOBAL copy at {folder} (the shared folder beside the repository)")
    known = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        text = path.read_text(encoding="utf-8").replace(ESSGLOBAL_TEMPLATE, ESSGLOBAL)
        known.parse(data=text, format="turtle")
    cited = {o for g in (ess, glossary) for o in g.objects() if o.startswith(ESSGLOBAL)}
    assert len(cited) >= 15
    assert sorted(iri for iri in cited if (iri, None, None) not in known) == []
