"""The Cell designer page (being built)."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter()
NAV = ("/designer", "Cell designer")


@router.get("/designer")
def page(request: Request):
    from nassb.web.app import render

    return render(request, "placeholder.html", title="Cell designer")
