"""The organisers' area: judging."""
from awards_app.web.admin.routes import bp  # noqa: F401  (routes below register on the admin blueprint)
