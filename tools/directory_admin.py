"""Operator tool for the customer directory. Never prints a code; refuses weak input.

    python -m tools.directory_admin import-csv accounts.csv
    python -m tools.directory_admin set-temporary ACCOUNT      (the code is read from stdin)
    python -m tools.directory_admin unlock 600100200
    python -m tools.directory_admin status 600100200
    python -m tools.directory_admin purge                       (attempt rows that expired)

The directory URL comes from ``--url`` or ``PLUSKOD_DIRECTORY_URL`` (default: the SQLite file
the assistant uses). CSV columns: number, offer_type, account, kod5, kod5_state, kod4 (codes
may be empty; prepaid numbers must have none). A CSV is imported whole or not at all.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from pluskod.core.codes import is_trivial
from pluskod.core.directory import URL_ENV, CustomerDirectory, directory_from_env
from pluskod.core.names import DEFAULT_DIRECTORY_URL, OFFER_TYPES, PREPAID_OFFERS
from pluskod.core.phones import parse_phone

COLUMNS = ("number", "offer_type", "account", "kod5", "kod5_state", "kod4")


class InputError(Exception):
    """Operator input that is refused; the message says why (and never holds a code)."""


@dataclass
class Row:
    number: str
    offer_type: str
    account: Optional[str]
    kod5: Optional[str]
    kod5_state: Optional[str]
    kod4: Optional[str]


def parse_row(line: int, raw: Dict[str, str]) -> Row:
    def field(name: str) -> Optional[str]:
        value = (raw.get(name) or "").strip()
        return value or None

    number = parse_phone(field("number"))
    if number is None:
        raise InputError(f"line {line}: 'number' is not a 9-digit phone number")
    offer = field("offer_type")
    if offer not in OFFER_TYPES:
        raise InputError(f"line {line}: 'offer_type' must be one of {', '.join(OFFER_TYPES)}")
    row = Row(number, offer, field("account"), field("kod5"), field("kod5_state"), field("kod4"))
    if offer in PREPAID_OFFERS:
        if row.kod5 or row.kod4 or row.account:
            raise InputError(f"line {line}: a {offer} number has no account and no Plus Kod")
        return row
    if not row.account:
        raise InputError(f"line {line}: an abonament number needs an 'account'")
    for name, length in (("kod5", 5), ("kod4", 4)):
        code = getattr(row, name)
        if code is not None and not re.fullmatch(rf"\d{{{length}}}", code):
            raise InputError(f"line {line}: '{name}' must be {length} digits")
        if code is not None and is_trivial(code):
            raise InputError(f"line {line}: '{name}' is trivial (repeated or consecutive digits)")
    if row.kod5 and row.kod5_state not in ("temporary", "active"):
        raise InputError(f"line {line}: 'kod5_state' must be temporary or active")
    return row


def read_csv(path: Path) -> List[Row]:
    try:
        with open(path, newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            missing = set(COLUMNS) - set(reader.fieldnames or [])
            if missing:
                raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}; "
                                 f"expected {', '.join(COLUMNS)}")
            rows = [parse_row(n, raw) for n, raw in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: cannot read the file ({error.__class__.__name__})") from None
    seen = set()
    for row in rows:
        if row.number in seen:
            raise InputError(f"{path}: number {row.number} appears twice")
        seen.add(row.number)
    kod5_by_account: Dict[str, Optional[str]] = {}
    for row in rows:
        if row.account and row.kod5:
            if kod5_by_account.get(row.account, row.kod5) != row.kod5:
                raise InputError(f"{path}: account {row.account} has two different Kod 5 values")
            kod5_by_account[row.account] = row.kod5
    return rows


def import_rows(directory: CustomerDirectory, rows: List[Row]) -> int:
    accounts = {}
    for row in rows:
        if row.account and (row.account not in accounts or row.kod5):
            accounts[row.account] = (row.kod5, row.kod5_state)
    directory.import_records(
        accounts=[(a, kod5, state) for a, (kod5, state) in accounts.items()],
        numbers=[(r.number, r.offer_type, r.account, r.kod4) for r in rows])
    return len(rows)


def open_directory(url: str) -> CustomerDirectory:
    """The directory at ``url``, with the pepper and limits the assistant uses."""
    return directory_from_env({**os.environ, URL_ENV: url})


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get(URL_ENV, DEFAULT_DIRECTORY_URL))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("import-csv").add_argument("path", type=Path)
    commands.add_parser("set-temporary").add_argument("account")
    commands.add_parser("unlock").add_argument("number")
    commands.add_parser("status").add_argument("number")
    commands.add_parser("purge")
    args = parser.parse_args(argv)

    try:
        if args.command == "import-csv":
            rows = read_csv(args.path)
            count = import_rows(open_directory(args.url), rows)
            print(f"Imported {count} number(s).")
        elif args.command == "set-temporary":
            code = (getpass.getpass("New temporary Kod 5: ") if sys.stdin.isatty()
                    else sys.stdin.readline()).strip()
            if not re.fullmatch(r"\d{5}", code) or is_trivial(code):
                raise InputError("the temporary Kod 5 must be 5 digits and not trivial")
            if not open_directory(args.url).set_temporary_kod5(args.account, code):
                raise InputError(f"no account {args.account!r}")
            print(f"Account {args.account}: temporary Kod 5 set (the customer must change it).")
        elif args.command == "purge":
            removed = open_directory(args.url).purge_expired()
            print(f"Removed {removed} expired attempt row(s).")
        else:
            number = parse_phone(args.number)
            if number is None:
                raise InputError("NUMBER must be a 9-digit phone number")
            directory = open_directory(args.url)
            if args.command == "unlock":
                directory.unlock(number)
                print(f"{number}: unlocked (Plus Kod 5 of its account and Plus Kod 4).")
            else:
                for state in directory.lock_state(number):
                    code = "Plus Kod 5 (account)" if state.name == "kod5" else "Plus Kod 4"
                    if state.locked_until:
                        print(f"{number} {code}: locked until "
                              f"{state.locked_until:%Y-%m-%d %H:%M:%S} UTC.")
                    else:
                        print(f"{number} {code}: not locked ({state.failures} recent failed "
                              f"attempt(s)).")
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
