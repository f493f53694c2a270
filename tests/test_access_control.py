"""Access control through the SSO proxy (``TK_AUTH_REQUIRED=1``, ``access_control``):
on real gunicorn servers, every kind of endpoint answers 401 without the identity
header, and also with it when the peer is not a trusted proxy; a signed-in user gets
the pages, the data and the callbacks; the probes stay open; under ``TK_URL_PREFIX``
too. Then the groups (reader or editor, on the meeting pages) and the start-up checks
of the settings."""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from dash._utils import to_json

from app import app as dash_app
from callbacks import meetings_agenda as cb
from dashboards import meetings_index, meetings_series
from identity import Identity, current_author, current_identity, parse_groups
from meetings import store
from settings import Settings, configure, get_settings
from tests.callback_bodies import chart_card_request
from tests.conftest import fixture_db_url
from tests.fixtures import foundation
from tests.prerequisites import nginx_path
from tests.servers import ROOT, free_port, gunicorn_server, wait_until_ready

HEADER = "X-Forwarded-Email"
USER = "anna.analyytikko@hyvinvointialue.fi"
SIGNED_IN = {HEADER: USER}
TIMEOUT = 120  # seconds: a busy machine answers slowly rather than not at all
CHART = "hoitotakuu-7vrk"
PERIOD = "from=2024-01&to=2024-02"
# 1/2024 published 10 / 15 = 66.7 % and 2/2024 83.3 % (worked out in test_api.test_a002).
CSV_VALUE = "66,7"
CARD_VALUE = "Viimeisin arvo 2/2024: 83,3"

# Every kind of endpoint, below the prefix: (method, path, machine). ``machine``: the
# 401 is JSON (the API, its downloads, Dash's endpoints); otherwise an HTML page.
ENDPOINTS = [
    ("GET", "", False),  # the overview
    ("GET", "hoitoonpaasy", False),  # an area page
    ("GET", f"embed/{CHART}", False),  # an embed
    ("GET", "tietokeskustelut", False),  # the meeting pages
    ("GET", "tietokeskustelut/1", False),
    ("GET", "saavutettavuus", False),  # the accessibility statement
    ("GET", "ei-tallaista-sivua", False),  # no page: 401, not 404 (nothing is revealed)
    ("GET", "assets/10-style.css", False),  # an asset
    ("GET", "_favicon.ico", False),
    ("GET", "_dash-layout", True),
    ("GET", "_dash-dependencies", True),
    ("POST", "_dash-update-component", True),  # every callback, the PowerPoint export too
    ("GET", "_dash-component-suites/dash/dcc/dash_core_components.js", True),
    ("GET", "api/charts", True),
    ("GET", f"api/charts/{CHART}/data.json?{PERIOD}", True),
    ("GET", f"api/charts/{CHART}/data.csv?{PERIOD}", True),
    ("GET", f"api/charts/{CHART}/data.xlsx?{PERIOD}", True),
    ("GET", "api/meetings", True),
    ("GET", "api/meetings/1", True),
    ("GET", "api/meetings/1/minutes.docx", True),
    ("GET", "api/meetings/1/minutes.md", True),
    ("GET", "api/meetings/1/preread.docx", True),
    ("GET", "api/ei-tallaista", True),
]


def chart_callback_body(output: str = "..chart-body..") -> dict:
    """The chart card's callback for ``CHART`` in January–February 2024, as the page
    sends it (``output``: the server's own output string, when it matters)."""
    return chart_card_request(CHART, {"from": "2024-01", "to": "2024-02"}, output)


def send(base: str, method: str, path: str, headers: dict | None = None, body=None):
    if method == "POST":
        return requests.post(
            f"{base}/{path}", json=body or chart_callback_body(), headers=headers, timeout=TIMEOUT
        )
    return requests.get(f"{base}/{path}", headers=headers, timeout=TIMEOUT)


