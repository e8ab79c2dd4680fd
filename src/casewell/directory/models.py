"""The organisations and contacts an office writes to: a central directory every office reads, and
each office's own.
"""

from __future__ import annotations
