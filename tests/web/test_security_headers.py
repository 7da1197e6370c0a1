"""Security headers on every response; no inline script or style in what we ship."""
import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/", "/sign-in", "/healthz", "/no-such-page", "/static/css/app.css"])
def test_headers_on_every_response(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]


def test_no_hsts_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_session_cookie_is_httponly_and_lax(client):
    client.get("/sign-in")
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_templates_have_no_inline_script_style_or_hx_on():
    for template in (PROJECT / "templates").rglob("*.html"):
        if "emails" in template.parts:
            continue  # email HTML is never served under the site's CSP
        # Look at the HTML only: Jinja tags and comments may name things "style" harmlessly.
        text = re.sub(r"\{%.*?%\}|\{#.*?#\}", "", template.read_text(), flags=re.S)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {template}"
        assert "<style" not in text, f"inline style element in {template}"
        assert not re.search(r"\sstyle=", text), f"style attribute in {template}"
        assert not re.search(r"\shx-on", text), f"hx-on in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"


def test_htmx_is_vendored_pinned_and_configured_for_the_csp(client):
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'src="(/static/js/htmx-(2\.0\.\d+)\.min\.js)"', page)
    assert match, "htmx 2.0.x is loaded from our own static files"
    with client.get(match.group(1)) as script:
        assert script.status_code == 200
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page).group(1)
    for setting in ('"includeIndicatorStyles":false', '"allowEval":false', '"allowScriptTags":false', '"selfRequestsOnly":true'):
        assert setting in config
    # A page that can send something (here a form) gives htmx the token too; pages that send nothing carry none
    # (tests/web/test_pages_that_send_nothing.py).
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    assert re.search(r'hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'', sign_in_page), "htmx requests carry the CSRF token"
