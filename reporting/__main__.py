"""Command line: ``python -m reporting build-demo | ensure-demo | load-demo | refresh-aggregates
| import-figures | import-sotkanet``.

python -m reporting build-demo --out data/reporting.duckdb [--scale 1] [--until 2026-11]
python -m reporting ensure-demo --out data/reporting.duckdb
python -m reporting load-demo --url postgresql+psycopg://user@host:5432/db
python -m reporting refresh-aggregates --url duckdb:///data/reporting.duckdb

python -m reporting import-figures FILE [--url URL] [--lang fi|sv|en] [--dry-run]
python -m reporting import-sotkanet FILE --regions REGIONS.json [--retrieved YYYY-MM-DD]
    [--map SOTKANET_ID=INDICATOR_ID ...] [--url URL] [--lang fi|sv|en] [--dry-run]

The imports (``reporting.figures``, docs/imported-figures.md) write reported figures
into ``indicator_values`` at ``--url`` (default ``TK_IMPORT_DB_URL``, else
``TK_REPORTING_DB_URL``) and speak ``--lang`` (default ``TK_LANGUAGE``): exit 0 when
written (or previewed with ``--dry-run``; stdout names the indicator ids, after a notice
per id no chart draws), 1 when refused (every problem on stderr, line-numbered; a
``--map`` whose Sotkanet id maps no figure of the file too) or the database cannot be
written, 2 for a usage error (a ``--map`` indicator id the layout refuses included).

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
    _add_import_parsers(sub)
    return parser


def _mapping(text: str) -> tuple[int, str]:
    sotkanet_id, sep, indicator = text.partition("=")
    if not sep or not sotkanet_id.strip().isdigit() or not indicator.strip():
        raise argparse.ArgumentTypeError(f"expected SOTKANET_ID=INDICATOR_ID, not {text!r}")
    return int(sotkanet_id), indicator.strip()


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _add_import_parsers(sub) -> None:
    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--url", default=None,
            help="SQLAlchemy URL to write (default TK_IMPORT_DB_URL, else TK_REPORTING_DB_URL)",
        )  # fmt: skip
        parser.add_argument(
            "--lang", choices=("fi", "sv", "en"), default=None,
            help="language of the messages (default TK_LANGUAGE)",
        )  # fmt: skip
        parser.add_argument(
            "--dry-run", action="store_true",
            help="check the file and say what would change, write nothing",
        )  # fmt: skip

    figures = sub.add_parser(
        "import-figures",
        help="import reported figures from a CSV or XLSX file (docs/imported-figures.md)",
    )
    figures.add_argument("file", type=Path, metavar="FILE", help=".csv, .txt or .xlsx")
    common(figures)

    sotkanet = sub.add_parser(
        "import-sotkanet", help="import a Sotkanet JSON or CSV response saved in a file"
    )
    sotkanet.add_argument("file", type=Path, metavar="FILE", help=".json or .csv")
    sotkanet.add_argument(
        "--regions", type=Path, required=True, metavar="REGIONS.json",
        help="Sotkanet's /regions list saved in a file",
    )  # fmt: skip
    sotkanet.add_argument(
        "--retrieved", type=_day, default=None, metavar="YYYY-MM-DD",
        help="the day the response was retrieved (default today)",
    )  # fmt: skip
    sotkanet.add_argument(
        "--map", type=_mapping, action="append", default=[], metavar="SOTKANET_ID=INDICATOR_ID",
        help="store a Sotkanet indicator under this id (default sotkanet-<id>)",
    )  # fmt: skip
    common(sotkanet)


def _read_file(path: Path, lang: str) -> bytes | None:
    from translations import t

    try:
        return path.read_bytes()
    except OSError:
        print(t("figures.cli.no_file", lang, path=str(path)), file=sys.stderr)
        return None


def _map_problem(mapping: Sequence[tuple[int, str]], lang: str) -> str | None:
    """Why the ``--map`` pairs cannot be used (in ``lang``), or None: an indicator id
    the canonical import would refuse (``layout.is_indicator_id``), or one Sotkanet id
    given twice (the later pair would silently win)."""
    from reporting.figures.layout import is_indicator_id
    from translations import quote_value, t

    given: dict[int, str] = {}
    for sotkanet_id, indicator in mapping:
        if not is_indicator_id(indicator):
            # The canonical layout's own message for the id (figures.error.bad_indicator).
            refusal = t("figures.error.bad_indicator", lang, value=quote_value(indicator))
            return f"--map {sotkanet_id}={indicator}: {refusal}"
        if sotkanet_id in given:
            first = given[sotkanet_id]
            return t(
                "figures.cli.map_twice", lang, sotkanet=sotkanet_id, first=first, second=indicator
            )
        given[sotkanet_id] = indicator
    return None


def _unmapped(mapping: dict[int, str], figures: Sequence, lang: str) -> list[str]:
    """One message (in ``lang``) per ``--map`` pair that maps no figure of the file: a
    Sotkanet id the file does not have (or whose rows were all skipped). A figure of
    Sotkanet indicator n carries the source ``sotkanet.source_for(n)``."""
    from reporting.figures.sotkanet import source_for
    from translations import t

    sources = {figure.source for figure in figures}
    return [
        t("figures.cli.map_not_in_file", lang, sotkanet=sotkanet_id, indicator=indicator)
        for sotkanet_id, indicator in mapping.items()
        if source_for(sotkanet_id) not in sources
    ]


def _print_notices(indicators: Sequence[str], lang: str) -> None:
    from reporting.figures.notices import uncharted_notices

    for notice in uncharted_notices(indicators, lang):
        print(notice)


def _refused(name: str, texts: Sequence[str], lang: str) -> int:
    """Print a refusal (a line naming the file, then each problem) on stderr: exit 1."""
    from translations import t_plural

    n = len(texts)
    one, other = "figures.cli.refused_one", "figures.cli.refused"
    print(t_plural(n, lang, one=one, other=other, file=name, n=n), file=sys.stderr)
    for text in texts:
        print(text, file=sys.stderr)
    return 1


def _import(args: argparse.Namespace) -> int:
    """``import-figures`` and ``import-sotkanet``: read, check, write (or preview).

    Prints on stdout what was written (or would be, with ``--dry-run``) with the
    indicator ids, after a notice per indicator id no chart draws (for
    ``import-sotkanet`` only the ids named in ``--map``; ``sotkanet-<id>`` is meant to
    have no chart). A ``--map`` pair with a bad indicator id, or one Sotkanet id twice,
    is a usage error (exit 2, before any file is read); a pair whose Sotkanet id maps
    no figure of the file refuses the file (exit 1)."""
    from reporting.figures.rows import ImportRefused
    from reporting.figures.store import (
        CHANGED,
        NEW,
        ImportFailed,
        import_url,
        preview_figures,
        refusal_with_stored_problems,
        write_figures,
    )
    from settings import get_settings
    from translations import t, t_plural

    lang = args.lang or get_settings().language
    if args.command == "import-sotkanet":
        problem = _map_problem(args.map, lang)
        if problem is not None:
            print(problem, file=sys.stderr)
            return 2
    content = _read_file(args.file, lang)
    if content is None:
        return 2
    name = args.file.name
    url = args.url or import_url()
    try:
        if args.command == "import-figures":
            from reporting.figures.layout import read_figures

            figures = read_figures(content, name)
            named = sorted({figure.indicator_id for figure in figures})
        else:
            regions = _read_file(args.regions, lang)
            if regions is None:
                return 2
            # Another module's reader (owner of the Sotkanet formats); imported here so
            # the other commands work without it.
            from reporting.figures.sotkanet import read_sotkanet, skipped_texts

            mapping = dict(args.map)
            read = read_sotkanet(
                content,
                name,
                regions,
                retrieved_on=args.retrieved or date.today(),
                indicator_ids=mapping,
            )
            unmapped = _unmapped(mapping, read.figures, lang)
            if unmapped:
                return _refused(name, unmapped, lang)
            figures = read.figures
            named = sorted(set(mapping.values()))
            for text in skipped_texts(read, lang):  # rows left out on purpose (genders, ...)
                print(text)
        if args.dry_run:
            plan = preview_figures(url, figures, file_name=name)
            counts = {
                "added": sum(row.status == NEW for row in plan),
                "replaced": sum(row.status == CHANGED for row in plan),
            }
            counts["unchanged"] = len(plan) - counts["added"] - counts["replaced"]
            indicators = ", ".join(sorted({row.figure.indicator_id for row in plan}))
            _print_notices(named, lang)
            print(t("figures.cli.preview", lang, file=name, indicators=indicators, **counts))
            return 0
        summary = write_figures(url, figures, file_name=name, content=content)
    except ImportRefused as refused:
        # A reader's refusal carries the rows it could read: the store's problems with
        # them are listed too, so the file's every problem is reported at once.
        refused = refusal_with_stored_problems(url, refused)
        return _refused(name, refused.texts(lang), lang)
    except ImportFailed as failed:
        print(failed.text(lang), file=sys.stderr)
        return 1
    indicators = ", ".join(summary.indicators)
    _print_notices(named, lang)  # once written: a refused file stores nothing to note
    if not (summary.added or summary.replaced):
        one, other = "figures.cli.unchanged_one", "figures.cli.unchanged"
        n = summary.unchanged
        print(
            t_plural(n, lang, one=one, other=other, file=name, unchanged=n, indicators=indicators)
        )
        return 0
    print(
        t(
            "figures.cli.written",
            lang,
            file=name,
            added=summary.added,
            replaced=summary.replaced,
            unchanged=summary.unchanged,
            indicators=indicators,
        )
    )
    return 0


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
    if args.command in ("import-figures", "import-sotkanet"):
        return _import(args)
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
