"""The organisers' pages about the site itself rather than one edition: its settings (the contact, the organisation's
name and logo, the accessibility statement's known problems). Routes register on the admin blueprint."""
from awards_app.web.admin.site import settings  # noqa: F401
