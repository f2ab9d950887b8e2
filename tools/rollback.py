"""Return the running assistant to an earlier published version, as the studio does.

    python -m tools.rollback            # list the published versions
    python -m tools.rollback VERSION [--author NAME]

The same code path as the studio (:mod:`studio.publishing`): the version's content is restored
and committed, and its kept model swapped in the assistant at ``PLUSKOD_RASA_URL`` without
downtime. Refused while there are unpublished drafts. Exit code 0 done, 1 refused, 2 error.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from pluskod.core.secrets import SecretError
from studio.publishing import PublishError
from studio.wiring import publisher_from_env
from tools import ROOT
from tools.publish import default_author


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", type=int, nargs="?")
    parser.add_argument("--author", default=None)
    args = parser.parse_args(argv)
    try:
        publisher = publisher_from_env(ROOT)
        if args.version is None:
            for version in publisher.store.versions():
                live = "  (live)" if version.live else ""
                print(f"{version.id:>4}  {version.created_at:%Y-%m-%d %H:%M}  "
                      f"{version.author:<16} {version.commit[:10]}  {version.message}{live}")
            return 0
        outcome = publisher.rollback(args.author or default_author(), args.version,
                                     progress=lambda line: print(line, flush=True))
    except PublishError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    except SecretError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{outcome.message} (now version {outcome.version.id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
