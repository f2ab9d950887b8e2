"""Server secrets: from the environment, else from a file that a local first start creates.

Each secret has an environment variable (deployments set it) and a file (the local default:
``.secrets/<name>``, created with 32 random bytes in hex and mode 600, never committed). A value
shorter than :data:`MIN_LENGTH` is refused: a short secret is a guessable one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets as random
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

MIN_LENGTH = 32
SECRETS_DIR = Path(".secrets")


class SecretError(RuntimeError):
    """A secret is missing or unusable; the message says which and how to fix it."""


@dataclass(frozen=True)
class SecretSource:
    """Where one secret comes from: ``env`` (its value), ``file_env`` (a path), else
    ``default_file``."""

    env: str
    file_env: str
    default_file: Path

    def load(self, environ: Optional[Mapping[str, str]] = None, create: bool = True) -> bytes:
        environ = os.environ if environ is None else environ
        value = environ.get(self.env)
        if value:
            if len(value) < MIN_LENGTH:
                raise SecretError(f"{self.env} must be at least {MIN_LENGTH} characters long.")
            return value.encode("utf-8")
        path = Path(environ.get(self.file_env) or self.default_file)
        if not path.exists():
            if not create:
                raise SecretError(f"No secret: set {self.env} or create {path}.")
            _create(path)
        value = path.read_text(encoding="utf-8").strip()
        if len(value) < MIN_LENGTH:
            raise SecretError(f"The secret in {path} is too short (need {MIN_LENGTH}+ "
                              f"characters); delete it to have a new one generated.")
        return value.encode("utf-8")


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first; read theirs
    with os.fdopen(fd, "w") as file:
        file.write(random.token_hex(32))


#: keys the codes' hashes (:mod:`pluskod.core.hashing`) and the keys derived from it; only the
#: action server and the operators' tools read it
PEPPER = SecretSource("PLUSKOD_PEPPER", "PLUSKOD_PEPPER_FILE", SECRETS_DIR / "pepper")
#: signs the bearer tokens of the HTTP API and the REST channel (:mod:`pluskod.core.tokens`);
#: the Rasa server and the tools that mint tokens read it
API_SECRET = SecretSource("PLUSKOD_JWT_SECRET", "PLUSKOD_JWT_SECRET_FILE",
                          SECRETS_DIR / "jwt-secret")
#: keys the studio's pseudonyms of failed logins (:mod:`studio.store`); only the studio reads it
STUDIO_SECRET = SecretSource("PLUSKOD_STUDIO_SECRET", "PLUSKOD_STUDIO_SECRET_FILE",
                             SECRETS_DIR / "studio-secret")
#: the password of the demo publisher a local first start of `make run` creates in the studio
#: (:func:`studio.store.ensure_demo_publisher`); a deployment creates real accounts instead
STUDIO_DEMO_PASSWORD = SecretSource("PLUSKOD_STUDIO_DEMO_PASSWORD",
                                    "PLUSKOD_STUDIO_DEMO_PASSWORD_FILE",
                                    SECRETS_DIR / "studio-demo-password")


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose, derived from a server secret, so that no two uses share a key
    (an HMAC of the purpose: a PRF, as in HKDF's expand step with one block)."""
    return hmac.new(secret, f"pluskod key: {purpose}".encode("utf-8"), hashlib.sha256).digest()
