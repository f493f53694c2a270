"""A page view as the browser sends it, recorded once and replayed by the load tools.

A *page view* is every request the browser makes to the app for one address, except the
static files it caches (scripts, styles, fonts): ``GET <page>``, ``GET /_dash-layout``,
``GET /_dash-dependencies`` and every ``POST /_dash-update-component`` with the body the
renderer built. ``record`` drives headless Chromium once per page and reads what it sent
from the DevTools network events (the performance log), so the replayed bodies are the
real ones, also after the pages or callbacks change.

The browser's requests form a chain: the layout comes after the page, the router's
callback after the layout, the cards' callbacks after the router's answer. The recording
is cut into *waves* by cause: wave 0 is the page, wave 1 the layout and the callback
map; a callback is one wave after the latest answer, arrived before the browser sent
it, that created or updated one of its input components (wave 2 when none did: its
inputs were in the layout). A replay
sends a wave's requests in parallel, at most ``BROWSER_CONNECTIONS`` at a time (what
Chromium opens per host), and the next wave when the whole wave is answered. A
replayed page view may therefore wait a little longer than the browser's own chain, never
less.

A request that gets no HTTP answer is sent once more, as Chromium does when a kept-alive
connection was closed by the server meanwhile; the retries are counted. A page view has
*failed* when a request got no HTTP answer twice or an HTTP error, or when an answer
shows the app's own "the database cannot be reached" text (a card that says so answers
with HTTP 200).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

BROWSER_CONNECTIONS = 6  # Chromium's parallel HTTP/1.1 connections per host
QUIET_S = 3.0  # seconds without a request or open answer that end a recording
RECORD_TIMEOUT_S = 240.0  # the slowest page on a busy machine, with margin
# Translation keys of what a card or the filter bar shows instead of data when the
# reporting database fails; an answer containing one of these texts is an error.
FAILURE_KEYS = ("card.db_error", "kpi.unavailable", "filters.units_unavailable")
# What Chromium asks for (zstd aside); both HTTP clients decode these.
ACCEPT_ENCODING = "gzip, deflate, br"


@dataclass(frozen=True)
class Request:
    """One recorded request: ``method`` (GET/POST), ``path`` (with query, relative to the
    server's root) and ``body`` (the JSON text of a POST, None for a GET)."""

    method: str
    path: str
    body: str | None = None

    @property
    def label(self) -> str:
        """A short name for reports: the path, or ``callback <output>`` for a callback."""
        if self.body is None:
            return self.path
        data = json.loads(self.body)
        outputs = data.get("outputs")
        target = outputs.get("id") if isinstance(outputs, dict) else None
        if isinstance(target, dict):  # a pattern-matching callback: name its component
            return "callback " + ":".join(str(v) for v in target.values())
        output = str(data.get("output", "?"))
        return "callback " + (output if len(output) <= 60 else output[:57] + "...")


@dataclass(frozen=True)
class PageView:
    """The recorded requests of one page, in ``waves`` (lists of ``Request``)."""

    page: str
    waves: tuple[tuple[Request, ...], ...]

    @property
    def requests(self) -> int:
        return sum(len(wave) for wave in self.waves)

    def to_json(self) -> dict:
        return {"page": self.page, "waves": [[asdict(r) for r in wave] for wave in self.waves]}

    @classmethod
    def from_json(cls, data: dict) -> PageView:
        waves = tuple(tuple(Request(**r) for r in wave) for wave in data["waves"])
        return cls(data["page"], waves)


@dataclass
class Outcome:
    """What one replayed request got: ``status`` (0 when no HTTP answer), answer
    ``bytes`` as received (compressed when the server compressed), ``error`` (None when
    fine: an HTTP status ≥ 400, a transport error or the app's failure text) and whether
    it was ``retried``."""

    label: str
    status: int
    bytes: int
    error: str | None
    retried: bool = False  # sent twice: the first attempt got no HTTP answer


@dataclass
class ViewResult:
    """One replayed page view: ``seconds`` from the first request sent to the last answer,
    and every request's ``Outcome``."""

    page: str
    started: float  # time.time() at the first request
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f"{o.label}: {o.error}" for o in self.outcomes if o.error]


