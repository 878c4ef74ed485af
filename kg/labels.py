"""The one label lookup: a value in the reader's language, through a fallback chain.

A reader of ``fr-CA`` sees ``fr-CA``, then ``fr`` and any other French label, then
English, then any label at all: ``fr-CA → fr → en → any`` (and ``en → fr → any``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

LANGUAGES = ("fr", "en")


def chain(lang: str) -> tuple[str, ...]:
    """The fallback chain of language tags for a reader's language."""
    lang = lang.lower()
    primary = lang.split("-")[0]
    other = "en" if primary != "en" else "fr"
    return tuple(dict.fromkeys((lang, primary, other)))


def pick(labels: Mapping[str, str], lang: str) -> str | None:
    """The best label of ``{language tag: text}`` for ``lang`` ("" is the untagged one)."""
    if not labels:
        return None
    tags = {tag.lower(): text for tag, text in labels.items()}
    for wanted in chain(lang):
        if wanted in tags:
            return tags[wanted]
        # Among regional variants, the language's home region first (fr-FR for "fr").
        variants = sorted(tags, key=lambda tag: (tag != f"{wanted}-{wanted}", tag))
        for tag in variants:
            if tag.split("-")[0] == wanted:
                return tags[tag]
    return tags.get("") or next(iter(sorted(tags.items())))[1]


def preferred_language(accept_language: Iterable[tuple[str, float]], default: str = "en") -> str:
    """The first of our languages in an Accept-Language list (already sorted by quality)."""
    for tag, _quality in accept_language:
        if tag.split("-")[0].lower() in LANGUAGES:
            return tag
    return default


def fold(text: str) -> str:
    """``text`` without accents, case or repeated spaces: what search compares.

    ``"Méduse"``, ``"MEDUSE"`` and ``"méduse"`` all fold to ``"meduse"``; ligatures
    and compatibility forms are decomposed first (``"Œuvre"`` → ``"oeuvre"``).
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())
