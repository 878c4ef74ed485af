"""`passerelles import`: the real CGET file, the SIRENE-schema fixture, reruns and failures."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import shacl_sparql
from kg import store as kg_store
from kg.build import build
from kg.cli import main
from kg.importer import ImportResult, read_rows, web_iri
from kg.imports import ImportFailed, planned, run_import, scoped
from kg.imports import validate as imports_validate
from kg.profile import ProfileError, load_profile
from kg.sources import load_sources, source_files

ROOT = Path(__file__).resolve().parents[1]
CGET = ROOT / "data" / "external" / "cget-tiers-lieux-2019" / "CGET_TiersLieux_2019.csv"
SIRENE = ROOT / "tests" / "fixtures" / "import" / "sirene-unites-legales.csv"
CGET_GRAPH = "https://w3id.org/passerelles/graph/import/cget-tiers-lieux-2019"
SIRENE_GRAPH = "https://w3id.org/passerelles/graph/import/sirene"
ORG = "https://w3id.org/passerelles/id/organisation/"
PLACE = "https://w3id.org/passerelles/id/place/"
CONCEPT = "https://w3id.org/passerelles/id/concept/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ORGANIZATION = "http://www.w3.org/ns/org#Organization"


def sources_store() -> ox.Store:
    """Our curated sources in a fresh in-memory store, as the build has them before imports."""
    target = ox.Store()
    load_sources(target, source_files(ROOT))
    return target


def graph_quads(target: ox.Store, graph: str) -> set[str]:
    return {str(q) for q in target.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


@pytest.fixture(scope="module")
def cget() -> tuple[ox.Store, ImportResult]:
    target = sources_store()
    return target, run_import(ROOT, target, CGET, "cget-tiers-lieux")


@pytest.fixture(scope="module")
def sirene() -> tuple[ox.Store, ImportResult]:
    target = sources_store()
    return target, run_import(ROOT, target, SIRENE, "sirene")


def test_the_build_imports_the_cget_file() -> None:
    assert [(p.file, p.profile) for p in planned(ROOT)] == [(CGET, "cget-tiers-lieux")]
    assert (CGET.parent / "LICENCE.md").is_file() and (CGET.parent / "SOURCE.md").is_file()


def test_every_cget_row_is_accounted_for(cget: tuple[ox.Store, ImportResult]) -> None:
    target, result = cget
    with CGET.open(encoding="utf-8", newline="") as handle:
        records = sum(1 for _ in csv.reader(handle)) - 1
    assert records == result.rows == 1512
    skipped_lines = {p.line for p in result.problems if p.skipped}
    assert result.imported + len(skipped_lines) == result.rows
    assert all(2 <= p.line <= records + 1 and p.reason for p in result.problems)
    typed = target.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(ORGANIZATION), ox.NamedNode(CGET_GRAPH)
    )
    rows = {q.subject.value for q in typed if q.subject.value.startswith(ORG + "cget-")}
    assert len(rows) == result.imported


def test_cget_values_left_out_are_the_bad_ones(cget: tuple[ox.Store, ImportResult]) -> None:
    _, result = cget
    columns = Counter(p.reason.split(" ")[0] for p in result.problems if not p.skipped)
    # 157 rows say INSEECOM "0"; their address and coordinates are kept.
    assert columns["INSEECOM"] == 157
    assert set(columns) <= {"INSEECOM", "CP", "WEB", "INSEEREG", "TYPO"}
    assert any("'en cours'" in p.reason for p in result.problems)


def test_a_cget_row_in_full(cget: tuple[ox.Store, ImportResult]) -> None:
    target, _ = cget
    data = "\n".join(sorted(graph_quads(target, CGET_GRAPH)))
    iri = f"{ORG}cget-tiers-lieux-2019-239"
    org, site = f"<{iri}>", f"<{PLACE}cget-tiers-lieux-2019-239>"
    assert f'{org} <http://www.w3.org/2004/02/skos/core#prefLabel> "La Tabatière"@fr' in data
    assert f"{org} <https://schema.org/location> {site}" in data
    assert f"{org} <http://www.w3.org/ns/org#classification> <{CONCEPT}tiers-lieu>" in data
    assert f"{org} <http://xmlns.com/foaf/0.1/homepage> <http://www.co-actions.fr>" in data
    assert f'{site} <http://www.w3.org/2003/01/geo/wgs84_pos#lat> "44.581814"^^' in data
    # The commune is ours (La Réole, INSEE 33352), found by its code.
    la_reole = f"<{PLACE}la-reole>"
    assert f"{site} <https://schema.org/containedInPlace> {la_reole}" in data
    assert (
        f'<{iri}#cget-tiers-lieux-2019> <http://www.w3.org/2004/02/skos/core#notation> "239"'
        in data
    )


def test_mis_encoded_values_are_repaired(cget: tuple[ox.Store, ImportResult]) -> None:
    target, _ = cget
    data = "\n".join(graph_quads(target, CGET_GRAPH))
    assert "Ã" not in data
    assert "http://www.chezm%C3%A9m%C3%A9.fr" in data  # "chezmÃ©mÃ©.fr" in the file


def test_personal_columns_are_never_read() -> None:
    profile = load_profile("cget-tiers-lieux")
    assert {"CONTACT", "MAIL"} <= profile.never_read
    assert not {"CONTACT", "MAIL"} & profile.columns
    row = next(row for _, row in read_rows(CGET, profile))
    assert "CONTACT" not in row and "MAIL" not in row


def test_personal_data_never_reaches_the_store(store: ox.Store) -> None:
    """The built store (with the import) holds no CGET contact name or address."""
    with CGET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    personal = {v.strip() for r in rows for v in (r["CONTACT"], r["MAIL"])} - {""}
    # A few CONTACT cells name the organisation itself, as another column does.
    public = "\n".join(v for r in rows for k, v in r.items() if k not in ("CONTACT", "MAIL"))
    personal = {value for value in personal if value not in public}
    assert len(personal) > 50
    dump = store.dump(format=ox.RdfFormat.N_QUADS)
    assert dump is not None
    text = dump.decode("utf-8")
    assert CGET_GRAPH in text
    assert [value for value in personal if value in text] == []


def test_rerun_changes_nothing(cget: tuple[ox.Store, ImportResult]) -> None:
    target, first = cget
    before = {str(q) for q in target}
    again = run_import(ROOT, target, CGET, "cget-tiers-lieux")
    assert {str(q) for q in target} == before
    assert (again.imported, again.problems, again.matches) == (
        first.imported,
        first.problems,
        first.matches,
    )


def test_sirene_fixture_rows(sirene: tuple[ox.Store, ImportResult]) -> None:
    _, result = sirene
    assert (result.rows, result.imported, result.skipped) == (11, 6, 5)
    skipped = {p.line: p.reason for p in result.problems if p.skipped}
    assert skipped == {
        7: "siren '123456789': wrong SIREN check digit (Luhn)",
        8: "denominationUniteLegale is empty",
        9: "the legal unit has ceased (etatAdministratifUniteLegale = C)",
        10: "siren '900000019' already imported at line 2",
        11: "siren 'ABC': not a SIREN (9 digits)",
    }


def test_sirene_legal_forms_ess_flag_and_identifiers(sirene: tuple[ox.Store, ImportResult]) -> None:
    target, _ = sirene
    data = "\n".join(graph_quads(target, SIRENE_GRAPH))
    legal = "<https://w3id.org/passerelles/ontology#legalForm>"
    classification = "<http://www.w3.org/ns/org#classification>"
    assert f"<{ORG}siren-900000019> {legal} <{CONCEPT}association>" in data
    assert f"<{ORG}siren-900000027> {legal} <{CONCEPT}scop>" in data
    assert f"<{ORG}siren-900000035> {legal} <{CONCEPT}cooperative>" in data
    assert f"<{ORG}siren-900000084> {legal}" not in data  # 5710 (SAS): no glossary form
    ess = f"{classification} <{CONCEPT}economie-sociale-et-solidaire>"
    assert f"<{ORG}siren-900000019> {ess}" in data
    assert f"<{ORG}siren-900000043> {ess}" not in data  # flag N
    identifier = f"<{ORG}siren-900000019#siren>"
    assert f'{identifier} <http://www.w3.org/2004/02/skos/core#notation> "900000019"' in data
    assert f"{identifier} <http://purl.org/dc/terms/type> <{CONCEPT}scheme-siren>" in data
    assert "DUPONT" not in data and "JEANNE" not in data  # a natural person's row


def test_sirene_duplicate_of_our_organisation(sirene: tuple[ox.Store, ImportResult]) -> None:
    _, result = sirene
    links = {(m.ours, m.record) for m in result.matches}
    assert links == {(ORG + "co-actions", ORG + "siren-900000035")}


def test_bad_profile_and_file_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no profile 'nope'"):
        load_profile("nope")
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,NOM_TL\n1,x\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="columns missing"):
        run_import(ROOT, ox.Store(), bad, "cget-tiers-lieux")


@pytest.mark.parametrize(
    ("value", "iri"),
    [
        ("www.ade-coworking.net", "http://www.ade-coworking.net"),
        ("\xa0www.pingpong-cowork.com", "http://www.pingpong-cowork.com"),
        ("Innovation studio\xa0http://theschoolab.com/", "http://theschoolab.com/"),
        ("http://fablab-vignes.org|fablab-vignes.org]]", "http://fablab-vignes.org"),
        ("en cours", None),
        ("Madame PATTE-AUBOURG", None),
    ],
)
def test_web_addresses(value: str, iri: str | None) -> None:
    assert web_iri(value) == iri


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("import-store") / "store"
    build(ROOT, path)
    return path


def store_quads(path: Path) -> set[str]:
    return {str(q) for q in kg_store.open_store(path)}


def test_cli_import_publishes_and_a_rerun_changes_nothing(served: Path) -> None:
    args = ["import", str(SIRENE), "--profile", "sirene", "--store", str(served)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "siren 'ABC': not a SIREN" in result.output
    assert re.search(r"11 rows: 6 imported, 5 skipped", result.output)
    first = store_quads(served)
    assert any(SIRENE_GRAPH in q for q in first)
    assert CliRunner().invoke(main, args).exit_code == 0
    assert store_quads(served) == first


def test_a_failing_import_publishes_nothing(served: Path, tmp_path: Path) -> None:
    before, link = store_quads(served), served.resolve()
    # A profile whose identifiers name an undeclared scheme: the SHACL gate refuses it.
    text = (ROOT / "profiles" / "sirene.toml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("cpt:scheme-siren", "cpt:scheme-nope"), encoding="utf-8")
    args = ["import", str(SIRENE), "--profile", str(broken), "--store", str(served)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output
    assert "nothing was published" in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("siren\n900000019\n", encoding="utf-8")
    args = ["import", str(missing), "--profile", "sirene", "--store", str(served)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "columns missing" in result.output
    assert served.resolve() == link and store_quads(served) == before


def test_the_gate_after_an_import_validates_what_it_changed(
    sirene: tuple[ox.Store, ImportResult],
) -> None:
    target, result = sirene
    nameless = [ox.NamedNode(ORG + name) for name in ("old-nameless", "new-nameless")]
    old_graph = ox.NamedNode("https://w3id.org/passerelles/graph/test-old")
    kind = (ox.NamedNode(RDF_TYPE), ox.NamedNode(ORGANIZATION))
    for node, graph in zip(nameless, (old_graph, ox.NamedNode(SIRENE_GRAPH)), strict=True):
        target.add(ox.Quad(node, *kind, graph))
    try:
        whole = {r.focus for r in shacl_sparql.validate(target).results}
        focused = shacl_sparql.validate(target, focus=(SIRENE_GRAPH,))
        assert scoped(target, result)  # the fixture's rows are a small part of the store
        gated = imports_validate(target, result, lambda _: pytest.fail("whole"), "en")
    finally:
        target.remove_graph(old_graph)
        target.remove(ox.Quad(nameless[1], *kind, ox.NamedNode(SIRENE_GRAPH)))
    assert {n.value for n in nameless} <= whole
    assert {r.focus for r in focused.results if r.severity == "Violation"} == {nameless[1].value}
    assert not focused.conforms and gated.results == focused.results
    # The import's rows, their identifiers, the concepts they point to, the graph itself.
    assert re.search(r"validated the [0-9,]+ nodes of graph <?" + SIRENE_GRAPH, focused.how)
    assert int(focused.how.split()[2].replace(",", "")) > 2 * result.imported
