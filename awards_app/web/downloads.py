"""File downloads: CSV text sent as an attachment with a safe filename."""
from flask import make_response


def csv_download(text: str, filename: str, *, private: bool = True):
    """Send CSV text (from nominations.export.csv_text) as a download; private files are never kept by caches."""
    response = make_response(text.encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store" if private else "no-cache"
    return response
