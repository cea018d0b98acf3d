"""Rasa's action endpoint inside the app: rasa_sdk's executor behind a FastAPI router.

Rasa (in its own Python 3.10 environment) POSTs each custom action call here, as it
would to a separate action server; running the actions in the app process means the
embedding model and the index are loaded once.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from actions.messages import internal_error
from tthc.api.deps import ActionExecutorDep, ProfileDep

logger = logging.getLogger(__name__)
router = APIRouter(tags=["rasa actions"])


@router.post("/webhook", summary="Run a Rasa custom action")
async def run_action(
    request: Request, executor: ActionExecutorDep, profile: ProfileDep
) -> JSONResponse:
    try:
        action_call: Any = await request.json()
    except ValueError:
        return JSONResponse({"error": "Invalid body request"}, status_code=400)
    if (
        not isinstance(action_call, dict)
        or not action_call.get("next_action")
        or not isinstance(action_call.get("tracker"), dict)
    ):
        return JSONResponse({"error": "Invalid body request"}, status_code=400)
    try:
        result = await executor.run(action_call)
    except ActionNotFoundException as error:
        return JSONResponse({"error": error.message, "action_name": error.action_name}, 404)
    except ActionExecutionRejection as error:
        return JSONResponse({"error": error.message, "action_name": error.action_name}, 400)
    except ActionMissingDomainException as error:
        return JSONResponse({"error": error.message, "action_name": error.action_name}, 449)
    except Exception:
        # The citizen gets an apology and the human channel, never a trace.
        logger.exception("Action %s failed", action_call.get("next_action"))
        return JSONResponse({"events": [], "responses": [{"text": internal_error(profile)}]})
    if result is None:
        return JSONResponse({"error": "Invalid body request"}, status_code=400)
    return JSONResponse(result.model_dump())


@router.get("/actions", summary="List the custom actions")
async def list_actions(executor: ActionExecutorDep) -> list[dict[str, str]]:
    return [item.model_dump() for item in executor.list_actions()]
