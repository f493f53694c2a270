"""Chart images rendered on the server: a plotly figure dict to PNG or SVG bytes.

Rendering uses kaleido 1.x, which drives a headless Chromium over a pipe. The browser
is the system's (Debian's ``chromium``; another binary through ``BROWSER_PATH``, the
variable kaleido's browser layer reads): nothing is downloaded, and the page kaleido
draws in loads plotly.js from the installed plotly package with MathJax off, so no
request leaves the machine.

Starting Chromium takes a second or two, one image a tenth of that, so each process
has one browser, started on first use and reused for every later image. It runs in
its own thread with its own event loop (``_Renderer``); a lock lets one image through
at a time. The renderer forgets an inherited browser in a forked child (which starts
its own) and closes its browser when the process exits, also when the process is a
``multiprocess`` job of Dash's background callbacks, which ends with ``os._exit``.

kaleido's own ``start_sync_server`` was not used: its singleton is not safe for two
threads at once, and when the browser fails to start its callers wait forever.
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly
from kaleido import Kaleido, PageGenerator

log = logging.getLogger(__name__)
# kaleido and its browser layer log every tab and temporary folder at INFO; the app
# logs at INFO, so keep theirs to warnings and errors.
BROWSER_LOGGERS = ("kaleido", "choreographer", "browser_proc", "chrome_wrapper", "logistro")
for _name in BROWSER_LOGGERS:
    logging.getLogger(_name).setLevel(logging.WARNING)
# How long closing a browser may take: a live one closes in well under a second; one
# that is already gone (Ctrl-C in a terminal reaches Chromium too) never answers.
CLOSE_TIMEOUT_S = 15.0
CLOSE_DEAD_TIMEOUT_S = 2.0

# Pixels before the 2x scale: the image is EXPORT_WIDTH wide; the figure is drawn at
# least EXPORT_HEIGHT tall and the image grows with its legend, title and captions.
EXPORT_WIDTH = 1200
EXPORT_HEIGHT = 520
TITLE_SIZE = 20
CAPTION_SIZE = 12
# The one layout rule of exported images (also the toolbar's, in the browser), and the
# hook that makes kaleido's page apply it to figures that ask for it.
LAYOUT_JS = Path(__file__).resolve().parents[1] / "assets" / "25-export-layout.js"
HOOK_JS = Path(__file__).resolve().parent / "kaleido_layout_hook.js"
EXPORT_SCALE = 2
START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 60.0
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class RenderError(RuntimeError):
    """No image: the browser is missing, failed to start, or a render failed."""


def browser_path() -> str:
    """The Chromium binary to render with: ``BROWSER_PATH`` or the first on ``PATH``."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(
        "Chromium was not found for rendering chart images: install Debian's "
        "`chromium` package or set BROWSER_PATH to a Chrome/Chromium binary."
    )


def page_generator():
    """kaleido's drawing page: plotly.js from the installed plotly package, no
    MathJax, so the browser fetches nothing from the network; and the layout rule of
    every exported image (``LAYOUT_JS``, the same file the toolbar downloads use) with
    the hook that applies it (``HOOK_JS``)."""
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return PageGenerator(
        plotly=(plotly_js.as_uri(), "utf-8"),
        mathjax=False,
        others=[(LAYOUT_JS.as_uri(), "utf-8"), (HOOK_JS.as_uri(), "utf-8")],
    )


class _Renderer:
    """One kaleido browser for this process, in a thread running its event loop."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.kaleido: Any = None
        self.starts = 0
        self.inherited: list[tuple] = []

    def forget(self) -> None:
        """In a forked child: leave the parent's browser alone. Its objects are kept,
        not freed: their finalizers (choreographer cleans up the browser's temporary
        folders in ``__del__``) must not run in the child against the parent's
        browser."""
        if self.kaleido is not None:
            self.inherited.append((self.loop, self.thread, self.kaleido))
        self.lock = threading.Lock()
        self.loop = self.thread = self.kaleido = None
        self.starts = 0

    def _start(self) -> None:
        path = browser_path()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
        thread.start()

        async def open_browser():
            browser = Kaleido(
                path=path,
                page_generator=page_generator(),
                n=1,
                timeout=RENDER_TIMEOUT_S,
            )
            await browser.open()
            return browser

        try:
            browser = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            loop.close()
            raise RenderError(f"Chromium at {path} did not start: {exc}") from exc
        self.loop, self.thread, self.kaleido = loop, thread, browser
        self.starts += 1
        _close_at_exit()
        log.info("kaleido browser started (%s, pid %s)", path, os.getpid())

    def _stop(self) -> None:
        loop, thread, browser = self.loop, self.thread, self.kaleido
        self.loop = self.thread = self.kaleido = None
        if loop is None:
            return
        alive = _browser_alive(browser)
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(
                CLOSE_TIMEOUT_S if alive else CLOSE_DEAD_TIMEOUT_S
            )
        except Exception:  # noqa: BLE001 - closing is best effort
            if alive:
                log.warning("kaleido browser did not close cleanly", exc_info=True)
            _remove_profile(browser)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)
        if not loop.is_running():
            loop.close()

    def render(self, figure: dict[str, Any], opts: dict[str, Any]) -> bytes:
        with self.lock:
            if self.kaleido is None:
                self._start()
            future = asyncio.run_coroutine_threadsafe(
                self.kaleido.calc_fig(figure, opts=opts), self.loop
            )
            try:
                return future.result(RENDER_TIMEOUT_S + 5)
            except Exception as exc:
                future.cancel()
                # A browser that failed once may be wedged: the next image starts anew.
                self._stop()
                raise RenderError(f"rendering a chart image failed: {exc}") from exc

    def stop(self) -> None:
        with self.lock:
            self._stop()


def _browser_alive(browser: Any) -> bool:
    """Whether the browser's process is still running (unknown counts as running)."""
    process = getattr(browser, "subprocess", None)
    return process is None or process.poll() is None


