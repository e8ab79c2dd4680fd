"""API routes for lone working and safety."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["safety"])
