"""Images served from the database (web/downloads.py send_image): the same answer from every server, kept by caches for
an hour when public, and a 304 to a cache that already has them."""
from __future__ import annotations

from awards_app.publication import public_shortlist as publication
from tests.factories.images import make_png
from tests.factories.publication import shortlist_site


def test_a_public_image_is_answered_with_its_entity_tag_and_then_304(client, db_session, organiser, clock):
    site = shortlist_site()
    publication.save_finalist_image(organiser, site.morag, make_png())
    publication.publish_shortlist(organiser, site.edition)
    db_session.commit()
    url = f"/shortlist/images/{site.morag.image_filename}"

    image = client.get(url)
    assert image.status_code == 200 and image.get_data() == make_png()
    assert image.headers["Content-Length"] == str(len(make_png()))
    assert image.headers["Cache-Control"] == "public, max-age=3600"
    # Its name, whichever server answers: each upload is a new name, so the tag never stands for other bytes.
    assert image.headers["ETag"] == f'"{site.morag.image_filename.split(".")[0]}"'
    assert image.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get(url, headers={"If-Modified-Since": image.headers["Last-Modified"]})
    assert since.status_code == 304