def _remove_profile(browser: Any) -> None:
    """End a browser that could not be closed and remove its temporary profile (what
    its ``close`` would have done); best effort."""
    try:
        if _browser_alive(browser):
            browser.subprocess.kill()
            browser.subprocess.wait(5)
        browser._browser_impl.clean()  # choreographer's own clean-up of the tmp folder
    except Exception:  # noqa: BLE001 - nothing more can be done at this point
        pass


_renderer = _Renderer()
_exit_hooks_for_pid: int | None = None


def _close_at_exit() -> None:
    """Close the browser at interpreter exit, and at the end of a ``multiprocess`` /
    ``multiprocessing`` child (they end with ``os._exit``, skipping ``atexit``, which
    would leave Chromium's temporary profile folder behind)."""
    global _exit_hooks_for_pid
    if _exit_hooks_for_pid == os.getpid():
        return
    _exit_hooks_for_pid = os.getpid()
    atexit.register(shutdown_at_exit)
    import multiprocessing.util

    multiprocessing.util.Finalize(None, shutdown_at_exit, exitpriority=10)
    try:  # dill's copy of multiprocessing (Dash's diskcache jobs), when installed
        import multiprocess.util
    except ImportError:
        return
    multiprocess.util.Finalize(None, shutdown_at_exit, exitpriority=10)


def forget_parent_browser() -> None:
    """In a forked child (``fork_hooks``): leave the parent's browser to the parent; the
    child starts its own at its first image."""
    _renderer.forget()


def shutdown() -> None:
    """Close this process's browser (it starts again on the next image)."""
    _renderer.stop()


def shutdown_at_exit() -> None:
    """Close the browser as the process ends, with the browser's loggers and this
    module's silenced first: at exit the streams their handlers write to may be closed
    already (a test runner's captured output, a terminal gone), and a record written
    there is a "--- Logging error ---" traceback instead of a clean exit."""
    for name in (__name__, *BROWSER_LOGGERS):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    shutdown()


def browser_starts() -> int:
    """How many times this process has started its browser (for tests and logs)."""
    return _renderer.starts


def export_figure(
    figure: dict[str, Any],
    *,
    title: str | None = None,
    context: Sequence[str] = (),
    width: int = EXPORT_WIDTH,
    height: int | None = None,
) -> dict[str, Any]:
    """A deep copy of ``figure`` marked for an image file: ``width`` px wide, larger
    text, and when given the ``title`` on top and the ``context`` lines (filters,
    source, data date) under the plot. The figure passed in (often a cached payload)
    is not changed.

    The pixel layout is not computed here: ``layout.meta.tkExportLayout`` asks the
    drawing page to lay the image out by the rule the toolbar's downloads use
    (assets/25-export-layout.js): title and lines wrapped to the width, legend and plot
    measured, the image as tall as its content. ``height`` is the height the figure is
    drawn at before that (default ``EXPORT_HEIGHT``, or more for a figure drawn taller
    than a single chart on screen, such as the small multiples of the unit view).
    """
    figure = copy.deepcopy(figure)
    layout = figure.setdefault("layout", {})
    if height is None:
        height = max(EXPORT_HEIGHT, round(int(layout.get("height") or 0) * 1.25))
    layout["width"] = width
    layout["height"] = height
    font = dict(layout.get("font") or {})
    font["size"] = max(int(font.get("size") or 14), 16)
    layout["font"] = font
    meta = dict(layout.get("meta") or {})
    meta["tkExportLayout"] = {
        "width": width,
        "height": height,
        "title": title or "",
        "lines": [line for line in context if line],
        "titleSize": TITLE_SIZE,
        "captionSize": CAPTION_SIZE,
    }
    layout["meta"] = meta
    return figure


def render(figure: dict[str, Any], fmt: str = "png", scale: float = EXPORT_SCALE) -> bytes:
    """``figure`` (a plotly figure dict) as PNG or SVG bytes, drawn by this process's
    browser. A figure from ``export_figure`` is laid out from its content there, so its
    image may be taller than its ``layout.height``."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unsupported image format {fmt!r}")
    layout = figure.get("layout") or {}
    opts = {
        "format": fmt,
        "width": layout.get("width") or EXPORT_WIDTH,
        "height": layout.get("height") or EXPORT_HEIGHT,
        "scale": scale if fmt == "png" else 1,
    }
    return _renderer.render(figure, opts)


def chart_image(
    figure: dict[str, Any],
    *,
    fmt: str = "png",
    title: str | None = None,
    context: Sequence[str] = (),
) -> bytes:
    """A chart as a self-explaining image file: title, plot and context lines."""
    return render(export_figure(figure, title=title, context=context), fmt)
