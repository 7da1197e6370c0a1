"""The public vote: contests, voter keys, one verified vote per person, the organisers' oversight and the tally."""
