"""Browser tests: Playwright drives Debian's Chromium against a live Casewell.

Every page they reach is checked with axe-core (WCAG 2.2 AA).
"""
