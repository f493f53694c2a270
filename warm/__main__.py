"""``python -m warm``: fill the shared cache for every page's default view (``warm``)."""

from __future__ import annotations

import argparse
import sys

from settings import get_settings
from warm import warm


def main(argv: list[str] | None = None) -> int:
    """``python -m warm``: warm the configured cache; exit 1 when any card failed, 2
    when the configured cache is not one the servers share (nothing to warm)."""
    parser = argparse.ArgumentParser(
        prog="python -m warm",
        description="Fill the shared cache (TK_CACHE_TYPE=RedisCache at TK_CACHE_URL) for"
        " the default view of every page, as a browser's first visit would.",
    )
    parser.parse_args(argv)
    cache_type = get_settings().cache_type
    if cache_type != "RedisCache":
        # A SimpleCache or NullCache lives and dies with this command: warming it would
        # report success and leave the servers' cache as cold as before.
        print(
            f"warm-up: TK_CACHE_TYPE is {cache_type}, a cache of this process only;"
            " set TK_CACHE_TYPE=RedisCache and TK_CACHE_URL as the servers have",
            file=sys.stderr,
        )
        return 2
    from app import app as dash_app  # built only when there is something to warm

    report = warm(dash_app, progress=print)
    print(
        f"warm-up: {len(report.computed)} cards in {report.seconds:.1f} s"
        + (f", {len(report.failed)} failed" if report.failed else "")
    )
    for call in report.failed:
        print(f"  failed: {call.page} {call.chart}", file=sys.stderr)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
