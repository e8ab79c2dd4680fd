"""API routes for case timeline."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["timeline"])
