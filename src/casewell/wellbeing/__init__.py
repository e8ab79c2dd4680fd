"""Wellbeing: protected reading (distress scoring and content warnings), exposure-aware
workload, huddles, putting work down at the end of the day, and supervision."""
