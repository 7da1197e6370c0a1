"""One person's data: export and erasure on request, and the retention purge."""
