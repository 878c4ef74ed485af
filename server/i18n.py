"""The interface's own words in French and English (the data brings its own labels)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "kind": "Type",
        "properties": "Description",
        "mentioned_by": "Mentionné par",
        "links": "liens",
        "page": "page",
        "previous": "précédente",
        "next": "suivante",
        "data": "Données",
        "external": "lien externe",
        "language": "Langue",
        "not_found": "Introuvable",
    },
    "en": {
        "kind": "Type",
        "properties": "Description",
        "mentioned_by": "Mentioned by",
        "links": "links",
        "page": "page",
        "previous": "previous",
        "next": "next",
        "data": "Data",
        "external": "external link",
        "language": "Language",
        "not_found": "Not found",
    },
}


def words(lang: str) -> dict[str, str]:
    """The interface words for a reader's language (French for any fr-*, else English)."""
    return WORDS["fr" if lang.lower().startswith("fr") else "en"]
