"""The judges' area: final round."""
from awards_app.web.judging.routes import bp  # noqa: F401  (routes below register on the judging blueprint)
