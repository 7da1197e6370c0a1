"""What every domain uses: errors, the clock, the audit log, signed single-use links, the outbox and mail delivery."""
