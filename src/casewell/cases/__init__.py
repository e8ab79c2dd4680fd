"""Cases: what an office is doing for someone, from opening to closing."""
