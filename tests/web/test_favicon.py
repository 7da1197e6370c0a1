"""The site's icon: linked from every page as SVG, and answered at /favicon.ico for whoever asks there."""
from __future__ import annotations


def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    response.close()  # let go of the file


def test_every_page_links_the_svg_icon(client):
    body = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<title>" in icon.get_data()  # named, for the few places that show it as an image
    icon.close()