# The transport: (request) -> (status, raw bytes received, decoded body). Each tool
# supplies its own HTTP client; errors raise.
Send = Callable[[Request], tuple[int, int, bytes]]
# Runs a function over items, up to BROWSER_CONNECTIONS at a time; returns the results in order.
ParallelMap = Callable[[Callable[[Request], Outcome], list[Request]], list[Outcome]]


def failure_texts() -> tuple[str, ...]:
    """The app's "data cannot be read now" texts (Finnish, the default language)."""
    from translations import t

    return tuple(t(key) for key in FAILURE_KEYS)


def _strings(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def app_failure(body: bytes, texts: Iterable[str]) -> str | None:
    """The app's failure text found among the strings of a JSON answer, or None (also
    for an answer that is not JSON: the page itself)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    wanted = set(texts)
    return next((s for s in _strings(data) if s in wanted), None)


def replay(view: PageView, send: Send, pmap: ParallelMap, texts: tuple[str, ...]) -> ViewResult:
    """Send ``view``'s requests wave after wave (each wave through ``pmap``) and time it."""

    def one(request: Request) -> Outcome:
        retried = False
        try:
            status, received, body = send(request)
        except Exception:  # noqa: BLE001 - see below
            # Like Chromium on a kept-alive connection the server has closed meanwhile
            # (gunicorn closes idle ones after a few seconds): send it once more.
            retried = True
            try:
                status, received, body = send(request)
            except Exception as exc:  # noqa: BLE001 - any transport failure fails it
                return Outcome(request.label, 0, 0, f"{type(exc).__name__}: {exc}"[:200], True)
        if status >= 400:
            detail = body[:160].decode("utf-8", "replace")
            return Outcome(request.label, status, received, f"HTTP {status} {detail}", retried)
        failure = app_failure(body, texts) if request.body is not None else None
        error = f"app says: {failure}" if failure else None
        return Outcome(request.label, status, received, error, retried)

    started, t0 = time.time(), time.perf_counter()
    outcomes: list[Outcome] = []
    for wave in view.waves:
        outcomes.extend(pmap(one, list(wave)))
    return ViewResult(view.page, started, time.perf_counter() - t0, outcomes)


def waves_from_events(events: list[dict], base: str) -> list[list[Request]]:
    """Cut the app's requests in Chromium's DevTools network ``events`` (``{"method",
    "params"}``; a callback's ``Network.loadingFinished`` carries its answer as
    ``responseBody``) into waves (module docstring). Static files and requests to other
    hosts are left out; a request that failed in the browser is kept (the server should
    answer it)."""
    root = urlsplit(base)
    sent: dict[str, tuple[float, Request]] = {}
    finished: dict[str, tuple[float, set[str]]] = {}
    for event in events:
        method, params = event["method"], event["params"]
        if method == "Network.requestWillBeSent":
            url = urlsplit(params["request"]["url"])
            if url.netloc != root.netloc or not _is_app_request(url.path):
                continue
            path = url.path + (f"?{url.query}" if url.query else "")
            body = params["request"].get("postData")
            sent[params["requestId"]] = (
                params["timestamp"],
                Request(params["request"]["method"], path, body),
            )
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            provided = _answer_ids(params.get("responseBody"))
            finished[params["requestId"]] = (params["timestamp"], provided)
    wave_of: dict[str, int] = {}
    order = sorted(sent, key=lambda i: sent[i][0])
    for request_id in order:
        at, request = sent[request_id]
        if request.body is None:  # the page, then Dash's layout and callback map
            wave_of[request_id] = 1 if "/_dash-" in request.path else 0
            continue
        needs = _input_ids(request.body)
        causes = [
            wave_of[other]
            for other in order
            if other in wave_of
            and sent[other][1].body is not None
            and finished.get(other, (float("inf"), set()))[0] <= at
            and needs & finished[other][1]
        ]
        wave_of[request_id] = 1 + max(causes, default=1)
    waves: dict[int, list[Request]] = {}
    for request_id in order:
        waves.setdefault(wave_of[request_id], []).append(sent[request_id][1])
    return [waves[n] for n in sorted(waves)]


def _canonical(component_id) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    if isinstance(component_id, str) and component_id.startswith("{"):
        return _canonical(json.loads(component_id))
    return str(component_id)


def _input_ids(body: str) -> set[str]:
    """The components whose properties are a callback request's inputs."""
    found = set()
    for entry in json.loads(body).get("inputs", []):
        for item in entry if isinstance(entry, list) else [entry]:
            found.add(_canonical(item["id"]))
    return found


def _answer_ids(body: str | None) -> set[str]:
    """The components a callback answer updates or creates (empty for no answer)."""
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return set()
    response = data.get("response") if isinstance(data, dict) else None
    found = {_canonical(key) for key in response or {}}

    def walk(node) -> None:
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "id" in props:
                found.add(_canonical(props["id"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


def _is_app_request(path: str) -> bool:
    """The page, the layout, the callback map and callbacks; not static files."""
    static = ("/assets/", "/_dash-component-suites/", "/_favicon", "/favicon")
    if any(part in path for part in static):
        return False
    tail = path.rsplit("/", 1)[-1]
    return tail.startswith("_dash-") or "." not in tail


def record(base: str, pages: Iterable[str], warm_up: bool = True) -> list[PageView]:
    """Open each of ``pages`` (paths like ``/hoitoonpaasy``) in headless Chromium at
    ``base`` and return what the browser sent, cut into waves. With ``warm_up`` each page
    is opened once before, so the recording is of a page whose charts are cached (a
    chart that failed cold, e.g. on a statement timeout, would make the browser's chain
    differ). Raises RuntimeError when a page does not come to rest within
    ``RECORD_TIMEOUT_S`` or sent no callback."""
    from selenium import webdriver

    from tests.prerequisites import chromium_path

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path() or "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    try:
        views = []
        for page in pages:
            for _ in range(2 if warm_up else 1):
                driver.get("about:blank")
                driver.get_log("performance")  # drop what came before
                driver.get(base.rstrip("/") + page)
                events = _events_until_quiet(driver, page)  # the last visit's are kept
            views.append(PageView(page, tuple(tuple(w) for w in waves_from_events(events, base))))
        return views
    finally:
        driver.quit()


def _events_until_quiet(driver, page: str) -> list[dict]:
    """DevTools network events of the loading page until nothing is open and nothing new
    was sent for ``QUIET_S`` seconds after at least one callback."""
    events: list[dict] = []
    open_ids: set[str] = set()
    callback_ids: set[str] = set()
    callbacks = 0
    last_change = time.monotonic()
    deadline = last_change + RECORD_TIMEOUT_S
    while time.monotonic() < deadline:
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if not message["method"].startswith("Network."):
                continue
            events.append(message)
            params = message["params"]
            if message["method"] == "Network.requestWillBeSent":
                open_ids.add(params["requestId"])
                callbacks += "_dash-update-component" in params["request"]["url"]
                last_change = time.monotonic()
                if params["request"].get("hasPostData") and "postData" not in params["request"]:
                    body = driver.execute_cdp_cmd(
                        "Network.getRequestPostData", {"requestId": params["requestId"]}
                    )
                    params["request"]["postData"] = body["postData"]
                if "_dash-update-component" in params["request"]["url"]:
                    callback_ids.add(params["requestId"])
            elif message["method"] in ("Network.loadingFinished", "Network.loadingFailed"):
                open_ids.discard(params["requestId"])
                last_change = time.monotonic()
                if message["method"] == "Network.loadingFinished" and (
                    params["requestId"] in callback_ids
                ):
                    params["responseBody"] = _response_body(driver, params["requestId"])
        if callbacks and not open_ids and time.monotonic() - last_change >= QUIET_S:
            return events
        time.sleep(0.25)
    raise RuntimeError(f"{page} did not come to rest within {RECORD_TIMEOUT_S:.0f} s")


def _response_body(driver, request_id: str) -> str | None:
    """A finished request's answer as text, from Chromium (None when it has dropped it)."""
    try:
        answer = driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": request_id})
    except Exception:  # noqa: BLE001 - evicted from the browser's buffer: no causes known
        return None
    if answer.get("base64Encoded"):
        return base64.b64decode(answer["body"]).decode("utf-8", "replace")
    return answer["body"]


def save(views: list[PageView], path) -> None:
    """Write a recording as JSON (``[{"page", "waves": [[{method, path, body}]]}]``)."""
    path.write_text(json.dumps([v.to_json() for v in views], indent=1), encoding="utf-8")


def load(path) -> list[PageView]:
    """Read a recording written by ``save``."""
    return [PageView.from_json(d) for d in json.loads(path.read_text(encoding="utf-8"))]


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]
