"""Run axe-core in a page and explain its findings in plain text."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no rules tagged wcag22a).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    return (Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js").read_text()


def run_axe(page: Page) -> list[dict[str, Any]]:
    """The WCAG violations on the page as it is now.

    axe is injected with page.evaluate, which runs outside the page's
    Content-Security-Policy: a <script> tag would be (rightly) refused.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "tags => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility problem(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"\n* {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"  - at {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html'][:200]}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"      {summary_line.strip()}")
    return "\n".join(lines)
