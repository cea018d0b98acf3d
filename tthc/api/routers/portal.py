"""The demo public-service portal page at /.

The widget's own files and its configuration are served at /widget/ (``widget.py``); a
province's real portal embeds the same script tag this page uses. The widget talks to the
Rasa server's portal channel (``connectors/portal.py``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tthc.api.deps import ProfileDep, SettingsDep
from tthc.settings import PACKAGE_DIR

templates = Jinja2Templates(directory=PACKAGE_DIR / "api" / "templates")

router = APIRouter(tags=["portal"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def portal_page(request: Request, profile: ProfileDep, settings: SettingsDep) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "portal.html",
        # The configured address, never the request's Host header (which anyone can set).
        {"profile": profile, "chat_server": settings.chat_url},
    )
