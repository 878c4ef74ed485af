"""The app for WSGI servers that fork workers: ``gunicorn server.wsgi:app`` (docs/deploy.md).

Settings come from the environment (``PASSERELLES_STORE``…) or the file named by
``PASSERELLES_CONFIG``, as for ``passerelles serve``. Each gunicorn worker imports this
module after it is forked, so each has query pools of its own, closed when it exits
(``create_app`` registers that). Never use ``--preload``: the master would make the pools
and every worker would share their pipes.
"""

from __future__ import annotations

import logging

from kg import netguard
from server import create_app

app = create_app()
# As ``passerelles serve`` does: outbound requests only to allow-listed SERVICE endpoints
# and the remote store, one access log line per request on stderr.
netguard.install(app.config["PASSERELLES"]["outbound"])
logging.basicConfig(level=logging.INFO, format="%(message)s")
