"""Manage the studio's accounts (operators).

    python -m tools.studio_users add NAME --role editor|publisher   # password from stdin
    python -m tools.studio_users passwd NAME                        # password from stdin
    python -m tools.studio_users role NAME --role editor|publisher
    python -m tools.studio_users remove NAME
    python -m tools.studio_users unlock NAME                        # forget failed logins
    python -m tools.studio_users unlock-all                         # ... of every name and address
    python -m tools.studio_users list

A password is read from standard input: typed twice at a terminal (not shown), else the first
line of what is piped in (``printf '%s\\n' "$PASSWORD" | python -m tools.studio_users add ...``).
It is never an argument, which ``ps`` and shell histories would show. Editors edit drafts;
publishers also publish and roll back.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import List, Optional, TextIO

from pluskod.core.secrets import SecretError
from studio.store import ROLES, StudioError, store_from_env
from tools import ROOT


def read_password(stdin: TextIO) -> str:
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise StudioError("the two passwords differ")
        return first
    line = stdin.readline()
    if not line:
        raise StudioError("no password on standard input")
    return line.rstrip("\r\n")


def main(argv: Optional[List[str]] = None, stdin: TextIO = sys.stdin) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("add", "role"):
        sub = commands.add_parser(name)
        sub.add_argument("name")
        sub.add_argument("--role", choices=ROLES, required=True)
    for name in ("passwd", "remove", "unlock"):
        commands.add_parser(name).add_argument("name")
    commands.add_parser("list")
    commands.add_parser("unlock-all")
    args = parser.parse_args(argv)
    try:
        store = store_from_env(os.environ, str(ROOT))
        if args.command == "add":
            store.add_user(args.name, args.role, read_password(stdin))
            print(f"added {args.name} ({args.role})")
        elif args.command == "passwd":
            store.set_password(args.name, read_password(stdin))
            print(f"new password set for {args.name}; their sessions were ended")
        elif args.command == "role":
            store.set_role(args.name, args.role)
            print(f"{args.name} is now {args.role}")
        elif args.command == "remove":
            store.remove_user(args.name)
            print(f"removed {args.name}")
        elif args.command == "unlock-all":
            print(f"forgot {store.unlock_all()} record(s) of failed logins")
        elif args.command == "unlock":
            print(f"unlocked {args.name}" if store.unlock(args.name)
                  else f"{args.name} had no failed logins")
        else:
            for account in store.users():
                print(f"{account.name}\t{account.role.value}")
    except (StudioError, SecretError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
