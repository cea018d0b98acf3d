"""Rasa's action endpoint inside the app: rasa_sdk's executor behind a FastAPI router.

Rasa (in its own Python 3.10 environment) POSTs each custom action call here, as it
would to a separate action server; running the actions in the app process means the
embedding model and the index are loaded once. An action can delete a conversation's
feedback or look a dossier up, so the endpoint is served on a listener of its own
(``create_action_app``, loopback by default), never beside the public pages, and answers
only calls that carry the token the Rasa server was given. A browser cannot send that
header to another origin without a preflight this listener never grants, and a body that
is not declared JSON (a form or ``text/plain``, which a page may post anywhere) is refused
before it is read.
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from actions.messages import internal_error
from actions.turns import describe_turn, record_turn
from tthc.api.deps import ActionExecutorDep, ProfileDep, ServicesDep, SettingsDep

logger = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)


def require_rasa(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    settings: SettingsDep,
) -> None:
    """Only the Rasa server, which was given the action token, may call an action."""
    expected = settings.action_token.get_secret_value()
    if credentials is None or not secrets.compare_digest(
        credentials.credentials.encode(), expected.encode()
    ):
        raise HTTPException(401, "missing or wrong action token", {"WWW-Authenticate": "Bearer"})


router = APIRouter(tags=["rasa actions"], dependencies=[Depends(require_rasa)])


def _declared_json(request: Request) -> bool:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type == "application/json"


@router.post("/webhook", summary="Run a Rasa custom action")
async def run_action(
    request: Request,
    executor: ActionExecutorDep,
    profile: ProfileDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> JSONResponse:
    if not _declared_json(request):
        return JSONResponse({"error": "the body must be application/json"}, status_code=415)
    try:
        action_call: Any = await request.json()
    except (ValueError, RecursionError):
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
    answer = result.model_dump()
    try:
        turn = describe_turn(action_call, answer)
    except Exception:  # the answer goes out whatever the record
        logger.exception("The turn of %s could not be described", action_call.get("next_action"))
        turn = None
    # Recorded once Rasa has the answer, so the citizen never waits for the write.
    background.add_task(record_turn, services.sessions, turn)
    return JSONResponse(answer)


@router.get("/actions", summary="List the custom actions")
async def list_actions(executor: ActionExecutorDep) -> list[dict[str, str]]:
    return [item.model_dump() for item in executor.list_actions()]
