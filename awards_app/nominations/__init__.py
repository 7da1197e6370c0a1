"""Nominations: drafts, sending one, the nominee's consent, the organisers' review, duplicates, export and reach."""
