"""Values as a reader expects them in French or English: dates, numbers, links.

Links go to this server's pages for our IRIs (keeping the reader's ``?lang=``) and
are marked external, with where they lead, for the others.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode, urlsplit

from flask import current_app, g, request
from markupsafe import Markup, escape

from kg.labels import LANGUAGES
from kg.resource import Value
from kg.terms import KINDS, SLUG
from server.i18n import words

XSD = "http://www.w3.org/2001/XMLSchema#"
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
}
NUMERIC = {
    XSD + t
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "nonNegativeInteger",
        "positiveInteger",
        "int",
        "long",
    )
}
DATES = {XSD + t for t in ("date", "gYearMonth", "gYear", "dateTime")}
# Where an external IRI points, by host (and path prefix): the name readers know it by.
SCHEMES = (
    ("www.wikidata.org", "Wikidata"),
    ("sws.geonames.org", "GeoNames"),
    ("www.geonames.org", "GeoNames"),
    ("lod.coop/essglobal", "ESSGLOBAL"),
    ("schema.org", "schema.org"),
    ("www.w3.org", "W3C"),
    ("xmlns.com", "FOAF"),
    ("purl.org/dc", "Dublin Core"),
    ("creativecommons.org", "Creative Commons"),
    ("fr.wikipedia.org", "Wikipédia"),
    ("www.facebook.com", "Facebook"),
)


def _french(lang: str) -> bool:
    return lang.lower().startswith("fr")


def _month(number: int, lang: str) -> str:
    return MONTHS["fr" if _french(lang) else "en"].split()[number - 1]


def format_date(text: str, datatype: str | None, lang: str) -> str:
    """``2016-09-05`` → ``5 septembre 2016`` (fr) or ``5 September 2016``; ``2018-09`` → month."""
    try:
        if datatype == XSD + "gYear":
            return str(int(text[:4]))
        if datatype == XSD + "gYearMonth":
            year, month = text.split("-")[:2]
            return f"{_month(int(month), lang)} {year}"
        if datatype in (XSD + "date", XSD + "dateTime"):
            day = date.fromisoformat(text[:10])
            shown = "1er" if day.day == 1 and _french(lang) else str(day.day)
            return f"{shown} {_month(day.month, lang)} {day.year}"
    except ValueError:
        pass
    return text


def format_period(start: Value | None, end: Value | None, lang: str, pattern: str) -> str:
    """One date, or a period through ``pattern`` (``"from {start} to {end}"``)."""
    if start is None and end is None:
        return ""
    shown = [format_literal(v, lang) for v in (start, end) if v is not None]
    if len(shown) == 1 or shown[0] == shown[1]:
        return shown[0]
    return pattern.format(start=shown[0], end=shown[1])


def format_number(text: str, lang: str) -> str:
    """Thousands separated the reader's way: ``960 000`` in French, ``960,000`` in English."""
    try:
        number = float(text)
    except ValueError:
        return text
    shown = f"{number:,.0f}" if number.is_integer() else f"{number:,}"
    return shown.replace(",", "\u202f").replace(".", ",") if _french(lang) else shown


def format_literal(value: Value, lang: str) -> str:
    """A literal's text for the page."""
    if value.datatype in DATES:
        return format_date(value.value, value.datatype, lang)
    if value.datatype in NUMERIC:
        return format_number(value.value, lang)
    return value.value


def external_scheme(iri: str) -> tuple[str, str]:
    """(what the target is known as, a short name for it): ``("Wikidata", "Q1479")``."""
    parts = urlsplit(iri)
    where = parts.netloc + parts.path
    scheme = next((name for prefix, name in SCHEMES if where.startswith(prefix)), None)
    if scheme is None:
        return parts.netloc.removeprefix("www.") or iri, iri
    short = parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.netloc
    return scheme, parts.fragment or short


SLUG_RE = re.compile(SLUG)


def local_path(iri: str, base: str) -> str | None:
    """The path of this server's page for one of our IRIs (with its #part); None otherwise."""
    if not iri.startswith(base):
        return None
    rest, _, fragment = iri[len(base) :].partition("#")
    anchor = f"#{fragment}" if fragment else ""
    if rest == "ontology":
        return "/page/ontology" + anchor
    kind, _, slug = rest.removeprefix("id/").partition("/")
    if rest.startswith("source/"):
        kind, slug = "source", rest[len("source/") :]
    elif not rest.startswith("id/") or kind not in KINDS:
        return None
    return f"/page/{kind}/{slug}{anchor}" if SLUG_RE.fullmatch(slug) else None


def language_parameter() -> str | None:
    asked = request.args.get("lang", "")
    return asked if asked.split("-")[0] in LANGUAGES and len(asked) <= 8 else None


@dataclass(frozen=True)
class _Links:
    """What every link of one request needs, worked out once per request."""

    base: str
    root: str  # the script root
    query: str  # "?lang=fr" when the reader chose a language, else ""
    pages: Container[str]  # the IRIs that have a page


def _links() -> _Links:
    if "passerelles_links" not in g:
        from server.indexes import indexes

        lang = language_parameter()
        g.passerelles_links = _Links(
            current_app.config["PASSERELLES"]["base"],
            request.script_root,
            f"?lang={lang}" if lang else "",
            indexes().types,
        )
    return g.passerelles_links  # type: ignore[no-any-return]


def local_url(iri: str) -> str | None:
    """This server's page for one of our IRIs that has one, keeping the reader's ``?lang=``.

    An IRI of ours that names nothing described (a typo in the data) gets no link: every
    link of every page leads to a page that answers.
    """
    links = _links()
    path = local_path(iri, links.base)
    if path is None:
        return None
    path, _, anchor = path.partition("#")
    if path != "/page/ontology" and iri.partition("#")[0] not in links.pages:
        return None
    return links.root + path + links.query + (f"#{anchor}" if anchor else "")


def value_html(value: Value, lang: str) -> Markup:
    """A value as HTML: a link to our page, a marked external link, or formatted text."""
    if value.kind == "uri":
        local = local_url(value.value)
        if local:
            return Markup(f'<a href="{escape(local)}">{escape(value.text)}</a>')
        if value.value.startswith(_links().base):
            return Markup(f"<code>{escape(value.value)}</code>")  # ours, but not a page
        return external_link(value, lang)
    shown = escape(format_literal(value, lang))
    if value.language:
        return Markup(f'<span lang="{escape(value.language)}">{shown}</span>')
    return shown


def external_link(value: Value, lang: str) -> Markup:
    """An outbound link: marked external, with where it leads (Wikidata, GeoNames…)."""
    scheme, short = external_scheme(value.value)
    text = value.label or (short if short != value.value else value.value)
    return Markup(
        f'<a class="external" rel="external" href="{escape(value.value)}" '
        f'title="{escape(words(lang)["external"])}">{escape(text)} '
        f'<span class="scheme">{escape(scheme)} ↗</span></a>'
    )


def period(start: Value | None, end: Value | None, lang: str) -> str:
    return format_period(start, end, lang, words(lang)["from_to"])


def query_with(**changes: object) -> str:
    """This page's query string with some parameters changed (a page number, the language)."""
    args = request.args.to_dict()
    args.update({key: str(value) for key, value in changes.items()})
    return "?" + urlencode(args)
