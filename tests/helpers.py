"""Helpers for tests that post forms as a browser would."""
import re

ORGANISER_EMAIL = "organiser@example.org"
ORGANISER_PASSWORD = "correct horse battery staple"

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(client, url: str) -> str:
    """Fetch a page and pull out the CSRF token of its form."""
    page = client.get(url)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Post a form as a browser would: with the CSRF token of the page the form is on."""
    payload = dict(data)
    payload.setdefault("csrf_token", csrf_token_from(client, form_page or url))
    return client.post(url, data=payload, **kwargs)


def side_app(config: dict):
    """Build a second app for a test. The rate limiter is one shared instance, so keep the test app's storage."""
    import os

    from awards_app import create_app

    return create_app({
        "SECRET_KEY": "x", "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL") or "memory://",
        "PAGE_CACHE_SECONDS": 0, "RESULTS_STAMP_SECONDS": 0, **config,
    })
