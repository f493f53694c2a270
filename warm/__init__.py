"""Warm-up: fill the cache for every page's default view, as a browser's first visit.

    python -m warm            # after a data load (or at any time); prints one line a page

(the command is ``warm/__main__.py``: it builds the app, which this package does not
import, so that the app can start the warm-up itself.)

Each page (the overview and the four investment areas) is laid out as for its plain
address (no query string), and every chart card and KPI card of that layout is then
computed through the same callback function the browser's request runs
(``callbacks.chart_cards.chart_card_body``, ``callbacks.kpi_cards.kpi_card_body``) with
the values the layout puts into the card's stores, so the cache keys are exactly the
ones of a first page view. The unit list and the demo flag (the filter bar's and the
banner's callbacks) come along. With ``RedisCache`` the cache is the one the workers
share; with ``SimpleCache`` only the process that warms it gains, so the command is
for Redis and ``TK_WARM_AT_START=1`` (``warm_in_background``) serves both.

Exit status 0 when every card was computed, 1 when any failed (the database notice
appeared in its place: the failures are logged and named).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dash import dcc

from charts.areas import ALL_AREAS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardCall:
    """One card's callback as a first page view sends it: ``kind`` is ``"chart"`` or
    ``"kpi"``; ``request`` the card's request store data; ``view`` and ``phases`` the
    values of its view switch and phase store (chart cards only)."""

    page: str
    kind: str
    chart: str
    request: dict
    view: str | None = None
    phases: tuple[str, ...] = ()


@dataclass
class WarmReport:
    """What a warm-up did: the cards computed, those that failed, seconds taken."""

    computed: list[CardCall] = field(default_factory=list)
    failed: list[CardCall] = field(default_factory=list)
    seconds: float = 0.0


def _components(layout: Any) -> Iterator[Any]:
    yield layout
    if hasattr(layout, "_traverse"):
        yield from layout._traverse()  # noqa: SLF001 - Dash's own tree walk


def page_cards(dash_app: Any) -> list[CardCall]:
    """The card callbacks of every page's default view, in page order, read from the
    layouts the pages give for their plain address (needs ``dash_app``'s server)."""
    import dash

    calls = []
    layouts = {page["path"]: page["layout"] for page in dash.page_registry.values()}
    for area in ALL_AREAS:
        with dash_app.server.test_request_context(area.path):
            layout = layouts[area.path]()
        by_kind: dict[tuple[str, str], Any] = {}
        for component in _components(layout):
            component_id = getattr(component, "id", None)
            if isinstance(component_id, dict) and "chart" in component_id:
                by_kind[(component_id["type"], component_id["chart"])] = component
        for (kind, chart), component in by_kind.items():
            if kind == "chart-request":
                view = by_kind.get(("chart-view", chart))
                phases = by_kind.get(("chart-phases", chart))
                calls.append(
                    CardCall(
                        page=area.path,
                        kind="chart",
                        chart=chart,
                        request=component.data,
                        view=getattr(view, "value", None),
                        phases=tuple(getattr(phases, "data", None) or ()),
                    )
                )
            elif kind == "kpi-request" and isinstance(component, dcc.Store):
                calls.append(CardCall(area.path, "kpi", chart, component.data))
    return calls


class _FailureLog(logging.Handler):
    """Counts the errors the card callbacks log in this thread: they turn a database
    error into a notice (and log it), so this is how a failed card is told apart."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.thread = threading.get_ident()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.count += 1


def _run_card(call: CardCall) -> bool:
    """Compute one card through its callback; False when it showed the database
    notice instead."""
    from callbacks import chart_cards, kpi_cards

    failures = _FailureLog()
    loggers = [logging.getLogger(chart_cards.__name__), logging.getLogger(kpi_cards.__name__)]
    for logger in loggers:
        logger.addHandler(failures)
    try:
        if call.kind == "chart":
            chart_cards.chart_card_body(call.request, call.view, list(call.phases))
        else:
            kpi_cards.kpi_card_body(call.request)
    finally:
        for logger in loggers:
            logger.removeHandler(failures)
    return failures.count == 0


def warm(dash_app: Any, progress: Callable[[str], None] = log.info) -> WarmReport:
    """Fill the cache for every page's default view and the overview (see the module
    docstring). Runs inside ``dash_app``'s app context; ``progress`` gets one line per
    page."""
    from queries.reference import is_synthetic
    from queries.units import hierarchy_nodes

    report = WarmReport()
    started = time.monotonic()
    with dash_app.server.app_context():
        hierarchy_nodes()  # the filter bar's unit list (callbacks.filters)
        is_synthetic()  # the banner (callbacks.shell)
        calls = page_cards(dash_app)
        for page in dict.fromkeys(call.page for call in calls):
            page_started = time.monotonic()
            on_page = [call for call in calls if call.page == page]
            for call in on_page:
                (report.computed if _run_card(call) else report.failed).append(call)
            progress(f"{page}: {len(on_page)} cards in {time.monotonic() - page_started:.1f} s")
    report.seconds = time.monotonic() - started
    return report


def warm_in_background(dash_app: Any) -> threading.Thread:
    """Start ``warm`` in a daemon thread (``TK_WARM_AT_START=1``): the server serves at
    once, and a request that comes before its chart is warm waits for the one
    computation of its key (``queries.cache``) rather than running it again."""

    def run() -> None:
        try:
            report = warm(dash_app)
            log.info(
                "warm-up: %d cards in %.1f s, %d failed",
                len(report.computed),
                report.seconds,
                len(report.failed),
            )
        except Exception:  # noqa: BLE001 - a failed warm-up must not stop the server
            log.exception("warm-up failed")

    thread = threading.Thread(target=run, name="tk-warm-up", daemon=True)
    thread.start()
    return thread
