"""Progress of a demo-data build, one line per step: a full build takes about a minute,
and a newcomer's first ``make run`` should not look stuck meanwhile.

``BuildProgress.track`` passes the generator's chunks through unchanged and reports a
step once its last chunk has been written: the writer asking for the next chunk means
it has written the previous one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date

import pandas as pd

from reporting.demo import event_months

Report = Callable[[str], None]


class BuildProgress:
    """Steps of one build: the reference tables, the opening queue backlog, then each
    calendar year of event data, e.g. ``2022: 12 of 58 months of contacts, referrals
    and queues written (14 s)`` (seconds since the build started)."""

    def __init__(self, end: date, report: Report, clock: Callable[[], float] = time.monotonic):
        self.months = event_months(end)
        self.report = report
        self.clock = clock
        self.started = clock()

    def begin(self, target: str, scale: float) -> None:
        """The first line: what is built where, and how long it takes."""
        self.started = self.clock()
        self.report(
            f"Building the synthetic demo data into {target}: {len(self.months)} months,"
            f" {self.months[0][0]}-{self.months[0][1]:02d} to"
            f" {self.months[-1][0]}-{self.months[-1][1]:02d}, at scale {scale:g}"
            " (about a minute at scale 1)"
        )

    def step(self, text: str) -> None:
        """Report ``text`` with the seconds since the start."""
        self.report(f"  {text} ({self.clock() - self.started:.0f} s)")

    def track(
        self, chunks: Iterable[tuple[str, pd.DataFrame]]
    ) -> Iterator[tuple[str, pd.DataFrame]]:
        """``chunks`` (``reporting.demo.generate``'s order) unchanged, reporting steps."""
        phase = "reference"
        done = 0
        for table, frame in chunks:
            if phase == "reference" and table == "queue_entries":
                self.step("reference tables written: units, targets, indicator values, events")
                phase = "backlog"
            elif phase == "backlog" and table == "client_contacts":
                self.step("queue entries still open at the start of the data written")
                phase = "months"
            yield table, frame
            if phase == "months" and table == "queue_entries":  # a month's last chunk
                year, month = self.months[done]
                done += 1
                if month == 12 or done == len(self.months):
                    self.step(
                        f"{year}: {done} of {len(self.months)} months of contacts, referrals"
                        " and queues written"
                    )
