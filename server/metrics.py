"""Observability: Prometheus metrics at ``/metrics`` and one structured access-log line
per request (JSON on the ``passerelles.access`` logger).

Metrics: requests by route, method and status; latency histograms by route; query
timeouts; result rows served. They are this process's own (one waitress process).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter, defaultdict

from flask import Blueprint, Flask, Response, current_app, g, request

bp = Blueprint("metrics", __name__)
access_log = logging.getLogger("passerelles.access")
DURATION = "passerelles_request_duration_seconds"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.buckets: defaultdict[str, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self.sums: defaultdict[str, float] = defaultdict(float)
        self.counts: Counter[str] = Counter()
        self.timeouts = 0
        self.rows = 0

    def observe(self, route: str, method: str, status: int, seconds: float, rows: int,
                timed_out: bool) -> None:  # fmt: skip
        with self._lock:
            self.requests[(route, method, status)] += 1
            counts = self.buckets[route]
            for i, bound in enumerate(BUCKETS):
                counts[i] += seconds <= bound
            self.sums[route] += seconds
            self.counts[route] += 1
            self.timeouts += timed_out
            self.rows += rows

    def render(self) -> str:
        """The Prometheus text exposition format (version 0.0.4)."""
        out = ["# HELP passerelles_requests_total HTTP requests by route, method and status.",
               "# TYPE passerelles_requests_total counter"]  # fmt: skip
        with self._lock:
            for (route, method, status), n in sorted(self.requests.items()):
                out.append(
                    f'passerelles_requests_total{{route="{route}",method="{method}",'
                    f'status="{status}"}} {n}'
                )
            out += [f"# HELP {DURATION} Time to answer, by route.",
                    f"# TYPE {DURATION} histogram"]  # fmt: skip
            for route in sorted(self.counts):
                label = f'route="{route}"'
                for bound, n in zip(BUCKETS, self.buckets[route], strict=True):
                    out.append(
                        f'passerelles_request_duration_seconds_bucket{{{label},le="{bound}"}} {n}'
                    )
                out.append(
                    f'passerelles_request_duration_seconds_bucket{{{label},le="+Inf"}} '
                    f"{self.counts[route]}"
                )
                out.append(
                    f"passerelles_request_duration_seconds_sum{{{label}}} {self.sums[route]:.6f}"
                )
                out.append(
                    f"passerelles_request_duration_seconds_count{{{label}}} {self.counts[route]}"
                )
            out += ["# HELP passerelles_query_timeouts_total Queries stopped at the time limit.",
                    "# TYPE passerelles_query_timeouts_total counter",
                    f"passerelles_query_timeouts_total {self.timeouts}",
                    "# HELP passerelles_result_rows_total Result rows (or triples) served.",
                    "# TYPE passerelles_result_rows_total counter",
                    f"passerelles_result_rows_total {self.rows}"]  # fmt: skip
        return "\n".join(out) + "\n"


@bp.get("/metrics")
def metrics_page() -> Response:
    metrics: Metrics = current_app.extensions["passerelles.metrics"]
    return Response(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")


def init_app(app: Flask) -> None:
    metrics = app.extensions["passerelles.metrics"] = Metrics()

    @app.before_request
    def start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        # Routes, not paths, as labels: a bounded set, whatever clients ask for.
        route = request.url_rule.rule if request.url_rule else "(unmatched)"
        rows = int(response.headers.get("X-Result-Rows", 0))
        timed_out = g.get("query_failed") == "timeout"
        metrics.observe(route, request.method, response.status_code, seconds, rows, timed_out)
        access_log.info(json.dumps({
            "method": request.method, "path": request.path, "route": route,
            "status": response.status_code, "ms": round(seconds * 1000, 3), "rows": rows,
            "client": request.remote_addr, "timeout": timed_out,
        }))  # fmt: skip
        return response

    app.register_blueprint(bp)
