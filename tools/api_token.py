"""Print a bearer token for the Rasa server's HTTP API or the REST channel.

    .venv/bin/python -m tools.api_token                        # admin, valid 15 minutes
    .venv/bin/python -m tools.api_token --role integration --minutes 1440 --name crm

The token is signed with the API secret the server uses (``PLUSKOD_JWT_SECRET``, else the file
``PLUSKOD_JWT_SECRET_FILE``, default ``.secrets/jwt-secret``) and sent as
``Authorization: Bearer <token>``. ``admin`` opens the whole HTTP API (``/model/parse``,
``/conversations/…``, ``PUT /model`` …) and the REST channel; ``integration`` the REST channel
only. A token cannot be revoked before it expires except by changing the secret, so keep them
short-lived; the token is printed to standard output only, for a pipe or a variable.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from pluskod.core.secrets import API_SECRET, SecretError
from pluskod.core.tokens import ADMIN, MAX_LIFETIME_SECONDS, ROLES, USERNAME, ApiTokens

MAX_MINUTES = MAX_LIFETIME_SECONDS // 60


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=ROLES, default=ADMIN)
    parser.add_argument("--minutes", type=float, default=15,
                        help="how long the token is valid (default 15)")
    parser.add_argument("--name", default="operator",
                        help="who the token is for: an operator, or an integration (its REST "
                             "conversations are kept apart under this name)")
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= MAX_MINUTES:
        parser.error(f"--minutes must be between 0 and {MAX_MINUTES} (a year)")
    if not USERNAME.fullmatch(args.name):
        parser.error("--name must be 1-32 letters, digits or _ . - (starting with a letter or "
                     "digit)")
    try:
        # the server creates the secret on its first start; a token for no server is useless
        secret = API_SECRET.load(create=False)
    except SecretError as error:
        print(f"error: {error} (start the assistant once with `make run`, or set "
              f"{API_SECRET.env} as the server has it)", file=sys.stderr)
        return 2
    print(ApiTokens(secret).issue(args.role, args.minutes, username=args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
