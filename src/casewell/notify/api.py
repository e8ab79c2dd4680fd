"""API routes for notify; each call runs inside the caller's office (see ``casewell.api``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["notify"])
