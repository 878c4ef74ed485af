"""Parsing: every file in its own graph; a broken file named with its line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import sources
from kg.sources import SourceError, load_sources, read_sources, source_files
from kg.terms import GLOSSARY_GRAPH, GRAPH, ONTOLOGY_GRAPH, data_graph


def test_every_file_gets_its_own_graph(project: Path) -> None:
    (project / "data" / "extra").mkdir()
    (project / "data" / "extra" / "more.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    graphs = {f.graph for f in source_files(project)}
    assert {
        ONTOLOGY_GRAPH,
        GLOSSARY_GRAPH,
        data_graph("people"),
        data_graph("extra/more"),
    } <= graphs


def test_trig_keeps_its_graph_names(tmp_path: Path) -> None:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    for name in ("ess.ttl", "glossary.ttl"):
        (tmp_path / "ontology" / name).write_text("")
    (tmp_path / "data" / "facts.trig").write_text(
        "<urn:g> { <urn:a> <urn:b> <urn:c> . }\n<urn:g> <urn:from> <urn:src> .\n"
    )
    dataset = read_sources(tmp_path)
    names = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert names == {"urn:g": 1, str(GRAPH["data/facts"]): 1}


@pytest.mark.parametrize(
    ("content", "line", "phrase"),
    [
        ('<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "open\n', 2, "end of file"),
        ("@prefix ex: <urn:x#> .\n\n\nex:a ex:b .\n", 4, "turtle syntax error"),
        ("<urn:a> <urn:b> undefined:c .\n", 1, "prefix undefined: has not been declared"),
    ],
)
def test_syntax_error_names_file_and_line(
    project: Path, content: str, line: int, phrase: str
) -> None:
    broken = project / "data" / "broken.ttl"
    broken.write_text(content)
    with pytest.raises(SourceError) as caught:
        read_sources(project)
    assert caught.value.path == broken
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{broken}:{line}: ")
    assert phrase in str(caught.value).lower()


def test_bad_encoding_is_reported_with_its_line(project: Path) -> None:
    broken = project / "data" / "latin1.ttl"
    broken.write_bytes('<urn:a> <urn:b> "ok" .\n<urn:a> <urn:b> "Québec" .\n'.encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin1\.ttl:2: not valid UTF-8"):
        read_sources(project)


def test_missing_ontology_file_is_named(project: Path) -> None:
    (project / "ontology" / "glossary.ttl").unlink()
    with pytest.raises(SourceError, match=r"glossary\.ttl: file not found"):
        read_sources(project)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="urn:x"><rdf:value>&d;&d;&d;&d;&d;&d;&d;</rdf:value></rdf:Description>
</rdf:RDF>
"""


def test_rdf_xml_is_refused_unparsed(project: Path) -> None:
    laughs = project / "data" / "laughs.rdf"
    laughs.write_text(BILLION_LAUGHS)
    with pytest.raises(SourceError, match=r"laughs\.rdf: \.rdf files are not read here"):
        read_sources(project)


def test_truncated_file_is_named(project: Path) -> None:
    people = project / "data" / "people.ttl"
    people.write_bytes(people.read_bytes()[: len(people.read_bytes()) // 2])
    with pytest.raises(SourceError, match=r"people\.ttl:\d+: "):
        read_sources(project)


def test_a_huge_line_is_data_not_a_problem(project: Path) -> None:
    big = "x" * 2_000_000
    (project / "data" / "huge.ttl").write_text(f'<urn:a> <urn:b> "{big}" .\n')
    dataset = read_sources(project)
    assert any(len(str(o)) == len(big) for o in dataset.objects(None, None))


def test_n_triples_and_n_quads_stream_in_chunks_with_their_lines(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "CHUNK_BYTES", 100)  # many chunks from a small file
    lines = [f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(50)]
    (project / "data" / "big.nt").write_text("".join(lines))
    (project / "data" / "more.nq").write_text(
        "<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> <urn:d> .\n"
    )
    store, shown = ox.Store(), []
    load_sources(store, source_files(project), shown.append)
    big = ox.NamedNode(str(data_graph("big")))
    assert len(list(store.quads_for_pattern(None, None, None, big))) == 50
    assert {
        q.graph_name.value for q in store.quads_for_pattern(ox.NamedNode("urn:a"), None, None)
    } == {
        "urn:g",
        str(data_graph("more")),
    }
    assert any(line.startswith("Loading big.nt: ") for line in shown)
    broken = lines[:37] + ["<urn:s> <urn:p> oops .\n"] + lines[37:]
    (project / "data" / "big.nt").write_text("".join(broken))
    with pytest.raises(SourceError, match=r"big\.nt:38: N-Triples syntax error"):
        load_sources(ox.Store(), source_files(project))


@pytest.mark.parametrize("suffix", [".jsonld", ".n3", ".owl", ".xml"])
def test_other_rdf_formats_are_refused(project: Path, suffix: str) -> None:
    (project / "data" / f"other{suffix}").write_text("{}")
    with pytest.raises(SourceError, match="files are not read here"):
        source_files(project)
