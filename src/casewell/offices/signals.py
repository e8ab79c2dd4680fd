"""Sign-in events into the audit trail."""