def assert_refused(response: requests.Response, machine: bool, lang: str = "fi") -> None:
    """A 401 that reveals nothing: the challenge, not stored by any cache, and the
    short answer (JSON or an HTML page) in ``lang``."""
    where = response.request.method + " " + response.url
    assert response.status_code == 401, where
    assert response.headers["WWW-Authenticate"].startswith("SSO "), where
    assert response.headers["Cache-Control"] == "no-store", where
    if machine:
        assert response.headers["Content-Type"].startswith("application/json"), where
        error = response.json()["error"]
        expected = {"fi": "kirjautuminen puuttuu", "sv": "inloggning saknas", "en": "sign-in"}
        assert expected[lang] in error, where
    else:
        assert response.headers["Content-Type"].startswith("text/html"), where
        assert f'<html lang="{lang}">' in response.text, where
        title = {"fi": "Kirjautuminen vaaditaan", "sv": "Inloggning krävs", "en": "Sign-in"}
        assert f"<h1>{title[lang]}" in response.text, where
    for secret in (CSV_VALUE, CARD_VALUE, "83,3", "requests_pathname_prefix", "app-shell"):
        assert secret not in response.text, where


def auth_env(request, **extra: str) -> dict[str, str]:
    return {
        "TK_AUTH_REQUIRED": "1",
        "TK_IDENTITY_HEADER": HEADER,
        "TK_TRUSTED_PROXIES": "127.0.0.1",
        "TK_DEMO_USER": "",
        "TK_REPORTING_DB_URL": fixture_db_url("duckdb", foundation, request),
        **extra,
    }


@pytest.fixture(scope="module")
def auth_server(request, tmp_path_factory):
    """gunicorn with access control on; the test client (127.0.0.1) is the proxy."""
    folder = tmp_path_factory.mktemp("auth-app-db")
    env = auth_env(request, TK_APP_DB_URL=f"sqlite:///{folder}/app.db")
    with gunicorn_server("app:server", env) as base:
        yield base


@pytest.fixture(scope="module")
def untrusted_server(request, tmp_path_factory):
    """gunicorn with access control on that trusts only 192.0.2.10 (a documentation
    address, never the test client's 127.0.0.1), and ProxyFix on."""
    folder = tmp_path_factory.mktemp("untrusted-app-db")
    env = auth_env(
        request,
        TK_TRUSTED_PROXIES="192.0.2.10",
        TK_PROXY_FIX="1",
        TK_APP_DB_URL=f"sqlite:///{folder}/app.db",
    )
    with gunicorn_server("app:server", env) as base:
        yield base


@pytest.fixture(scope="module")
def prefixed_auth_server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("prefixed-app-db")
    env = auth_env(request, TK_URL_PREFIX="/tk/", TK_APP_DB_URL=f"sqlite:///{folder}/app.db")
    with gunicorn_server("app:server", env, ready_path="/tk/healthz") as base:
        yield base + "/tk"


# --- on real servers ---------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize(("method", "path", "machine"), ENDPOINTS)
def test_ac001_every_endpoint_needs_the_identity(auth_server, method, path, machine):
    """Every endpoint refuses a request without the identity header or with an empty name."""
    assert_refused(send(auth_server, method, path), machine)
    # An empty name is no identity either.
    assert_refused(send(auth_server, method, path, {HEADER: ""}), machine)


@pytest.mark.server
@pytest.mark.parametrize(("method", "path", "machine"), ENDPOINTS)
def test_ac002_header_from_an_untrusted_peer_is_ignored(untrusted_server, method, path, machine):
    """An identity from an untrusted peer is refused, even with a spoofed X-Forwarded-For."""
    assert_refused(send(untrusted_server, method, path, SIGNED_IN), machine)
    # ProxyFix would take the client address from X-Forwarded-For: claiming to be the
    # trusted proxy there changes nothing, the connection's own peer counts.
    spoofed = {**SIGNED_IN, "X-Forwarded-For": "192.0.2.10"}
    assert_refused(send(untrusted_server, method, path, spoofed), machine)


