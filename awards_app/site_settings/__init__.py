"""The site's own settings, kept across editions: who runs the awards, how to reach them, the logo, and the
accessibility statement's part the organisers keep up to date.

Apart from programme/ because none of it belongs to one year: an edition comes and goes, the awards team's address and
logo stay. models.py holds the one-row table; current.py the cheap cached read every page makes; changes.py the
organisers' operations (the settings, the logo).
"""
