"""Public pages at the site's root: home, privacy and health, the shortlist, the results on the night, the archive and
the published lists of votes. One blueprint, its routes split by subject."""
from flask import Blueprint

bp = Blueprint("public", __name__)

# The route modules register their views on bp as they are imported, so a new module is listed here and nowhere else.
from awards_app.web.public import about, archive, finalists, home, results, rsvp, shortlist, tally  # noqa: E402,F401
