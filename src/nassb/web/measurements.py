"""The Measurements page (being built)."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter()
NAV = ("/measurements", "Measurements")


@router.get("/measurements")
def page(request: Request):
    from nassb.web.app import render

    return render(request, "placeholder.html", title="Measurements")
