"""A file sent to a form that takes none is refused with 400 before any view sees it (it used to reach the views as
a value where text belongs, and fail with a 500); the finalist image upload, which takes one, still works."""
from __future__ import annotations

import io
import re
from pathlib import Path

from awards_app.web.uploads import ENDPOINTS_TAKING_FILES
from tests.factories.voting import voting_site
from tests.web.forms import csrf_token_from

PROJECT = Path(__file__).resolve().parents[2]


def a_file():
    return io.BytesIO(b"not text"), "note.txt"


def test_a_file_for_the_voters_address_is_refused(client, db_session, clock, outbox):
    site = voting_site()
    db_session.commit()
    token = csrf_token_from(client, f"/vote/{site.contest.id}")
    chose = client.post(f"/vote/{site.contest.id}", data={"finalist": str(site.finalists[0].id), "csrf_token": token})
    assert chose.status_code == 303
    sent = client.post(f"/vote/{site.contest.id}/email", data={"email": a_file(), "csrf_token": token},
                       content_type="multipart/form-data")
    assert sent.status_code == 400
    assert outbox() == []


def test_a_file_for_the_sign_in_address_is_refused_with_or_without_a_form_token(client, organiser):
    token = csrf_token_from(client, "/sign-in")
    for fields in ({"csrf_token": token}, {}):
        answer = client.post("/sign-in", data={"email": a_file(), "password": a_file(), **fields},
                             content_type="multipart/form-data")
        assert answer.status_code == 400


def test_every_form_that_sends_files_posts_to_a_route_that_takes_them():
    for template in (PROJECT / "templates").rglob("*.html"):
        for form in re.findall(r"<form[^>]*multipart/form-data[^>]*>", template.read_text()):
            endpoint = re.search(r"url_for\('([^']+)'", form).group(1)
            assert endpoint in ENDPOINTS_TAKING_FILES, f"{template.name} posts files to {endpoint}"
