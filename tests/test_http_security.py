"""The Content-Security-Policy header (issue 12, http_security.py): on every kind of
response, with the directives of docs/security.md, and allowing exactly the inline
scripts the served page holds (their SHA-256 hashes, worked out here from the HTML)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from app import app as dash_app
from settings import configure, get_settings

JSON_TYPES = {"application/json", "application/ld+json"}


class _InlineScripts(HTMLParser):
    """Collects the text of every <script> without ``src`` whose type is executed
    (no type, or a JavaScript type: not JSON data)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag != "script":
            return
        attributes = dict(attrs)
        kind = (attributes.get("type") or "").split(";")[0].strip().lower()
        self._inside = "src" not in attributes and kind not in JSON_TYPES
        if self._inside:
            self.scripts.append("")

    def handle_data(self, data):
        if self._inside:
            self.scripts[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False


def inline_script_hashes(page_html: str) -> set[str]:
    """The CSP hash sources (``'sha256-…'``) of the executed inline scripts of a page."""
    parser = _InlineScripts()
    parser.feed(page_html)
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in parser.scripts
    }


def directives(header: str) -> dict[str, list[str]]:
    """A policy as {directive: [sources]}; fails on a repeated directive."""
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} twice in {header!r}"
        parsed[name] = sources
    return parsed


@pytest.fixture
def client(browser_db):
    return dash_app.server.test_client()


def test_s001_every_kind_of_response_carries_the_whole_policy(client):
    """Pages, errors, API, assets and callbacks all carry the full CSP and nosniff, no XFO."""
    responses = {
        "page": client.get("/hoitoonpaasy?from=2024-01"),
        "embed": client.get("/embed/jonot"),
        "404 page": client.get("/ei-tallaista-sivua"),
        "404 api": client.get("/api/charts/ei-ole/data.json"),
        "405": client.post("/api/charts"),
        "api": client.get("/api/charts"),
        "csv": client.get("/api/charts/jonot/data.csv?from=2024-01"),
        "health": client.get("/healthz"),
        "ready": client.get("/readyz"),
        "layout": client.get("/_dash-layout"),
        "dependencies": client.get("/_dash-dependencies"),
        "asset": client.get("/assets/10-style.css"),
        "bad callback": client.post("/_dash-update-component", json={}),
    }
    for name, response in responses.items():
        (header,) = response.headers.getlist("Content-Security-Policy")
        policy = directives(header)
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"][0] == "'self'", name
        assert all(source.startswith("'sha256-") for source in policy["script-src"][1:]), name
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], name
        assert policy["img-src"] == ["'self'", "data:", "blob:"], name
        assert policy["connect-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["base-uri"] == ["'self'"], name
        assert policy["form-action"] == ["'self'"], name
        assert policy["frame-ancestors"] == ["'self'"], name
        assert "X-Frame-Options" not in response.headers, name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
    # Nothing relaxes the scripts: no inline scripts without a hash, no eval.
    assert "unsafe" not in " ".join(policy["script-src"])
    assert responses["page"].status_code == 200 and responses["404 page"].status_code == 404


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_s002_the_hashes_are_those_of_the_pages_inline_scripts(client, lang):
    """The CSP's script hashes are exactly those of each page's executed inline scripts."""
    for path in ("/", "/digipalvelut", "/embed/jonot", "/tietokeskustelut"):
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        scripts = inline_script_hashes(page)
        # Dash's renderer start and the clientside callbacks (Dash Pages' title too).
        assert len(scripts) >= 2, path
        allowed = set(directives(response.headers["Content-Security-Policy"])["script-src"][1:])
        assert allowed == scripts, path
        # The JSON data blocks are not executed and need no hash.
        assert 'id="tk-config" type="application/json"' in page


def test_s003_frame_ancestors_follow_the_setting(client):
    """The frame-ancestors directive follows the frame_ancestors setting."""
    original = get_settings()
    configure(replace(original, frame_ancestors="'self' https://intra.example.fi"))
    try:
        header = client.get("/embed/jonot").headers["Content-Security-Policy"]
    finally:
        configure(original)
    assert directives(header)["frame-ancestors"] == ["'self'", "https://intra.example.fi"]
