"""Rate limiting per client address on the query endpoints (429 with Retry-After).

A token bucket per address: ``rate_limit`` requests a minute, in bursts of a sixth of
that. Buckets live in this process; the oldest are forgotten past ``MAX_CLIENTS``, so
memory stays bounded whatever the number of clients.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import Flask, Response, request

from server.errors import error_response

LIMITED_PATHS = ("/sparql", "/queries/")
MAX_CLIENTS = 10_000


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0  # tokens a second
        self.capacity = max(1.0, per_minute / 6.0)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str, now: float | None = None) -> float:
        """0 if ``client`` may go on now (a token is taken), else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, seen = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - seen) * self.rate)
            waiting = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1 if not waiting else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return waiting


def init_app(app: Flask) -> None:
    per_minute = app.config["PASSERELLES"]["rate_limit"]
    if per_minute <= 0:
        return
    limiter = RateLimiter(per_minute)

    @app.before_request
    def limit() -> Response | None:
        if request.method == "OPTIONS" or not request.path.startswith(LIMITED_PATHS):
            return None
        waiting = limiter.wait(request.remote_addr or "")
        if waiting:
            retry = str(max(1, round(waiting)))
            message = f"too many queries from your address: retry in {retry} s"
            return error_response(429, message, {"Retry-After": retry})
        return None
