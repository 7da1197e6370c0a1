"""The judges' area at /judging."""
from flask import Blueprint

bp = Blueprint("judging", __name__)
