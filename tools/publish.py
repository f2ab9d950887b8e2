"""Publish the content drafts to the running assistant, as the studio's "Opublikuj" does.

    python -m tools.publish -m "Nowa odpowiedź o kosztach" [--author NAME]

For people who work in git: the same code path as the studio (:mod:`studio.publishing`):
content check, training, quality gate, a commit of data/ and domain.yml (when there are
uncommitted changes) with NAME as its author (default: git's user.name, else $USER), the model
swapped in the assistant at ``PLUSKOD_RASA_URL`` without downtime, and the version recorded
where the studio shows it. Exit code 0 published, 1 refused (the reason is printed), 2 error.
"""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from typing import List, Optional

from pluskod.core.secrets import SecretError
from studio.publishing import GateFailed, PublishError
from studio.wiring import publisher_from_env
from tools import ROOT


def default_author() -> str:
    result = subprocess.run(["git", "config", "user.name"], cwd=ROOT, capture_output=True,
                            text=True)
    return result.stdout.strip() or os.environ.get("USER") or getpass.getuser()


def print_topics(topics) -> None:
    if not topics:
        return
    print(f"\n{'topic / intent':<34}{'examples':>9}{'before':>8}{'after':>7}")
    for row in topics:
        before = "-" if row["before"] is None else row["before"]
        mark = "  worse" if row.get("worse") else ""
        print(f"{row['label']:<34}{row['examples']:>9}{before:>8}{row['after']:>7}{mark}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-m", "--message", required=True, help="what changed (for the history)")
    parser.add_argument("--author", default=None)
    args = parser.parse_args(argv)
    try:
        publisher = publisher_from_env(ROOT)
        outcome = publisher.publish(args.author or default_author(), args.message,
                                    progress=lambda line: print(line, flush=True))
    except GateFailed as error:
        print_topics(error.topics)
        print(f"refused: {error}", file=sys.stderr)
        return 1
    except PublishError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    except SecretError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_topics(outcome.topics)
    print(f"published version {outcome.version.id} (commit {outcome.version.commit[:10]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