@pytest.mark.server
def test_ac003_signed_in_user_gets_the_pages_data_and_callbacks(auth_server):
    """A signed-in user gets pages, scripts, exports and callback answers; others are refused."""
    page = send(auth_server, "GET", "hoitoonpaasy", SIGNED_IN)
    assert page.status_code == 200
    assert '<html lang="fi">' in page.text and "_dash-component-suites" in page.text
    # Every script the page loads is served to the signed-in user, not to anyone else.
    scripts = re.findall(r'<script src="/([^"]+)"', page.text)
    assert any(src.startswith("_dash-component-suites/") for src in scripts)
    for src in scripts:
        assert send(auth_server, "GET", src, SIGNED_IN).status_code == 200, src
        assert send(auth_server, "GET", src).status_code == 401, src
    for path in ("", f"embed/{CHART}", "tietokeskustelut", "assets/10-style.css"):
        assert send(auth_server, "GET", path, SIGNED_IN).status_code == 200, path
    assert "app-shell" in send(auth_server, "GET", "_dash-layout", SIGNED_IN).text
    deps = send(auth_server, "GET", "_dash-dependencies", SIGNED_IN).json()
    csv_file = send(auth_server, "GET", f"api/charts/{CHART}/data.csv?{PERIOD}", SIGNED_IN)
    assert csv_file.status_code == 200 and CSV_VALUE in csv_file.content.decode("utf-8-sig")
    xlsx = send(auth_server, "GET", f"api/charts/{CHART}/data.xlsx?{PERIOD}", SIGNED_IN)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert send(auth_server, "GET", "api/meetings", SIGNED_IN).json()["meetings"] == []
    # An unknown address is an honest 404 once signed in.
    assert send(auth_server, "GET", "ei-tallaista-sivua", SIGNED_IN).status_code == 404
    # The chart's callback answers the signed-in user with the numbers.
    body = chart_callback_body()
    body["output"] = next(d["output"] for d in deps if '"chart-body"' in d["output"])
    answer = send(auth_server, "POST", "_dash-update-component", SIGNED_IN, body)
    assert answer.status_code == 200
    assert CARD_VALUE in json.dumps(answer.json(), ensure_ascii=False)
    # The same request again would come from the server's store of answers
    # (response_cache); without the identity it is refused before reaching it.
    assert_refused(send(auth_server, "POST", "_dash-update-component", None, body), True)


@pytest.mark.server
def test_ac004_probes_stay_open_and_nothing_else_under_them(auth_server):
    """Health and readiness probes answer anyone; paths beside or under them are refused."""
    assert requests.get(auth_server + "/healthz", timeout=TIMEOUT).json() == {"status": "ok"}
    assert requests.get(auth_server + "/readyz", timeout=TIMEOUT).status_code == 200
    for path in ("healthz/", "healthz/x", "readyz.json", "api/healthz"):
        assert send(auth_server, "GET", path).status_code == 401, path


@pytest.mark.server
def test_ac005_the_answer_is_in_the_asked_language(auth_server):
    """The refusal is in the asked language (sv, en) and in Finnish for an unknown one."""
    for lang in ("sv", "en"):
        assert_refused(send(auth_server, "GET", f"hoitoonpaasy?lang={lang}"), False, lang)
        assert_refused(send(auth_server, "GET", f"api/charts?lang={lang}"), True, lang)
    # An unknown language: the default one.
    assert_refused(send(auth_server, "GET", "api/charts?lang=de"), True, "fi")


@pytest.mark.server
def test_ac006_only_the_header_with_dashes_counts(auth_server):
    """An identity header spelled with underscores instead of dashes signs no one in."""
    # gunicorn drops headers with "_" (in WSGI X_Forwarded_Email would read as
    # X-Forwarded-Email): a client cannot slip a name past a proxy that strips only
    # the dashed spelling.
    response = send(auth_server, "GET", "api/charts", {"X_Forwarded_Email": USER})
    assert_refused(response, True)


@pytest.mark.server
def test_ac007_under_a_url_prefix(prefixed_auth_server):
    """Under a URL prefix, access control, probes and links work; nothing is served outside."""
    base = prefixed_auth_server
    for method, path, machine in ENDPOINTS:
        assert_refused(send(base, method, path), machine)
    assert requests.get(base + "/healthz", timeout=TIMEOUT).status_code == 200
    assert requests.get(base + "/readyz", timeout=TIMEOUT).status_code == 200
    page = send(base, "GET", "hoitoonpaasy", SIGNED_IN)
    assert page.status_code == 200 and "/tk/_dash-component-suites/" in page.text
    catalog = send(base, "GET", "api/charts", SIGNED_IN).json()["charts"]
    assert catalog[0]["data_url"].startswith("/tk/api/charts/")
    # Outside the prefix nothing is served, signed in or not; without the identity the
    # answer is the same 401 as inside (an HTML page: no API lives there).
    assert_refused(requests.get(base[: -len("/tk")] + "/api/charts", timeout=TIMEOUT), False)


# --- groups: reader or editor (in a request context, as the pages are built) ---------


