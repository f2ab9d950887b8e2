"""The demo directory of the README: two accounts and five numbers, with known codes.

Tests and reviewers rely on exactly these rows. ``make run`` puts them into an empty directory
(:func:`wants_demo` says when); the directory itself never adds rows on its own.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional

from pluskod.core.directory import ACTIVE, TEMPORARY, URL_ENV, CustomerDirectory
from pluskod.core.names import DEFAULT_DIRECTORY_URL

SEED_ENV = "PLUSKOD_SEED_DEMO"
DEMO_ACCOUNTS = (("A", "48213", ACTIVE), ("B", "55120", TEMPORARY))
DEMO_NUMBERS = (("600100200", "abonament", "A", "7391"), ("600100201", "abonament", "A", "2846"),
                ("600200300", "abonament", "B", "1357"), ("600300400", "na_karte", None, None),
                ("600400500", "mix", None, None))


def seed_demo(directory: CustomerDirectory) -> None:
    directory.import_records(accounts=DEMO_ACCOUNTS, numbers=DEMO_NUMBERS)


def wants_demo(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether the launcher seeds the demo rows into an empty directory: for the embedded
    default, or any URL with ``PLUSKOD_SEED_DEMO=1`` (``0`` turns it off)."""
    environ = os.environ if environ is None else environ
    url = environ.get(URL_ENV, DEFAULT_DIRECTORY_URL)
    return environ.get(SEED_ENV, "1" if url == DEFAULT_DIRECTORY_URL else "0") == "1"
