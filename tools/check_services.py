"""Before the slow tiers of ``make test``: is the PostgreSQL server the tests use reachable?

    python -m tools.check_services

The directory's tests run on SQLite and on PostgreSQL (``PLUSKOD_TEST_POSTGRES_URL``, default
the local server this machine kind starts). Without a server they would fail one by one after
minutes of other work; this says so at once, in one line, and exits 1.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

TEST_POSTGRES_ENV = "PLUSKOD_TEST_POSTGRES_URL"
DEFAULT_TEST_POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"


def test_postgres_url() -> str:
    return os.environ.get(TEST_POSTGRES_ENV, DEFAULT_TEST_POSTGRES_URL)


def postgres_problem(url: str) -> Optional[str]:
    """Why ``url`` cannot be used, in one line, or ``None`` when a query runs there."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from pluskod.core.directory import reason_of

    try:
        engine = create_engine(url, future=True, connect_args={"connect_timeout": 5})
    except (SQLAlchemyError, ValueError) as error:
        return f"not a usable URL ({type(error).__name__})"
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return reason_of(error)
    finally:
        engine.dispose()
    return None


def shown(url: str) -> str:
    """``url`` without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as nothing of it
        return "(an unparsable URL)"


def main(argv: Optional[List[str]] = None) -> int:
    url = test_postgres_url()
    problem = postgres_problem(url)
    url = shown(url)
    if problem is None:
        print(f"[services] PostgreSQL answers at {url}")
        return 0
    print(f"[services] error: PostgreSQL is not reachable at {url} ({problem}); start it, or "
          f"point {TEST_POSTGRES_ENV} at one.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
