"""Files sent to the browser: CSV text as an attachment with a safe filename, and stored images shown inline."""
import io

from flask import make_response, send_file

from awards_app.publication.public_shortlist import StoredImage

IMAGE_CACHE_SECONDS = 3600
# Images are shown, never run: nothing in them may load, run or be framed.
IMAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


def csv_download(text: str, filename: str, *, private: bool = True):
    """Send CSV text (from nominations.export.csv_text) as a download; private files are never kept by caches."""
    response = make_response(text.encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store" if private else "no-cache"
    return response


def send_image(stored: StoredImage, public: bool):
    """Answer with a stored image: its checked Content-Type, shown inline, never sniffed or run; kept by caches for an
    hour when public, never otherwise."""
    response = send_file(
        io.BytesIO(stored.data),
        mimetype=stored.kind.content_type,
        download_name=stored.name,  # a generated name: only hex digits and the extension
        as_attachment=False,
        conditional=True,
        # A stored image's bytes never change under its name, so the name is its entity tag on every server.
        etag=stored.name.split(".", 1)[0],
        last_modified=stored.stored_at,
        max_age=IMAGE_CACHE_SECONDS if public else None,
    )
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not public:
        response.headers["Cache-Control"] = "no-store"
    return response
