"""The chat widget's files at /widget/ and its configuration at /widget/config.json.

A province's portal embeds the widget from another origin, so the configuration is
readable across origins (those ``TTHC_CHAT_ALLOWED_ORIGINS`` allows) and is built from the
deployment profile alone.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from tthc.api.deps import ProfileDep, SettingsDep
from tthc.api.schemas import WidgetConfig
from tthc.settings import PACKAGE_DIR

WIDGET_DIR = PACKAGE_DIR / "widget"
CONFIG_MAX_AGE = 300  # seconds; the profile only changes with a restart

router = APIRouter(tags=["widget"])


def allowed_origin(origin: str | None, allowed: str) -> str | None:
    """The Access-Control-Allow-Origin for a page at ``origin``: any page where every origin
    is allowed, else that page's origin only when it is one of those allowed."""
    origins = allowed.split()
    if "*" in origins:
        return "*"
    return origin if origin in origins else None


@router.get("/widget/config.json", response_model=WidgetConfig)
def widget_config(
    request: Request, response: Response, profile: ProfileDep, settings: SettingsDep
) -> WidgetConfig:
    """What the widget shows on open: the province, its greeting's suggested questions, and
    how long a conversation is kept (its privacy notice)."""
    origin = allowed_origin(request.headers.get("origin"), settings.chat_allowed_origins)
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
    if origin != "*":
        response.headers["Vary"] = "Origin"
    response.headers["Cache-Control"] = f"public, max-age={CONFIG_MAX_AGE}"
    return WidgetConfig.model_validate(
        {
            **profile.model_dump(),
            "conversation_retention_days": settings.conversation_retention_days,
        }
    )
