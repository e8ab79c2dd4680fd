"""API routes for wellbeing; each call runs inside the caller's office (see ``casewell.api``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["wellbeing"])
