"""Command line: ``python -m reporting build-demo | ensure-demo | load-demo | refresh-aggregates``.

python -m reporting build-demo --out data/reporting.duckdb [--scale 1] [--until 2026-11]
python -m reporting ensure-demo --out data/reporting.duckdb
python -m reporting load-demo --url postgresql+psycopg://user@host:5432/db
python -m reporting refresh-aggregates --url duckdb:///data/reporting.duckdb

``refresh-aggregates`` rebuilds the pre-aggregated tables (``reporting.aggregates``)
from the event tables at any reporting database; a county's loader runs it after every
load (the demo builders do).

While building, a line per step goes to stderr (a full-size build takes about a
minute); the summary of what was written goes to stdout at the end.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reporting import demo


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= 100):
        raise argparse.ArgumentTypeError(f"must be greater than 0 and at most 100: {text!r}")
    return value


def _until(text: str) -> date:
    try:
        first = demo.parse_until(text)
        demo.data_end(first)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return first


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer: {text!r}")
    return value


def _add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale", type=_scale, default=1.0,
        help="multiplier of event volumes (1 = about 1.4 million contacts a year)",
    )  # fmt: skip
    parser.add_argument(
        "--until", type=_until, default=None, metavar="YYYY-MM",
        help="data end at the end of the month before this one (default: this month)",
    )  # fmt: skip
    parser.add_argument(
        "--seed", type=_seed, default=demo.DEFAULT_SEED,
        help=f"random seed (default {demo.DEFAULT_SEED})",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reporting",
        description="Build the synthetic demo reporting database (fictional county, code 99).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build-demo", help="build the demo DuckDB file (replaces it)")
    build.add_argument("--out", type=Path, required=True, help="DuckDB file to write")
    _add_data_args(build)

    ensure = sub.add_parser(
        "ensure-demo",
        help="build the demo DuckDB file if it is missing or written by another generator",
    )
    ensure.add_argument("--out", type=Path, required=True, help="DuckDB file to check / write")

    load = sub.add_parser("load-demo", help="load the demo data into PostgreSQL")
    load.add_argument(
        "--url", required=True,
        help="SQLAlchemy URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/reporting",
    )  # fmt: skip
    _add_data_args(load)

    agg = sub.add_parser(
        "refresh-aggregates",
        help="rebuild the pre-aggregated tables after a data load (DuckDB or PostgreSQL)",
    )
    agg.add_argument(
        "--url", required=True,
        help="SQLAlchemy URL: duckdb:///path/to/file.duckdb or postgresql+psycopg://user@host/db",
    )  # fmt: skip
    return parser


def _report(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _stored_generator(path: Path) -> str | None:
    """The ``generator`` fact of the demo file at ``path``; None when the file is
    missing or unreadable (it is rebuilt then)."""
    if not path.is_file():
        return None
    import duckdb

    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute("SELECT value FROM reporting_meta WHERE key = 'generator'").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _has_aggregates(path: Path) -> bool:
    """Whether the demo file at ``path`` holds every aggregate table (a file written
    before they existed has none)."""
    import duckdb

    from reporting.aggregates import ALL

    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    names = {row[0] for row in rows}
    return all(a.table.name in names for a in ALL)


def _refresh_aggregates(parser: argparse.ArgumentParser, url: str) -> int:
    import sqlalchemy as sa

    from reporting.aggregates.refresh import refresh

    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        # ImportError: a dialect whose driver is not installed (mysql://, ...).
        parser.error(f"--url: {exc}")
    if engine.dialect.name == "duckdb":
        database = engine.url.database or ""
        if database not in ("", ":memory:") and not Path(database).is_file():
            # DuckDB would create an empty file and then fail on the missing tables.
            parser.error(f"--url: no DuckDB file at {database}")
    try:
        version = refresh(engine, _report)
    except sa.exc.SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        print(f"error: cannot refresh the aggregates: {reason}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Aggregates rebuilt at {engine.url.render_as_string(hide_password=True)}")
    print(f"  data version {version}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from reporting import load  # after parsing: --help stays fast

    if args.command == "refresh-aggregates":
        return _refresh_aggregates(parser, args.url)
    if args.command == "ensure-demo":
        stored = _stored_generator(args.out)
        if stored == demo.GENERATOR:
            if _has_aggregates(args.out):
                print(f"{args.out} exists; not rebuilding")
                return 0
            print(f"{args.out} exists without its aggregates; building them")
            return _refresh_aggregates(parser, f"duckdb:///{args.out}")
        if args.out.exists():
            print(f"{args.out} was written by {stored or 'an unknown generator'}; rebuilding")
        summary = load.build_duckdb(args.out, progress=_report)
    elif args.command == "build-demo":
        if args.out.exists() and args.out.is_dir():
            parser.error(f"--out is a directory: {args.out}")
        summary = load.build_duckdb(
            args.out, scale=args.scale, until=args.until, seed=args.seed, progress=_report
        )
    else:
        import sqlalchemy as sa

        if not args.url.startswith("postgresql+psycopg://"):
            parser.error("--url must be a postgresql+psycopg:// SQLAlchemy URL")
        try:
            sa.make_url(args.url)
        except sa.exc.ArgumentError as exc:
            parser.error(f"--url: {exc}")
        try:
            summary = load.load_postgres(
                args.url, scale=args.scale, until=args.until, seed=args.seed, progress=_report
            )
        except sa.exc.OperationalError as exc:
            print(f"error: cannot load into PostgreSQL: {exc.orig}", file=sys.stderr)
            return 1
    print(summary.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
