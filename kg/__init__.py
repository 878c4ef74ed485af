"""Passerelles knowledge graph: load, derive, validate, store, query, export.

Layers, one direction only: ``terms`` → ``settings`` → ``sources`` (parsing) →
``store`` → ``rules`` and ``shacl`` (the gate) → ``queries`` → ``build`` and
``export`` → ``cli``. Nothing here imports Flask.
"""

__version__ = "0.1.0"
