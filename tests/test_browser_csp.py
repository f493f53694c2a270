"""The Content-Security-Policy holds in headless Chromium (issue 12), in Finnish,
Swedish and English: every page of the accessibility test's list (the overview, the
four area pages, an embedded chart, the meeting pages, the pre-read and presentation
mode, the accessibility statement, the upload page of figures) and the server's 404
page, once its charts or cards have rendered, caused no CSP violation — none reported to
the page (``securitypolicyviolation`` events, collected by a script the browser runs
before the page's own) and none in the console — and fetched nothing from another origin
(the navigation and every resource timing entry).

The test first proves that it can see a violation: an inline script added to the page
is refused, and both the event and the console report it."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from dash.testing.wait import until

from app import app
from meetings import store
from tests.servers import WAIT
from tests.test_browser_accessibility import _count, _pages, _settled, _url
from tests.test_browser_meeting_present import AUTHOR, meeting  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

# Runs in every document before its own scripts (CDP Page.addScriptToEvaluateOnNewDocument).
# The resource timing buffer holds 250 entries by default; a page with many callbacks
# could overflow it and hide a late fetch.
WATCH = """
window.__tkCsp = [];
try { performance.setResourceTimingBufferSize(100000); } catch (e) {}
document.addEventListener("securitypolicyviolation", function (e) {
  window.__tkCsp.push({
    directive: e.effectiveDirective,
    blocked: e.blockedURI,
    where: e.sourceFile + ":" + e.lineNumber,
    sample: e.sample,
  });
}, true);
"""

FETCHED = """
return performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"))
  .map(function (entry) { return entry.name; });
"""

NOT_FOUND = "/ei-tallaista-sivua"


def _watch(dash_duo) -> None:
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})


def _reported(dash_duo) -> list[dict]:
    """The violations reported to the current document so far."""
    return dash_duo.driver.execute_script("return window.__tkCsp")


def _console_csp(dash_duo) -> list[str]:
    """The console messages about the policy since the last call (reading the log
    empties it)."""
    return [
        entry["message"]
        for entry in dash_duo.driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def _foreign(urls: list[str], origin: str) -> list[str]:
    """The URLs not on ``origin`` (data: and blob: URLs are made in the page)."""
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob")
        and f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != origin
    ]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_csp001_every_page_without_violations_or_foreign_fetches(dash_duo, meeting, lang):  # noqa: F811
    """No page breaks the CSP or fetches from elsewhere; an injected inline script is refused."""
    held = store.get_meeting(meeting)
    store.add_need(held["items"][0]["id"], "Jonotiedot yksiköittäin", author=AUTHOR)
    dash_duo.start_server(app)
    _watch(dash_duo)
    base = dash_duo.server_url.rstrip("/")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))

    # The watch sees a violation: an inline script added to the page is refused.
    dash_duo.driver.get(_url(base, NOT_FOUND, lang))
    until(lambda: _count(dash_duo, "main h1") > 0, timeout=WAIT)
    dash_duo.driver.get_log("browser")  # the 404's own console line
    ran = dash_duo.driver.execute_script(
        "var s = document.createElement('script');"
        "s.textContent = 'window.__tkInline = true;';"
        "document.head.appendChild(s);"
        "return window.__tkInline === true;"
    )
    assert ran is False
    until(lambda: len(_reported(dash_duo)) == 1, timeout=WAIT, msg="no violation event")
    assert _reported(dash_duo)[0]["directive"] == "script-src-elem"
    until(lambda: len(_console_csp(dash_duo)) > 0, timeout=WAIT, msg="no console message")

    pages = [
        (path, rendered) for path, _selector, _key, rendered in _pages(meeting, held["series_id"])
    ]
    pages.append((NOT_FOUND, lambda duo: _count(duo, "main h1") > 0))
    problems = {}
    for path, rendered in pages:
        dash_duo.driver.get(_url(base, path, lang))
        until(lambda: rendered(dash_duo), timeout=WAIT, msg=f"{path}: not rendered")  # noqa: B023
        until(lambda: _settled(dash_duo), timeout=WAIT, msg=f"{path}: still loading")
        found = {
            "events": _reported(dash_duo),
            "console": _console_csp(dash_duo),
            "foreign": _foreign(dash_duo.driver.execute_script(FETCHED), origin),
        }
        if any(found.values()):
            problems[path] = found
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
