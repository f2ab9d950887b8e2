"""The action server: rasa-sdk's executor running this assistant's actions, built once.

    python -m actions.server --port 5055 [--debug]      (``make run`` starts it)

rasa-sdk's own ``rasa run actions`` finds actions by scanning for subclasses and creates each
with no arguments, so the actions would have to find their collaborators through globals.
Here the collaborators are made once from configuration (:meth:`Services.from_env`) and passed
to each action (:func:`actions_of`); the executor, the request handling and the wire format
are rasa-sdk's (``ActionExecutor``), behind the guard of :mod:`actions.server_guard` (a shared
secret on every route but ``/health``, generic error bodies, loopback by default).

The server answers ``GET /health``, ``POST /webhook`` (what the Rasa server calls) and
``GET /actions``, as rasa-sdk's does.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import zlib
from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional

from rasa_sdk import Action, utils
from rasa_sdk.constants import DEFAULT_SERVER_PORT
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from actions import server_guard
from actions.activation import ActionFinishActivation, ValidateActivationForm
from actions.change import ActionFinishChange, ValidateChangeCodeForm
from actions.code_forms import ActionHelpAtPrompt, ActionLeaveForm
from actions.faq import ActionAnswerChosenFaq, ActionSuggestFaq
from actions.typed_codes import ActionAnswerData, asking_actions
from actions.verification import (
    ActionFinishVerification,
    ActionVerificationStatus,
    ValidateVerificationForm,
)
from pluskod.core.directory import CustomerDirectory, directory_from_env, reason_of
from pluskod.core.proofs import ProofSealer, idle_from_env
from pluskod.core.secrets import SecretError

logger = logging.getLogger("actions.server")   # also when run as __main__

#: the largest action call accepted, as sent or once inflated (a tracker of a long
#: conversation is far smaller; anything bigger is refused instead of being read into memory)
MAX_CALL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Services:
    """What the actions work with, made once per process and passed to each action."""

    directory: CustomerDirectory
    sealer: ProofSealer

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Services":
        """The directory of :func:`pluskod.core.directory.directory_from_env` and a proof
        sealer keyed from its pepper, idle for ``PLUSKOD_PROOF_IDLE_MINUTES`` (default 10)."""
        environ = os.environ if environ is None else environ
        idle = idle_from_env(environ)          # a bad setting stops before anything is opened
        directory = directory_from_env(environ)
        return cls(directory, ProofSealer(directory.hasher, idle=idle))


def actions_of(services: Services) -> List[Action]:
    """Every custom action of the domain, with its collaborators."""
    return [
        ActionSuggestFaq(),
        ActionAnswerChosenFaq(),
        ValidateVerificationForm(services.directory, services.sealer),
        ActionFinishVerification(services.directory, services.sealer),
        ValidateActivationForm(services.directory, services.sealer),
        ActionFinishActivation(),
        ValidateChangeCodeForm(services.directory, services.sealer),
        ActionFinishChange(services.directory, services.sealer),
        ActionVerificationStatus(services.directory, services.sealer),
        ActionLeaveForm(),
        ActionHelpAtPrompt(),
        ActionAnswerData(),
        *asking_actions(),
    ]


def _action_call(request: Request) -> Optional[dict]:
    """The JSON body of an action call (``deflate``-compressed when the Rasa server is set to
    compress), or ``None`` when it is not a JSON object of a sane size."""
    body = request.body or b""
    if request.headers.get("Content-Encoding") == "deflate":
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, MAX_CALL_BYTES)
        except zlib.error:
            return None
        if inflater.unconsumed_tail or not inflater.eof:   # too big, or cut short
            return None
    try:
        call = json.loads(body)
    except ValueError:
        return None
    return call if isinstance(call, dict) else None


def create_app(actions: Iterable[Action], token: str) -> Sanic:
    """A Sanic app that runs ``actions`` for the Rasa server presenting ``token``."""
    executor = ActionExecutor()
    for action in actions:
        executor.register_action(action)
    app = Sanic("pluskod_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_CALL_BYTES
    server_guard.attach(app, token)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        call = _action_call(request)
        if call is None:
            return response.json({"error": "Invalid body request"}, status=400)
        utils.check_version_compatibility(call.get("version"))
        try:
            result = await executor.run(call)
        except ActionExecutionRejection as error:
            logger.debug(error)
            return response.json({"error": error.message, "action_name": error.action_name},
                                 status=400)
        except ActionNotFoundException as error:
            logger.error(error)
            return response.json({"error": error.message, "action_name": error.action_name},
                                 status=404)
        return response.json(result)

    @app.get("/actions")
    async def registered(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    return app


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_SERVER_PORT)
    utils.add_logging_level_option_arguments(parser)
    args = parser.parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    logging.captureWarnings(True)   # rasa-sdk's version warning goes through the log redaction

    try:
        token = server_guard.configured_token()   # first: no secret, no server
        services = Services.from_env()
    except (RuntimeError, ValueError, SecretError, SQLAlchemyError) as error:
        reason = reason_of(error) if isinstance(error, SQLAlchemyError) else str(error)
        logger.error("The action server cannot start: %s", reason)
        sys.exit(1)
    app = create_app(actions_of(services), token)
    host = server_guard.configured_host()
    logger.info("Action server listening on http://%s:%s", host, args.port)
    # one worker: the actions share one directory connection pool; replicas scale by process
    app.run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
