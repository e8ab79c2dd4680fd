"""The wellbeing models, one module per idea; each is imported here so Django finds it."""
