"""Benchmark: what a warm page load costs the browser, per page, in headless Chromium.

    make bench                      # runs this after bench.run and bench.present
    python -m bench.browser --runs 5 --profile

The app is served as ``bench.run`` serves it (gunicorn, one worker, ``RedisCache``). Each
page is loaded once to fill the cache, then ``--runs`` times in a fresh tab of one
headless Chromium (Debian's, driven by chromedriver through selenium, with the flags of
the browser tests). A load counts from navigation start until the page is **ready**:
every chart and KPI card body holds its answer (not the loading text), every graph in
them is drawn (plotly's ``.main-svg``), and nothing is loading
(``[data-dash-is-loading]``). At that moment the DevTools ``Performance.getMetrics``
counters of the tab are read (``ScriptDuration``, ``TaskDuration``,
``LayoutDuration``, ``RecalcStyleDuration`` in ms, ``Nodes``, ``JSHeapUsedSize`` in
bytes) with the element count of the document, and the callback responses' sizes are
taken from the browser's resource timing (decoded body bytes of every
``/_dash-update-component`` response). Medians over the runs.

``--profile`` adds one more load per page under the DevTools CPU profiler and splits
the sampled time by script: Dash's renderer with React, plotly.js, the component
libraries, the app's own assets, and the browser's own work (garbage collection,
idle, "program"). The profiler slows the page, so its load is not one of the runs.

Writes ``bench/results/browser.json`` and prints a table. Nothing asserts these
numbers; ``tests/test_bench.py`` only checks that the harness runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from contextlib import contextmanager

import redis

from bench.run import report_head, write_report
from tests.prerequisites import CHROMIUM_FLAGS, chromium_path
from tests.servers import WAIT, gunicorn_server

# (name, path, chart ids) of every page measured; the overview's KPI cards count as its
# cards. Read from the page modules, so a new chart is measured without editing this.
CALLBACK_PATH = "/_dash-update-component"

# Returns true once the page is ready (see the module's docstring); ``arguments[0]`` is
# the cards' loading text.
READY_JS = """
const loading = arguments[0];
const bodies = Array.from(document.querySelectorAll('[id]')).filter(function (el) {
    return el.id.indexOf('"type":"chart-body"') !== -1 ||
        el.id.indexOf('"type":"kpi-body"') !== -1;
});
if (!bodies.length) { return false; }
for (const body of bodies) {
    if (body.textContent.trim() === loading) { return false; }
    for (const graph of body.querySelectorAll('.chart-graph')) {
        if (!graph.querySelector('.main-svg')) { return false; }
    }
}
return !document.querySelector('[data-dash-is-loading="true"]');
"""

METRICS = (
    "ScriptDuration",
    "TaskDuration",
    "LayoutDuration",
    "RecalcStyleDuration",
    "Nodes",
    "JSHeapUsedSize",
)
SECONDS = {"ScriptDuration", "TaskDuration", "LayoutDuration", "RecalcStyleDuration"}


def pages() -> list[tuple[str, str]]:
    """``(name, path)`` of the overview and the four investment areas' pages."""
    from charts.areas import INVESTMENT_AREAS, OVERVIEW

    return [("overview", OVERVIEW.path)] + [(area.slug, area.path) for area in INVESTMENT_AREAS]


def chromium_driver():
    """A headless Chromium with the browser tests' flags."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.binary_location = chromium_path() or "/usr/bin/chromium"
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(WAIT)  # a busy page may not run a script for a while
    return driver


# The page's callback responses from the browser's resource timing: body bytes as
# decoded, bytes on the wire (with headers; 0 when served from the browser's cache).
CALLBACKS_JS = """
const path = arguments[0];
return performance.getEntriesByType('resource')
    .filter(function (e) { return e.name.split("?")[0].endsWith(path); })
    .map(function (e) { return {bytes: e.decodedBodySize, wire_bytes: e.transferSize}; });
