"""The one headless browser of the test session: Debian's chromium driven by Playwright.

Playwright's sync API runs one instance at a time, so every browser test shares this
session fixture. It skips, saying why, only when chromium or playwright is missing
(CI installs both: scripts/install-system-packages.sh and the test extra).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# What the workplace's closed network needs (no background connections) and root needs.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed: run scripts/install-system-packages.sh")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
