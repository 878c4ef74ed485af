"""Nothing served publishes a personal e-mail address or a phone number.

Every page of the sitemap, every resource's data document, the dumps, the SPARQL
export of everything: only the organisations' role addresses (contact points) may
appear, and the source's own phone number and personal addresses never do.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from test_data import EMAIL, PHONE, ROLE_ADDRESSES

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "sources"
# What the source document itself gives (its header and its participants' cards).
SOURCE_PHONE = "06 11 02 61 49"


def personal_addresses() -> set[str]:
    """Every address of the source document that is not an organisation's role address."""
    path = SOURCE / "cooperation-aquitaine-quebec-2016-2018.txt"
    if not path.exists():
        pytest.skip(f"the source document is not beside the project ({path})")
    roles = {address.lower() for address in ROLE_ADDRESSES}
    found = set(EMAIL.findall(path.read_text(encoding="utf-8")))
    return {address for address in found if address.lower() not in roles}


def served(client: FlaskClient) -> dict[str, str]:
    """Every document the server publishes, by path."""
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    pages = [
        re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>(.*?)</loc>", sitemap)
    ]
    documents = {path: client.get(path).get_data(as_text=True) for path in pages}
    for path in pages:
        if path.startswith("/page/"):
            data = "/data/" + path[len("/page/") :] + ".ttl"
            documents[data] = client.get(data).get_data(as_text=True)
    for dump in ("/dumps/passerelles.ttl.gz", "/dumps/passerelles.nq.gz"):
        documents[dump] = gzip.decompress(client.get(dump).get_data()).decode("utf-8")
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    answer = client.get(
        "/sparql", query_string={"query": everything}, headers={"Accept": "text/turtle"}
    )
    documents["/sparql"] = answer.get_data(as_text=True)
    return documents


def test_no_personal_address_or_phone_is_published(client: FlaskClient) -> None:
    documents = served(client)
    assert len(documents) > 300, "the sitemap lists every page"
    personal = personal_addresses()
    assert len(personal) >= 15, "the source's personal addresses were found"
    for path, text in documents.items():
        assert SOURCE_PHONE not in text, path
        phone = PHONE.search(text)
        assert phone is None, (path, phone.group() if phone else "")
        for address in EMAIL.findall(text):
            assert address in ROLE_ADDRESSES, (path, address)
        for address in personal:
            assert address not in text, (path, address)
