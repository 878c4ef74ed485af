"""``kg.labels``: the one label lookup (fr-CA → fr → en → any) and the search's folding."""

from __future__ import annotations

import pytest

from kg.labels import chain, fold, pick, preferred_language

GLOSSARY = {
    "fr-FR": "espace de travail partagé",
    "fr-CA": "espace de cotravail",
    "en": "coworking space",
}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr-CA", ("fr-ca", "fr", "en")),
        ("fr", ("fr", "en")),
        ("en", ("en", "fr")),
        ("en-GB", ("en-gb", "en", "fr")),
    ],
)
def test_chain(lang: str, expected: tuple[str, ...]) -> None:
    assert chain(lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr-CA", "espace de cotravail"),
        ("fr-ca", "espace de cotravail"),
        ("fr", "espace de travail partagé"),  # the language's home region first
        ("fr-BE", "espace de travail partagé"),
        ("en", "coworking space"),
        ("en-US", "coworking space"),
    ],
)
def test_pick_follows_the_fallback_chain(lang: str, expected: str) -> None:
    assert pick(GLOSSARY, lang) == expected


def test_pick_falls_back_to_the_other_language_then_to_anything() -> None:
    assert pick({"fr": "Délégation"}, "en") == "Délégation"
    assert pick({"en": "delegation"}, "fr-CA") == "delegation"
    assert pick({"": "Noémie Escortell"}, "fr") == "Noémie Escortell"
    assert pick({"es": "Espagne", "de": "Spanien"}, "fr") in {"Espagne", "Spanien"}
    assert pick({}, "fr") is None


def test_pick_prefers_a_tagged_label_to_an_untagged_one_of_another_language() -> None:
    assert pick({"": "GSEF", "fr": "Forum mondial"}, "fr") == "Forum mondial"
    assert pick({"": "GSEF", "fr": "Forum mondial"}, "en") == "Forum mondial"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ([("fr-CA", 1.0), ("en", 0.5)], "fr-CA"),
        ([("de", 1.0), ("en", 0.8)], "en"),
        ([("es", 1.0)], "en"),
        ([], "en"),
    ],
)
def test_preferred_language(accept: list[tuple[str, float]], expected: str) -> None:
    assert preferred_language(accept) == expected


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Méduse", "meduse"),
        ("MÈDUSE", "meduse"),
        ("MEDUSE", "meduse"),
        ("Noémie Escortell", "noemie escortell"),
        ("  Pôle   des entreprises ", "pole des entreprises"),
        ("Œuvre", "oeuvre"),
        ("Coopéa", "coopea"),
        ("ÉSS", "ess"),
    ],
)
def test_fold_ignores_accents_case_and_spacing(text: str, folded: str) -> None:
    assert fold(text) == folded