"""


def _open_until_ready(driver, url: str, loading_text: str) -> None:
    """Open ``url`` in the current tab and wait until it is ready (``READY_JS``);
    RuntimeError after ``WAIT`` seconds."""
    driver.get(url)
    deadline = time.monotonic() + WAIT
    while not driver.execute_script(READY_JS, loading_text):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} was not ready within {WAIT:.0f} s")
        time.sleep(0.05)


def load_page(driver, url: str, loading_text: str) -> dict:
    """Open ``url`` in a fresh tab, wait until it is ready; the tab's metrics, the
    elapsed time and the callback responses (see the module's docstring)."""
    driver.switch_to.new_window("tab")
    old = [h for h in driver.window_handles if h != driver.current_window_handle]
    for handle in old:  # one tab at a time: the others' timers would run along
        current = driver.current_window_handle
        driver.switch_to.window(handle)
        driver.close()
        driver.switch_to.window(current)
    driver.execute_cdp_cmd("Performance.enable", {"timeDomain": "threadTicks"})
    _open_until_ready(driver, url, loading_text)
    ready_ms = driver.execute_script("return performance.now()")
    metrics = {
        m["name"]: m["value"]
        for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    }
    elements = driver.execute_script("return document.getElementsByTagName('*').length")
    result = {"ready_ms": ready_ms, "elements": elements}
    for name in METRICS:
        value = metrics.get(name, 0.0)
        result[name] = value * 1000 if name in SECONDS else value
    result["callbacks"] = driver.execute_script(CALLBACKS_JS, CALLBACK_PATH)
    return result


# How the profiler's samples are grouped: the first group whose marker is in the
# script's URL (or the node's function name, for the browser's own work).
GROUPS = (
    ("plotly.js", ("plotly",)),
    ("dash renderer + React", ("dash-renderer", "react", "dash_renderer")),
    ("dash core components", ("dash_core_components", "dcc/", "async-")),
    ("bootstrap components", ("dash_bootstrap_components",)),
    ("app assets", ("/assets/",)),
    ("(garbage collector)", ("(garbage collector)",)),
    ("(idle)", ("(idle)",)),
    ("(program)", ("(program)",)),
)


def _group(node: dict) -> str:
    frame = node["callFrame"]
    url, name = frame.get("url", ""), frame.get("functionName", "")
    for group, markers in GROUPS:
        if any(marker in url for marker in markers) or name in markers:
            return group
    return "other" if url else "(native or unnamed)"


def profile_page(driver, url: str, loading_text: str) -> dict[str, dict[str, float]]:
    """Sampled CPU time in ms for one load of ``url`` (until ready), self time of each
    function: ``{"groups": {GROUPS group: ms}, "functions": {"name (script)": ms}}``
    (the 25 functions with most self time)."""
    driver.switch_to.new_window("tab")
    driver.execute_cdp_cmd("Profiler.enable", {})
    driver.execute_cdp_cmd("Profiler.setSamplingInterval", {"interval": 200})
    driver.execute_cdp_cmd("Profiler.start", {})
    _open_until_ready(driver, url, loading_text)
    profile = driver.execute_cdp_cmd("Profiler.stop", {})["profile"]
    driver.execute_cdp_cmd("Profiler.disable", {})
    nodes = {node["id"]: node for node in profile["nodes"]}
    spent: dict[str, float] = defaultdict(float)
    functions: dict[str, float] = defaultdict(float)
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        node = nodes[sample]
        spent[_group(node)] += delta / 1000
        frame = node["callFrame"]
        script = frame.get("url", "").rsplit("/", 1)[-1].split("?")[0]
        where = (
            f"{frame.get('functionName') or '(anonymous)'}"
            f" ({script}:{frame.get('lineNumber')}:{frame.get('columnNumber')})"
        )
        functions[where] += delta / 1000
    return {
        "groups": dict(sorted(spent.items(), key=lambda item: -item[1])),
        "functions": dict(sorted(functions.items(), key=lambda item: -item[1])[:25]),
    }


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def summarise(runs: list[dict]) -> dict:
    """Medians of every measure over ``runs`` and the callback responses' sizes (the
    largest and the total of one load, decoded bytes)."""
    summary = {key: _median(runs, key) for key in ("ready_ms", "elements", *METRICS)}
    last = runs[-1]["callbacks"]
    summary["callbacks"] = len(last)
    summary["largest_callback_bytes"] = max((c["bytes"] for c in last), default=0)
    summary["callback_bytes"] = sum(c["bytes"] for c in last)
    return summary


@contextmanager
def served_app(redis_url: str):
    """The app served like ``bench.run`` does, with an empty cache; yields its URL."""
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    try:
        with gunicorn_server(
            "bench.server:server", {"TK_CACHE_TYPE": "RedisCache", "TK_CACHE_URL": redis_url}
        ) as base:
            yield base
    finally:
        store.flushdb()


def measure(base: str, runs: int, profile: bool, only: list[str] | None = None) -> dict:
    """Warm each page once, then ``runs`` measured loads (and a profiled one):
    ``{page name: {"path", "summary", "runs", "profile_ms"?}}``."""
    from translations import t

    loading_text = t("card.loading", "fi")
    driver = chromium_driver()
    results: dict = {}
    try:
        for name, path in pages():
            if only and name not in only:
                continue
            url = base + path
            load_page(driver, url, loading_text)  # fills the cache; not counted
            measured = [load_page(driver, url, loading_text) for _ in range(runs)]
            results[name] = {"path": path, "summary": summarise(measured), "runs": measured}
            if profile:
                results[name]["profile_ms"] = profile_page(driver, url, loading_text)
    finally:
        driver.quit()
    return results


def print_table(results: dict) -> None:
    head = (
        f"{'page':16} {'ready ms':>9} {'script ms':>9} {'task ms':>8} {'layout ms':>9}"
        f" {'elements':>8} {'nodes':>7} {'callbacks':>9} {'max KB':>7} {'sum KB':>7}"
    )
    print(head)
    for name, result in results.items():
        s = result["summary"]
        print(
            f"{name:16} {s['ready_ms']:9.0f} {s['ScriptDuration']:9.0f} {s['TaskDuration']:8.0f}"
            f" {s['LayoutDuration']:9.0f} {s['elements']:8.0f} {s['Nodes']:7.0f}"
            f" {s['callbacks']:9d} {s['largest_callback_bytes'] / 1024:7.1f}"
            f" {s['callback_bytes'] / 1024:7.1f}"
        )
        if "profile_ms" in result:
            groups = result["profile_ms"]["groups"]
            total = sum(groups.values()) or 1.0
            shares = ", ".join(
                f"{group} {ms:.0f} ms ({100 * ms / total:.0f} %)"
                for group, ms in list(groups.items())[:5]
            )
            print(f"{'':16} profile: {shares}")
    print("(medians; every run in the JSON)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured loads per page")
    parser.add_argument("--profile", action="store_true", help="add a CPU-profiled load")
    parser.add_argument("--page", action="append", help="only this page (repeatable)")
    parser.add_argument(
        "--redis-url", default=os.environ.get("TK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args(argv)

    from queries.reference import reporting_meta  # noqa: F401 - fail early on a bad DB

    load_before = os.getloadavg()
    with served_app(args.redis_url) as base:
        results = measure(base, args.runs, args.profile, args.page)
    report = {
        **report_head(),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "pages": results,
    }
    print_table(results)
    print(
        "load average (1, 5, 15 min) before: {:.1f} {:.1f} {:.1f}".format(*load_before)
        + ", after: {:.1f} {:.1f} {:.1f}".format(*report["load_average"]["after"])
    )
    write_report(report, "browser.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
