"""Serve the editors' content studio (what `make run` starts beside the assistant).

    python -m tools.studio [--port 5080]

Listens on 127.0.0.1 (``PLUSKOD_HOST``) at ``PLUSKOD_STUDIO_PORT`` (5080). It edits the project
in the current directory, keeps its accounts in ``PLUSKOD_STUDIO_DB_URL`` (default
``var/studio.db``), reads its inbox from the tracker store (``PLUSKOD_TRACKER_DB_URL``, else
as ``endpoints.yml`` configures it) and swaps the model of the assistant at
``PLUSKOD_RASA_URL`` when something is published (:mod:`studio.wiring`). Its test chat runs a
second assistant on the drafts at ``PLUSKOD_DRAFT_RASA_PORT`` / ``PLUSKOD_DRAFT_ACTION_PORT``
(5006 / 5056), started on demand and stopped with the studio. Accounts:
``python -m tools.studio_users``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import List, Optional

from pluskod.core.clients import TRUSTED_PROXIES_ENV, parse_networks
from pluskod.core.hosts import allowed_hosts_from_env
from pluskod.core.secrets import API_SECRET, SecretError
from pluskod.core.tokens import ApiTokens
from studio.app import Studio, create_app
from studio.drafts import DraftAssistant
from studio.inbox import Inbox, tracker_url
from studio.store import store_from_env
from studio.wiring import admin_headers, publisher_from_env
from tools import ROOT

PORT_ENV = "PLUSKOD_STUDIO_PORT"
INSECURE_COOKIE_ENV = "PLUSKOD_STUDIO_INSECURE_COOKIE"
#: the ports of the test chat's assistant (:mod:`studio.drafts`)
DRAFT_RASA_PORT_ENV, DRAFT_ACTION_PORT_ENV = "PLUSKOD_DRAFT_RASA_PORT", "PLUSKOD_DRAFT_ACTION_PORT"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get(PORT_ENV, "5080")))
    parser.add_argument("--host", default=os.environ.get("PLUSKOD_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        store = store_from_env(os.environ, str(ROOT))
        drafts = DraftAssistant(
            ROOT, ApiTokens(API_SECRET.load(os.environ)), admin_headers(os.environ),
            rasa_port=int(os.environ.get(DRAFT_RASA_PORT_ENV, "5006")),
            action_port=int(os.environ.get(DRAFT_ACTION_PORT_ENV, "5056")), host=args.host)
        studio = Studio(root=ROOT, store=store, publisher=publisher_from_env(ROOT, store=store),
                        allowed_hosts=allowed_hosts_from_env(os.environ),
                        inbox=Inbox(tracker_url(ROOT)), drafts=drafts,
                        proxies=tuple(parse_networks(os.environ.get(TRUSTED_PROXIES_ENV))),
                        secure_cookie=os.environ.get(INSECURE_COOKIE_ENV) != "1")
    except (SecretError, ValueError) as error:
        print(f"[studio] error: {error}", file=sys.stderr)
        return 2
    app = create_app(studio)
    app.register_listener(lambda *_: drafts.stop(), "after_server_stop")
    app.run(host=args.host, port=args.port, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
