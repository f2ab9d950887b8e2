"""Start-up guard shared by our channels: refuse to serve without the redacting store.

Rasa 3.6 silently replaces a tracker store it cannot import with an in-memory one, and wraps
every store in ``FailSafeTrackerStore``, which keeps going in memory after a database error.
Either way conversations (and the guarantee that no code is stored unredacted) would be lost
without anyone noticing. After the server has loaded its agent, this guard checks that the
store is the required class, removes the fail-safe wrapper so that a database error fails the
request instead of vanishing into memory, and stops the server with an error otherwise.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any, Callable

from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)



def load_class(path: str) -> type:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def unwrap(store: Any) -> Any:
    return store._tracker_store if isinstance(store, FailSafeTrackerStore) else store


def enforce_tracker_store(agent: Any, required: str,
                          stop: Callable[[int], None] = os._exit) -> bool:
    """True when ``agent`` uses ``required``; otherwise logs why and calls ``stop(1)``."""
    store = unwrap(agent.tracker_store)
    try:
        required_class = load_class(required)
    except (ImportError, AttributeError, ValueError):
        logger.critical("The required tracker store %s cannot be imported; refusing to serve.",
                        required)
        stop(1)
        return False
    if not isinstance(store, required_class):
        logger.critical(
            "The tracker store is %s, not %s (check 'tracker_store' in endpoints.yml). "
            "Refusing to serve: conversations would be kept in memory and lost.",
            type(store).__name__, required)
        stop(1)
        return False
    agent.tracker_store = store
    agent.processor.tracker_store = store
    return True


def attach(blueprint: Any, required: str) -> None:
    @blueprint.listener("after_server_start")
    async def check_tracker_store(app, _loop) -> None:
        enforce_tracker_store(app.ctx.agent, required)
