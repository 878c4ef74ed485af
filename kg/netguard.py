"""No outbound request leaves the process unless its host is on an allow-list.

Python code (rdflib fetching a remote graph or a SERVICE, pyshacl following
``owl:imports``, a JSON-LD ``@context``) goes through ``socket.connect`` and
``urllib.Request``; an audit hook (PEP 578, as rdflib's security notes advise)
refuses both for any host not allowed. Oxigraph's own SERVICE calls are native
code and are refused before evaluation by :mod:`kg.sparql_guard`.

A connection is checked by address: an allowed host name is resolved when it is
allowed, and each of its addresses is allowed with it.
"""

from __future__ import annotations

import socket
import sys
from typing import Any
from urllib.parse import urlsplit

_allowed: set[tuple[str, int | None]] = set()
_installed = False


class OutboundRequestBlocked(PermissionError):
    """An outbound network request to a host that is not allow-listed."""


def _host_port(url: str) -> tuple[str | None, int | None]:
    """The host of ``url`` and its port, the scheme's default if none is written."""
    parts = urlsplit(url)
    return parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def allow(url: str) -> None:
    """Allow connections to the host and port of ``url``."""
    host, port = _host_port(url)
    if not host:
        return
    _allowed.add((host, port))
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return  # not resolvable now: the name alone is allowed
    _allowed.update((str(info[4][0]), port) for info in found)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and (address[0], address[1]) not in _allowed:
            raise OutboundRequestBlocked(
                f"outbound connection to {address[0]}:{address[1]} refused"
            )
    elif event == "urllib.Request":
        if _host_port(args[0]) not in _allowed:
            raise OutboundRequestBlocked(f"outbound request to {args[0]} refused")


def install(allowed_urls: list[str] | tuple[str, ...] = ()) -> None:
    """Install the hook once for this process (audit hooks cannot be removed)."""
    global _installed
    for url in allowed_urls:
        allow(url)
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
