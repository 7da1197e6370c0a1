"""The WSGI entry point for gunicorn: gunicorn wsgi:app."""
import sys

from awards_app import create_app
from awards_app.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(error.code, file=sys.stderr)
    # Exit code 3 is gunicorn's "worker failed to boot": it stops the server instead of respawning workers forever.
    sys.exit(3)