@pytest.fixture
def grouped(app_db):
    """Access control on with a group header; editors are the group ``tk-editors``.
    Yields a function entering a request context from the trusted proxy with the
    given groups."""
    original = get_settings()
    configure(
        replace(
            original,
            auth_required=True,
            identity_header=HEADER,
            group_header="X-Forwarded-Groups",
            editor_groups=("tk-editors", "tk-admins"),
            trusted_proxies=("127.0.0.1",),
            demo_user="",
        )
    )

    def as_member(groups: str | None, remote: str = "127.0.0.1"):
        headers = dict(SIGNED_IN)
        if groups is not None:
            headers["X-Forwarded-Groups"] = groups
        return dash_app.server.test_request_context(
            "/tietokeskustelut", headers=headers, environ_base={"REMOTE_ADDR": remote}
        )

    yield as_member
    configure(original)


def test_ac010_reader_group_reads_and_a_write_is_refused(grouped):
    """A reader sees a read-only notice and no create form, and cannot create a series."""
    with grouped("tk-readers, all-staff"):
        assert current_identity() == Identity(USER, ("tk-readers", "all-staff"), editor=False)
        assert current_author() is None
        text = to_json(meetings_index.layout())
        assert "read-only-notice" in text and "Olet kirjautunut lukijana" in text
        assert "series-new-name" not in text  # no form to create a series
        _children, status, *_ = cb.create_series("Johtoryhmä", "", "", "fi")
        assert "Olet kirjautunut lukijana" in to_json(status)
    assert store.list_series() == []
    # Without any group header value the user is a reader too.
    with grouped(None):
        assert current_author() is None


def test_ac011_editor_group_writes(grouped):
    """An editor-group user writes and is logged as author; case or untrusted peers change that."""
    with grouped("all-staff,tk-editors"):
        assert current_author() == USER
        assert "read-only-notice" not in to_json(meetings_index.layout())
        cb.create_series("Johtoryhmä", "", "", "fi")
    (row,) = store.list_series()
    assert row["name"] == "Johtoryhmä"
    # The change log names the editor.
    assert store.history("series", row["id"])[0]["author"] == USER
    with grouped("tk-readers"):
        page = to_json(meetings_series.layout(series_id=str(row["id"])))
        assert "series-edit-name" not in page and "Olet kirjautunut lukijana" in page
    # Group names are compared exactly: another case is another group.
    with grouped("TK-EDITORS"):
        assert current_author() is None
    # Groups from a peer that is not a trusted proxy count for nothing.
    with grouped("tk-editors", remote="192.0.2.99"):
        assert current_identity() is None and current_author() is None


def test_ac012_without_a_group_header_every_identified_user_writes(app_db):
    """Without a configured group header every identified user is an editor."""
    original = get_settings()
    configure(replace(original, identity_header=HEADER, trusted_proxies=("127.0.0.1",)))
    try:
        headers = {**SIGNED_IN, "X-Forwarded-Groups": "anything"}
        peer = {"REMOTE_ADDR": "127.0.0.1"}
        with dash_app.server.test_request_context("/", headers=headers, environ_base=peer):
            assert current_identity() == Identity(USER, (), editor=True)
            assert current_author() == USER
    finally:
        configure(original)


def test_ac014_a_name_that_came_twice_signs_no_one_in(app_db):
    """An identity header with two comma-joined names signs no one in."""
    # A proxy that appends its header to a client's instead of replacing it: the
    # server joins the two with "," (a reviewer's attack); no one is signed in.
    original = get_settings()
    configure(replace(original, identity_header=HEADER, trusted_proxies=("127.0.0.1",)))
    try:
        headers = {HEADER: "mallory@example.fi, " + USER}
        peer = {"REMOTE_ADDR": "127.0.0.1"}
        with dash_app.server.test_request_context("/", headers=headers, environ_base=peer):
            assert current_identity() is None and current_author() is None
    finally:
        configure(original)


@pytest.mark.unit
def test_ac013_group_header_is_parsed_with_care():
    """Group header parsing trims, drops empty and repeated names and keeps at most 200 groups."""
    assert parse_groups(" a , b,,a,\tc\n ") == ("a", "b", "c")
    assert parse_groups("") == ()
    assert len(parse_groups(",".join(f"g{i}" for i in range(500)))) == 200


