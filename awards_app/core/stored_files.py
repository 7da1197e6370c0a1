"""Files kept in the database: the uploaded images (finalists' and the organisation's logo).

When the app runs as several servers behind one proxy, a file written to one server's disk is missing on every other
one; the database is the one place they all share. A file is stored in the same transaction as the row that names it
and deleted in the same transaction as the change that drops it, so a change that fails leaves neither a file that
nothing names nor a name without its file. Each file gets a new random name, and its bytes never change: caches may
keep it for as long as they like, and its name is its entity tag.
"""
from __future__ import annotations

import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import undefer

from awards_app.core.models import StoredFile
from awards_app.extensions import db


def store_file(data: bytes, content_type: str, extension: str) -> str:
    """Keep the bytes under a new random name (32 hex digits and the extension); answer the name."""
    name = f"{secrets.token_hex(16)}.{extension}"
    db.session.add(StoredFile(name=name, content_type=content_type, data=data))
    db.session.flush()
    return name


def stored_file(name: str | None) -> StoredFile | None:
    """The file stored under this name, its bytes loaded; None when there is none."""
    if not name:
        return None
    return db.session.scalar(select(StoredFile).options(undefer(StoredFile.data)).where(StoredFile.name == name))


def is_stored(name: str | None) -> bool:
    """Whether a file is stored under this name (its bytes are not read)."""
    return bool(name) and db.session.scalar(select(StoredFile.id).where(StoredFile.name == name)) is not None


def delete_stored_file(name: str | None) -> None:
    """Delete the file stored under this name, if there is one."""
    if name:
        db.session.execute(delete(StoredFile).where(StoredFile.name == name))
