"""The Knowledge base page (being built)."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter()
NAV = ("/kb", "Knowledge base")


@router.get("/kb")
def page(request: Request):
    from nassb.web.app import render

    return render(request, "placeholder.html", title="Knowledge base")