# --- start-up checks ------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"TK_AUTH_REQUIRED": "1"}, "TK_AUTH_REQUIRED=1 needs TK_IDENTITY_HEADER"),
        (
            {"TK_AUTH_REQUIRED": "1", "TK_IDENTITY_HEADER": HEADER, "TK_DEMO_USER": "demo"},
            "cannot be used with TK_DEMO_USER",
        ),
        (
            {"TK_AUTH_REQUIRED": "1", "TK_IDENTITY_HEADER": HEADER, "TK_TRUSTED_PROXIES": ""},
            "TK_AUTH_REQUIRED=1 needs TK_TRUSTED_PROXIES",
        ),
        ({"TK_AUTH_REQUIRED": "true"}, "TK_AUTH_REQUIRED must be 0 or 1"),
        ({"TK_AUTH_REQUIRED": "yes"}, "TK_AUTH_REQUIRED must be 0 or 1"),
        ({"TK_TRUSTED_PROXIES": "proxy.example.fi"}, "TK_TRUSTED_PROXIES must list IP"),
        ({"TK_GROUP_HEADER": "X-Forwarded-Groups"}, "TK_GROUP_HEADER needs TK_IDENTITY_HEADER"),
        (
            {"TK_IDENTITY_HEADER": HEADER, "TK_EDITOR_GROUPS": "tk-editors"},
            "TK_EDITOR_GROUPS needs TK_GROUP_HEADER",
        ),
    ],
)
def test_ac020_settings_that_would_not_do_what_they_say_stop_the_start(
    monkeypatch, environment, message
):
    """Inconsistent or malformed access settings raise ValueError naming the problem."""
    for name in ("TK_AUTH_REQUIRED", "TK_IDENTITY_HEADER", "TK_DEMO_USER", "TK_GROUP_HEADER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TK_EDITOR_GROUPS", raising=False)
    monkeypatch.delenv("TK_TRUSTED_PROXIES", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=re.escape(message)):
        Settings.from_env()


@pytest.mark.unit
def test_ac021_settings_read_from_the_environment(monkeypatch):
    """Access settings are read from the environment; auth_required is off by default and with 0."""
    monkeypatch.delenv("TK_DEMO_USER", raising=False)
    monkeypatch.delenv("TK_TRUSTED_PROXIES", raising=False)
    monkeypatch.setenv("TK_AUTH_REQUIRED", "1")
    monkeypatch.setenv("TK_IDENTITY_HEADER", HEADER)
    monkeypatch.setenv("TK_GROUP_HEADER", "X-Forwarded-Groups")
    monkeypatch.setenv("TK_EDITOR_GROUPS", " tk-editors  tk-admins ")
    settings = Settings.from_env()
    assert settings.auth_required is True
    assert settings.group_header == "X-Forwarded-Groups"
    assert settings.editor_groups == ("tk-editors", "tk-admins")
    monkeypatch.setenv("TK_AUTH_REQUIRED", "0")
    assert Settings.from_env().auth_required is False
    monkeypatch.delenv("TK_AUTH_REQUIRED")
    assert Settings.from_env().auth_required is False  # the default: off


# --- the documented nginx + oauth2-proxy example, run -----------------------------------

SITE = ROOT / "docs" / "sso" / "nginx.conf"
SIGNED_IN_COOKIE = "_oauth2_proxy=anna"  # what the stand-in takes for a session


class _StandIn(BaseHTTPRequestHandler):
    """oauth2-proxy's ``/oauth2/auth`` and ``/oauth2/sign_in`` as the nginx example uses
    them: 202 with the user's e-mail and groups for the session cookie, else 401. On
    any other path it echoes the request's headers as JSON (to see what an upstream
    behind nginx receives)."""

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path.startswith("/oauth2/auth"):
            if SIGNED_IN_COOKIE in (self.headers.get("Cookie") or ""):
                self.send_response(202)
                self.send_header("X-Auth-Request-Email", USER)
                self.send_header("X-Auth-Request-Groups", "tk-readers,all-staff")
            else:
                self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@contextmanager
