"""How many wrong codes each subject may have, and for how long it is locked after them.

A *subject* is what failures are counted against (see :mod:`pluskod.core.directory`): the
code's owner, the conversation and the client, each with its own :class:`Limit`. The limits
come from the environment (:func:`policy_from_env`), with the defaults below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Mapping, Optional

from pluskod.core.settings import positive_number


@dataclass(frozen=True)
class Limit:
    """``max_failures`` within ``window`` lock the subject for ``lock``."""

    max_failures: int
    window: timedelta
    lock: timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    code: Limit = Limit(3, timedelta(minutes=15), timedelta(minutes=30))
    conversation: Limit = Limit(5, timedelta(hours=24), timedelta(hours=24))
    client: Limit = Limit(20, timedelta(hours=1), timedelta(hours=1))


def _limit(environ: Mapping[str, str], prefix: str, default: Limit) -> Limit:
    def number(name: str, fallback: float) -> float:
        return positive_number(environ, f"PLUSKOD_{prefix}_{name}", fallback)

    minutes = lambda delta: delta.total_seconds() / 60  # noqa: E731
    return Limit(max_failures=int(number("MAX_FAILURES", default.max_failures)),
                 window=timedelta(minutes=number("WINDOW_MINUTES", minutes(default.window))),
                 lock=timedelta(minutes=number("MINUTES", minutes(default.lock))))


def policy_from_env(environ: Optional[Mapping[str, str]] = None) -> LockoutPolicy:
    """``PLUSKOD_LOCK_*`` (a code's owner), ``PLUSKOD_CONVERSATION_*`` and
    ``PLUSKOD_CLIENT_*`` (``MAX_FAILURES``, ``WINDOW_MINUTES``, ``MINUTES``)."""
    environ = os.environ if environ is None else environ
    defaults = LockoutPolicy()
    return LockoutPolicy(code=_limit(environ, "LOCK", defaults.code),
                         conversation=_limit(environ, "CONVERSATION", defaults.conversation),
                         client=_limit(environ, "CLIENT", defaults.client))
