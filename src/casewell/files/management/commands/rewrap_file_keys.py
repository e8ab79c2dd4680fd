"""``casewell manage rewrap_file_keys``: after rotating CASEWELL_ENCRYPTION_KEY, re-encrypt the
offices' file keys under the new master key so the old one can be removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casewell.files.keys import rewrap_office_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every office's file key under the first key in CASEWELL_ENCRYPTION_KEY. "
        "Run after putting a new key first; then the old key may be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = rewrap_office_keys()
        self.stdout.write(
            f"{count} office file key{'s' if count != 1 else ''} now under the newest master key."
        )