def stand_in() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def site_for_test(listen: int, oauth2: int, app: int) -> str:
    """The example site with its ports on free ones and without TLS (no certificate
    here); fails when the example no longer has what is swapped."""
    site = SITE.read_text(encoding="utf-8")
    swaps = [
        (r"listen 443 ssl;", f"listen 127.0.0.1:{listen};", 1),
        (r"\n\s*ssl_certificate(_key)? [^\n]*;", "", 2),
        (r"http://127\.0\.0\.1:4180;", f"http://127.0.0.1:{oauth2};", 2),
        (r"http://127\.0\.0\.1:8000;", f"http://127.0.0.1:{app};", 2),
    ]
    for pattern, replacement, count in swaps:
        site, done = re.subn(pattern, replacement, site)
        assert done == count, f"docs/sso/nginx.conf: {pattern} found {done} times"
    return site


@contextmanager
def nginx(folder: Path, site: str) -> Iterator[None]:
    """Run nginx with ``site`` in a minimal main configuration (everything in
    ``folder``); ``nginx -t`` first."""
    (folder / "site.conf").write_text(site, encoding="utf-8")
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  proxy_max_temp_file_size 0;\n"
        f"  include {folder}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    binary = nginx_path()
    assert binary, "nginx is not installed: run `python -m tests.prerequisites` (make test)"
    command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.server
def test_ac030_nginx_example_passes_only_the_proxys_identity(tmp_path):
    """Behind the example, the upstream receives the e-mail and groups oauth2-proxy
    answered — never the ones a client sent — and nothing without a sign-in."""
    with stand_in() as port:
        listen = free_port()
        with nginx(tmp_path, site_for_test(listen, port, port)):
            base = f"http://127.0.0.1:{listen}"
            wait_until_ready(base + "/healthz")
            spoof = {
                "X-Forwarded-Email": "mallory@example.org",
                "X-Forwarded-Groups": "tk-editors",
                "X-Auth-Request-Email": "mallory@example.org",
            }
            # Not signed in: to the sign-in, the spoofed headers do not help.
            refused = requests.get(base + "/hoitoonpaasy", headers=spoof, allow_redirects=False)
            assert refused.status_code == 302
            assert "/oauth2/sign_in?rd=" in refused.headers["Location"]
            signed = {**spoof, "Cookie": SIGNED_IN_COOKIE}
            seen = requests.get(base + "/hoitoonpaasy", headers=signed, timeout=TIMEOUT).json()
            assert seen["x-forwarded-email"] == USER
            assert seen["x-forwarded-groups"] == "tk-readers,all-staff"
            assert "x-auth-request-email" not in seen  # blanked: nginx does not send it
            # The probes: open, and without any identity.
            probe = requests.get(base + "/healthz", headers=spoof, timeout=TIMEOUT).json()
            assert "x-forwarded-email" not in probe and "x-forwarded-groups" not in probe


@pytest.mark.server
def test_ac031_app_behind_the_nginx_example(request, tmp_path):
    """The whole chain: nginx (the example), the stand-in oauth2-proxy, and the app with
    access control on: signed in, the pages and data; not signed in, the sign-in."""
    with stand_in() as port:
        env = auth_env(
            request,
            TK_GROUP_HEADER="X-Forwarded-Groups",
            TK_EDITOR_GROUPS="tk-editors",
            TK_PROXY_FIX="1",
            TK_APP_DB_URL=f"sqlite:///{tmp_path}/app.db",
        )
        with gunicorn_server("app:server", env) as app_base:
            listen = free_port()
            app_port = int(app_base.rsplit(":", 1)[1])
            (tmp_path / "nginx").mkdir()
            with nginx(tmp_path / "nginx", site_for_test(listen, port, app_port)):
                base = f"http://127.0.0.1:{listen}"
                wait_until_ready(base + "/healthz")
                cookie = {"Cookie": SIGNED_IN_COOKIE}
                page = requests.get(base + "/hoitoonpaasy", headers=cookie, timeout=TIMEOUT)
                assert page.status_code == 200 and "_dash-component-suites" in page.text
                csv_file = requests.get(
                    f"{base}/api/charts/{CHART}/data.csv?{PERIOD}", headers=cookie, timeout=TIMEOUT
                )
                assert CSV_VALUE in csv_file.content.decode("utf-8-sig")
                for path in ("/hoitoonpaasy", f"/api/charts/{CHART}/data.csv?{PERIOD}"):
                    away = requests.get(base + path, allow_redirects=False, timeout=TIMEOUT)
                    assert away.status_code == 302, path
                    assert "/oauth2/sign_in?rd=" in away.headers["Location"], path
                assert requests.get(base + "/readyz", timeout=TIMEOUT).status_code == 200
