"""The accessibility statement's fixed facts: when it was prepared, and what is known not to work until the organisers
say otherwise (they edit that part on the settings page, paragraphs split by a blank line; the rest of the statement
is the site's own)."""
from datetime import date

# When the statement was first written, with the pages it describes (GOV.UK statements give this date).
PREPARED_ON = date(2026, 12, 7)

DEFAULT_KNOWN_PROBLEMS = """\
The share card (the picture social media sites show beside a link to a finalist's page) is an image of text. Our own \
pages give it a text alternative, but social media sites may show it without one.

Logos and photographs that organisers and finalists upload are checked for their file type and size, not for how \
they look: a photograph may be hard to make out, and its description is written by a person.

Some organisers' pages show charts (the reach of the nominations, the breakdown of the judges' rankings, the votes \
over time). Each chart has the same figures in a table with it, but the charts themselves are not described in \
detail.

Emails are written to be read without their styling and without images, but some email programs change how they \
look.

The presenter view for the ceremony is made for a projector: it uses large white text on black and changes by \
itself when the organisers reveal a result. People following on their own device should use the results page, which \
announces each result to screen readers."""

