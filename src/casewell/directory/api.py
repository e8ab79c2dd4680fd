"""API routes for organisations and contacts directory."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["directory"])
