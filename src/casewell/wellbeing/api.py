"""API routes for wellbeing; each call runs inside the caller's office (see ``casewell.api``)."""

from __future__ import annotations

from ninja import Router

from casewell.wellbeing.huddle_api import router as huddle_router

router = Router(tags=["wellbeing"])
router.add_router("", huddle_router)
