"""Packaging beside pyproject.toml: every awards_app package, plus the top-level templates/, static/ and migrations/
mapped into the installed package, so that a wheel serves the app and upgrades its database from anywhere."""
from setuptools import find_packages, setup

# The repository keeps these at its top (the design card's layout); the wheel puts them inside awards_app/.
APP_FILES = {"awards_app.templates": "templates", "awards_app.static": "static", "awards_app.migrations": "migrations"}

setup(packages=find_packages(include=["awards_app", "awards_app.*"]) + list(APP_FILES), package_dir=APP_FILES)
