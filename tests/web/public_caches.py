"""The public caches as a test parameter: off (the tests' default), or on with production's settings.

A test that takes the `caches` fixture runs twice: once with every public answer drawn afresh, once with the page
cache (page_cache.py, 2 s) and the results stamp (web/public/results.py, 0.5 s) on, so that whatever it says of the
public pages is shown to hold for what the caches keep too. Where the test changes data or moves the clock behind
the app's back (as an organiser on another worker, or time passing), it calls `forget_cached()`: in production the
stamp and the pages would be read again within those seconds.
"""
from __future__ import annotations

import pytest

from awards_app.web.caching import page_cache
from awards_app.web.public import results

PRODUCTION_SETTINGS = {"PAGE_CACHE_SECONDS": 2, "RESULTS_STAMP_SECONDS": 0.5}


def forget_cached() -> None:
    """Forget this worker's kept pages and results stamps, as the seconds running out would."""
    page_cache.clear()
    results.forget_stamps()


@pytest.fixture(params=["uncached", "cached"])
def caches(request, app, monkeypatch):
    """The public caches off, then on as in production; empty before and after either way."""
    if request.param == "cached":
        for name, value in PRODUCTION_SETTINGS.items():
            monkeypatch.setitem(app.config, name, value)
    forget_cached()
    yield request.param
    forget_cached()
