"""Judging: panels, conflicts of interest, what a judge may see, scoring, the final round, ranking and the shortlist."""
