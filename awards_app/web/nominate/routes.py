"""The public nomination journey at /nominate."""
from flask import Blueprint

bp = Blueprint("nominate", __name__)
