"""Distress detection for protected reading: ``assess(text) -> Assessment``.

Pure Python, no database: the CLI, the benchmark and the stored assessments
(``casewell.wellbeing.services``) all call ``assess``.
"""

from casewell.wellbeing.distress.detector import (
    NOTHING,
    Assessment,
    Lexicon,
    assess,
    office_lexicon,
)
from casewell.wellbeing.distress.lexicon import CATEGORIES, LABELS

__all__ = ["CATEGORIES", "LABELS", "NOTHING", "Assessment", "Lexicon", "assess", "office_lexicon"]
