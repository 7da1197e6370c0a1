"""Files kept in the database (core/stored_files.py): stored under new names, read back whole, deleted, and kept or
dropped with the transaction of the change that names them."""
from __future__ import annotations

import re

import pytest

from awards_app.core.stored_files import (
    delete_stored_file,
    is_stored,
    store_file,
    stored_file,
)
from awards_app.publication import public_shortlist as publication
from tests.factories.images import make_png, stored_image_names
from tests.factories.publication import shortlist_site


def test_a_file_is_stored_under_a_new_name_and_read_back_whole(db_session):
    first = store_file(b"\x00bytes\xff", "image/png", "png")
    second = store_file(b"\x00bytes\xff", "image/png", "png")
    assert first != second and re.fullmatch(r"[0-9a-f]{32}\.png", first)
    db_session.expire_all()
    found = stored_file(first)
    assert found.data == b"\x00bytes\xff" and found.content_type == "image/png" and found.created_at is not None
    assert is_stored(first)


def test_a_deleted_file_is_gone_and_nothing_else_is(db_session):
    kept, dropped = store_file(b"a", "image/png", "png"), store_file(b"b", "image/png", "png")
    delete_stored_file(dropped)
    delete_stored_file(None)
    delete_stored_file("never-stored.png")
    assert stored_file(dropped) is None and not is_stored(dropped)
    assert stored_image_names() == [kept]


@pytest.mark.parametrize("name", [None, "", "x" * 32 + ".png"])
def test_a_name_with_no_file_finds_nothing(db_session, name):
    assert stored_file(name) is None and not is_stored(name)


def test_an_upload_whose_change_is_rolled_back_leaves_no_file(db_session, organiser, clock):
    """On a disk, the file of a change that failed stayed there (or an old one was already gone)."""
    site = shortlist_site()
    publication.save_finalist_image(organiser, site.morag, make_png())
    db_session.commit()
    kept = site.morag.image_filename
    change = db_session.begin_nested()
    publication.save_finalist_image(organiser, site.morag, make_png(5, 5))
    assert len(stored_image_names()) == 1 and site.morag.image_filename != kept
    change.rollback()  # the change fails: the new image goes, and the one it replaced stays
    db_session.expire_all()
    assert site.morag.image_filename == kept and stored_image_names() == [kept]
