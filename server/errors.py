"""The one error format: a short plain-text message users can act on, never internals.

Protocol clients get ``text/plain`` (as the SPARQL Protocol and Oxigraph's server
do); a browser that prefers HTML gets the same message in a small page.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from server.negotiate import prefers_html

log = logging.getLogger(__name__)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text (or, for browsers, HTML) error response."""
    if prefers_html():
        body = render_template("error.html", status=status, message=message)
        response = Response(body, status, content_type="text/html; charset=utf-8")
    else:
        response = Response(message + "\n", status, content_type="text/plain; charset=utf-8")
    response.headers.update(headers or {})
    return response


def _http_error(error: HTTPException) -> Response:
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return error_response(error.code or 500, error.description or error.name, headers)


def _unexpected(error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path, exc_info=error)
    return error_response(500, InternalServerError.description)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
