"""Values as a reader expects them in French or English: dates, numbers, links."""

from __future__ import annotations

from datetime import date

from kg.resource import Value

XSD = "http://www.w3.org/2001/XMLSchema#"
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
}
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "nonNegativeInteger",
                             "positiveInteger", "int", "long")}  # fmt: skip


def _month(number: int, lang: str) -> str:
    return MONTHS["fr" if lang.startswith("fr") else "en"].split()[number - 1]


def format_date(text: str, datatype: str | None, lang: str) -> str:
    """``2016-09-05`` → ``5 septembre 2016`` (fr) or ``5 September 2016``; ``2018-09`` → month."""
    try:
        if datatype == XSD + "gYearMonth":
            year, month = text.split("-")[:2]
            return f"{_month(int(month), lang)} {year}"
        if datatype == XSD + "date":
            day = date.fromisoformat(text[:10])
            return f"{day.day} {_month(day.month, lang)} {day.year}"
    except ValueError:
        pass
    return text


def format_number(text: str, lang: str) -> str:
    """Thousands separated the reader's way: ``960 000`` in French, ``960,000`` in English."""
    try:
        number = float(text)
    except ValueError:
        return text
    shown = f"{number:,.0f}" if number.is_integer() else f"{number:,}"
    return shown.replace(",", "\u202f").replace(".", ",") if lang.startswith("fr") else shown


def format_literal(value: Value, lang: str) -> str:
    """A literal's text for the page."""
    if value.datatype in (XSD + "date", XSD + "gYearMonth"):
        return format_date(value.value, value.datatype, lang)
    if value.datatype in NUMERIC:
        return format_number(value.value, lang)
    return value.value
