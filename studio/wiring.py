"""The studio's collaborators built once from the environment (the studio server and the
publish / rollback commands use the same).

``PLUSKOD_RASA_URL`` (default ``http://127.0.0.1:5005``) is the running assistant whose model a
publication swaps, with admin tokens signed by the API secret
(:data:`pluskod.core.secrets.API_SECRET`); ``PLUSKOD_MODEL`` (default
``models/pluskod.tar.gz``) is the model it serves before anything is published.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Mapping, Optional

from pluskod.core.secrets import API_SECRET
from pluskod.core.tokens import ADMIN, ApiTokens, bearer
from studio.publishing import Publisher, RasaModelSwap
from studio.store import StudioStore, store_from_env

RASA_URL_ENV = "PLUSKOD_RASA_URL"
MODEL_ENV = "PLUSKOD_MODEL"
#: the name in the admin tokens the studio mints (the Rasa server's logs show it)
TOKEN_NAME = "studio"


def rasa_url(environ: Mapping[str, str]) -> str:
    return environ.get(RASA_URL_ENV) or "http://127.0.0.1:5005"


def admin_headers(environ: Mapping[str, str]):
    tokens = ApiTokens(API_SECRET.load(environ))

    def headers() -> Dict[str, str]:
        return bearer(tokens.issue(ADMIN, 5, username=TOKEN_NAME))

    return headers


def publisher_from_env(root: Path, environ: Optional[Mapping[str, str]] = None,
                       store: Optional[StudioStore] = None) -> Publisher:
    environ = os.environ if environ is None else environ
    store = store or store_from_env(environ, str(root))
    model = Path(environ.get(MODEL_ENV) or "models/pluskod.tar.gz")
    return Publisher(root, store, RasaModelSwap(rasa_url(environ), admin_headers(environ)),
                     live_model=model if model.is_absolute() else root / model)
