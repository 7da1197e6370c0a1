"""The organisers' pages about the judging panel: judges and their places, conflicts, assignment, the rankings and
shortlist, the breakdown, and judges' comments. Their routes register on the admin blueprint as they are imported."""
from awards_app.web.admin.panel import (  # noqa: F401
    assignment,
    breakdown,
    comments,
    conflicts,
    judges,
    judging,
)
