"""One timeline per case: every note, call, visit, e-mail, letter, document and status change."""
