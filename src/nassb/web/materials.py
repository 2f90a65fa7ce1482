"""The Materials page (being built)."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter()
NAV = ("/materials", "Materials")


@router.get("/materials")
def page(request: Request):
    from nassb.web.app import render

    return render(request, "placeholder.html", title="Materials")
