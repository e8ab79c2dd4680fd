"""API routes for wellbeing; each call runs inside the caller's office (see ``casewell.api``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["wellbeing"])


# Exposure-aware workload: /api/v1/wellbeing/workload/...
from casewell.wellbeing.workload_api import router as workload_router  # noqa: E402

router.add_router("/workload", workload_router)
