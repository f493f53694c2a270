"""``python -m meetings migrate`` brings the app database (``TK_APP_DB_URL``) to the
newest revision; ``python -m meetings demo`` does that and adds the example meeting
series when the database has no series yet."""

from __future__ import annotations

import argparse
import sys

from meetings import db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meetings")
    parser.add_argument("command", choices=("migrate", "demo"))
    args = parser.parse_args(argv)
    print("Migrating the app database ...", flush=True)
    db.migrate()
    if args.command == "demo":
        from meetings.demo import ensure_demo

        print("Adding the example meeting series if there is none ...", flush=True)
        print(ensure_demo() or "The app database already has meeting series.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
