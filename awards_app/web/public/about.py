"""About the site and who runs it: the accessibility statement (/accessibility) and the organisation's logo."""
from flask import abort

from awards_app.site_settings.changes import stored_logo
from awards_app.site_settings.current import site_details
from awards_app.site_settings.statement import DEFAULT_KNOWN_PROBLEMS, PREPARED_ON
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.downloads import send_image
from awards_app.web.htmx import render_page
from awards_app.web.public import bp


@bp.get("/accessibility")
@cached_for_visitors
def accessibility():
    """The accessibility statement, in the GOV.UK model, with the organisers' known problems and the contact."""
    details = site_details()
    return render_page(
        "public/accessibility.html",
        known_problems=(details.known_problems or DEFAULT_KNOWN_PROBLEMS).split("\n\n"),
        prepared_on=PREPARED_ON,
        reviewed_on=details.statement_reviewed_on,
    )


@bp.get("/site/logo/<name>")
def site_logo(name: str):
    """The organisation's logo (each upload gets a new name, so any cache may keep it for an hour)."""
    stored = stored_logo(name)
    if stored is None:
        abort(404)
    return send_image(stored, public=True)
