"""The demo office: made-up staff and constituents to try Casewell (and benchmark it) with.

Kept free of Django imports so ``casewell demo --help`` can read the defaults.
"""

DEFAULT_SIZE = 300
DEFAULT_SEED = 1
