"""Settings: one frozen object built from ``TK_*`` environment variables.

Every setting has a default that serves the local demo, so ``make run`` needs no
configuration. ``SETTINGS_DOC`` is the single source of the README's settings table;
``tests/test_settings.py`` fails when a setting is missing from the README.
Secrets (database passwords) only ever arrive through the environment.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from translations import SUPPORTED_LANGUAGES

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_DUCKDB_PATH = PROJECT_ROOT / "data" / "reporting.duckdb"

# name -> (default, description). The default is the string an operator would type.
SETTINGS_DOC: dict[str, tuple[str, str]] = {
    "TK_REPORTING_DB_URL": (
        "duckdb:///data/reporting.duckdb",
        "SQLAlchemy URL of the reporting database (read-only for the app). "
        "A relative DuckDB path is resolved against the project folder.",
    ),
    "TK_IMPORT_DB_URL": (
        "",
        "SQLAlchemy URL through which imports of reported figures (`python -m reporting "
        "import-figures`, `import-sotkanet`, the upload page) write `indicator_values`: a "
        "role that may write where the app only reads. Empty: `TK_REPORTING_DB_URL` "
        "(docs/imported-figures.md).",
    ),
    "TK_SECRET_KEY": (
        "",
        "The server's secret (a long random string, the same in every worker and host "
        "behind one address): it signs what the server must recognise as its own when the "
        "browser sends it back (the upload page's preview token). Empty: a random key made "
        "once and kept in `data/.secret-key` (shared by the workers of one machine). Set it "
        "when several hosts serve the app; keep it out of the image and the repository.",
    ),
    "TK_CACHE_TYPE": (
        "SimpleCache",
        "flask-caching backend: `SimpleCache` (one process), `RedisCache` (shared by all "
        "workers; use it in production) or `NullCache` (no caching).",
    ),
    "TK_CACHE_URL": ("redis://127.0.0.1:6379/0", "Redis URL when `TK_CACHE_TYPE=RedisCache`."),
    "TK_CACHE_TIMEOUT": ("900", "Seconds a cached query result or chart stays valid."),
    "TK_CACHE_LOCK_WAIT": (
        "25",
        "Seconds a request waits for another worker's computation of the same cached "
        'result (one computation per cache key) before it shows the "database not '
        'available right now" notice. Keep it above `TK_CACHE_LOCK_TIMEOUT` and below '
        "gunicorn's `--timeout`.",
    ),
    "TK_CACHE_LOCK_TIMEOUT": (
        "20",
        "Seconds after which the lock of one computation expires in Redis, so that a "
        "worker that died while computing does not block the key: the next waiter takes "
        "over. Keep it above one query's time limit (`TK_QUERY_TIMEOUT_MS`).",
    ),
    "TK_DATA_VERSION_TTL": (
        "30",
        "Seconds each process remembers the reporting data's version "
        "(`reporting_meta.data_version`, part of every cache key): a new load is "
        "served within this time; a replaced DuckDB file (an import of figures, a "
        "rebuilt file) at the next request.",
    ),
    "TK_STALE_TIMEOUT": (
        "604800",
        "Seconds the last good result of every view is kept (default a week). When the "
        "reporting database fails or times out, a view is served from it, with the time "
        'it was fetched ("tiedot haettu klo …"), instead of an error '
        "(docs/operations.md).",
    ),
    "TK_RETRY_SECONDS": (
        "20",
        "Seconds after which a chart card that shows a last good result or a database "
        "notice asks again by itself; also how long the app stops asking a reporting "
        "database that has just failed several times in a row.",
    ),
    "TK_WARM_AT_START": (
        "0",
        "`1` fills the cache for every page's default view in a background thread when "
        "the app starts (as `python -m warm` does); serving does not wait for it.",
    ),
    "TK_HOST": ("127.0.0.1", "Address the server listens on (`make run`, `make serve`)."),
    "TK_PORT": ("8050", "Port the server listens on (`make run`, `make serve`)."),
    "TK_MIN_CELL_COUNT": (
        "5",
        "m of the disclosure control (docs/privacy.md): every count of people, small ones "
        "included, is published randomly rounded to a multiple of m (fixed random rounding "
        "with cell keys; a 0 means fewer than m), shares resting on a published 0 and "
        "medians and 90th percentiles resting on a published 0 or m are withheld.",
    ),
    "TK_LANGUAGE": (
        "fi",
        "Default user-interface language (`fi`, `sv` or `en`); pages ask for another "
        "with `?lang=`.",
    ),
    "TK_QUERY_TIMEOUT_MS": ("15000", "Statement time limit for reporting queries (PostgreSQL)."),
    "TK_QUERY_ROW_CAP": ("5000", "Largest number of aggregate rows one chart query may return."),
    "TK_DEBUG": ("0", "`1` turns on Dash dev tools. Never in production."),
    "TK_FRAME_ANCESTORS": (
        "'self'",
        "Who may show the dashboard in an `<iframe>`: space-separated origins for the CSP "
        "`frame-ancestors` header, e.g. `'self' https://intranet.example.fi`.",
    ),
    "TK_URL_PREFIX": (
        "/",
        "Path prefix when served behind a reverse proxy under a sub-path, e.g. `/tk/`. "
        "Pages, assets, callbacks, exports and the API all live under it.",
    ),
    "TK_PROXY_FIX": (
        "0",
        "`1` trusts one proxy's `X-Forwarded-For/-Proto/-Host/-Prefix` headers, so links "
        "in exports point at the public address.",
    ),
    "TK_BACKGROUND_DIR": (
        "data/background",
        "Folder of the diskcache through which background callbacks (PowerPoint exports) "
        "pass progress and results; all workers on a host must share it. A relative path "
        "is resolved against the project folder.",
    ),
    "TK_CELERY_BROKER_URL": (
        "",
        "Redis URL through which background callbacks (PowerPoint exports) go to Celery "
        "workers (`celery -A celery_worker worker`), e.g. `redis://redis:6379/1`; it is "
        "the broker and the result store. Empty: exports run in a process forked on the "
        "web host, through `TK_BACKGROUND_DIR`.",
    ),
    "TK_WEB_WORKERS": ("2", "gunicorn worker processes of `make serve` and the image."),
    "TK_WEB_THREADS": (
        "4",
        "Threads per gunicorn worker (`gthread`): requests one worker serves at once.",
    ),
    "TK_APP_DB_URL": (
        "sqlite:///data/app.db",
        "SQLAlchemy URL of the app's own database (meeting series, meetings, agenda, "
        "decisions, actions, information needs and their history), separate from the "
        "read-only reporting database: a SQLite file (created on first start; a relative "
        "path is resolved against the project folder) or PostgreSQL, e.g. "
        "`postgresql+psycopg://tk@db/tk_app`. Alembic migrations run at start.",
    ),
    "TK_IDENTITY_HEADER": (
        "",
        "Request header in which a trusted reverse proxy (SSO) passes the signed-in "
        "user's name, e.g. `X-Forwarded-Email` (oauth2-proxy). Empty: no identity from "
        "headers. Without an identity the meeting pages are read-only "
        "(docs/access-control.md).",
    ),
    "TK_TRUSTED_PROXIES": (
        "127.0.0.1 ::1",
        "Space-separated addresses or networks (CIDR) of the proxies allowed to set "
        "`TK_IDENTITY_HEADER` and `TK_GROUP_HEADER`; the headers from any other peer are "
        "ignored.",
    ),
    "TK_AUTH_REQUIRED": (
        "0",
        "`1`: every request (pages, callbacks, assets, the API, exports, embeds) needs the "
        "identity header from a trusted proxy, else it is answered 401; only `healthz` and "
        "`readyz` stay open. Needs `TK_IDENTITY_HEADER`; not allowed with `TK_DEMO_USER` "
        "(docs/access-control.md).",
    ),
    "TK_GROUP_HEADER": (
        "",
        "Request header in which the trusted proxy passes the signed-in user's groups, "
        "comma-separated, e.g. `X-Forwarded-Groups` (oauth2-proxy). Set: only members of "
        "`TK_EDITOR_GROUPS` may write meeting data, other users read. Empty: every "
        "identified user may write.",
    ),
    "TK_EDITOR_GROUPS": (
        "",
        "Space-separated group names (as the group header passes them, case-sensitive) "
        "whose members may write meeting data. Needs `TK_GROUP_HEADER`.",
    ),
    "TK_DEMO_USER": (
        "",
        "A fixed user name for the local demo (`make run` sets `demo`): everyone who "
        "opens the app may write as this user. Never in production.",
    ),
    "TK_ACCESSIBILITY_FEEDBACK": (
        "",
        "Where users send accessibility feedback (law 306/2019 requires a channel): an "
        "email address (shown as a `mailto:` link) or an `https://` address of a feedback "
        "form. Shown on the accessibility statement `/saavutettavuus` (docs/accessibility.md). "
        "Empty: the statement says that no channel has been set; set it in production.",
    ),
    "TK_ACCESSIBILITY_ORGANISATION": (
        "",
        "Name of the organisation that provides the service, as the accessibility statement "
        "names it, e.g. `Esimerkkilän hyvinvointialue`. Empty: the statement speaks of "
        '"the wellbeing services county that has taken the service into use".',
    ),
    "TK_ACCESSIBILITY_PREPARED": (
        "2026-11-30",
        "Date (`YYYY-MM-DD`) on which the accessibility statement was prepared.",
    ),
    "TK_ACCESSIBILITY_UPDATED": (
        "",
        "Date (`YYYY-MM-DD`) on which the accessibility statement was last reviewed or "
        "updated (at least once a year). Empty: not updated since it was prepared.",
    ),
}


def _env(name: str) -> str:
    return os.environ.get(name, SETTINGS_DOC[name][0])


def _whole(name: str) -> int:
    """A whole-number setting. Raises ``ValueError`` naming it for anything else."""
    value = _env(name).strip()
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value[:20]!r}") from None


def _number(name: str) -> float:
    """A number setting (seconds and the like). Raises ``ValueError`` naming it for
    anything else, "nan" and "inf" included."""
    value = _env(name).strip()
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a number, not {value[:20]!r}")
    return number


def _flag(name: str) -> bool:
    """A ``0``/``1`` setting. Raises ``ValueError`` naming it for anything else: a
    switch such as ``TK_AUTH_REQUIRED`` must not be left off by a typo (``true``)."""
    value = _env(name).strip()
    if value not in ("0", "1"):
        raise ValueError(f"{name} must be 0 or 1, not {value[:20]!r}")
    return value == "1"


def _resolve_db_url(url: str) -> str:
    """Make a relative ``duckdb:///path`` absolute so it works from any working dir."""
    prefix = "duckdb:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(PROJECT_ROOT / url[len(prefix) :])
    return url


def _resolve_sqlite_url(url: str) -> str:
    """Make a relative ``sqlite:///path`` absolute so it works from any working dir."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(PROJECT_ROOT / url[len(prefix) :])
    return url


# An email address as a feedback channel: one "@", no spaces or characters that would
# break a mailto: link, a dot in the domain. Deliberately simple (no quoted local parts).
_EMAIL_PART = r"[^@\s<>\"'(),;:?&=/\\]+"
_EMAIL = re.compile(_EMAIL_PART + "@" + _EMAIL_PART + r"\." + _EMAIL_PART)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def feedback_kind(value: str) -> str:
    """What an accessibility feedback channel is: ``"email"`` (an email address),
    ``"url"`` (an ``https://`` address with a host) or ``""`` (empty: none set).
    Raises ``ValueError`` naming ``TK_ACCESSIBILITY_FEEDBACK`` for anything else."""
    if not value:
        return ""
    if _EMAIL.fullmatch(value):
        return "email"
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname and not any(ch.isspace() for ch in value):
        return "url"
    raise ValueError(
        "TK_ACCESSIBILITY_FEEDBACK must be an email address (e.g. saavutettavuus@example.fi) "
        "or an https:// address of a feedback form, not " + repr(value[:80])
    )


def _statement_date(name: str, value: str) -> date | None:
    """The date ``value`` (``YYYY-MM-DD``) of setting ``name``; ``None`` when empty.
    Raises ``ValueError`` naming the setting for anything else."""
    if not value:
        return None
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(f"{name} must be a date YYYY-MM-DD, not {value[:40]!r}")


def _normalise_prefix(prefix: str) -> str:
    """``tk`` or ``/tk`` -> ``/tk/``; empty -> ``/``."""
    parts = [part for part in prefix.split("/") if part]
    return "/" + "/".join(parts) + "/" if parts else "/"


@dataclass(frozen=True)
class Settings:
    """The effective configuration of one process."""

    reporting_db_url: str
    cache_type: str
    cache_url: str
    cache_timeout: int
    host: str
    port: int
    min_cell_count: int
    language: str
    query_timeout_ms: int
    query_row_cap: int
    debug: bool
    frame_ancestors: str
    url_prefix: str
    proxy_fix: bool
    background_dir: str = str(PROJECT_ROOT / "data" / "background")
    app_db_url: str = _resolve_sqlite_url(SETTINGS_DOC["TK_APP_DB_URL"][0])
    identity_header: str = ""
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    demo_user: str = ""
    auth_required: bool = False
    group_header: str = ""
    editor_groups: tuple[str, ...] = ()
    celery_broker_url: str = ""
    web_workers: int = 2
    web_threads: int = 4
    cache_lock_wait: float = 25.0
    cache_lock_timeout: float = 20.0
    data_version_ttl: float = 30.0
    stale_timeout: int = 604800
    retry_seconds: float = 20.0
    warm_at_start: bool = False
    accessibility_feedback: str = ""
    accessibility_organisation: str = ""
    accessibility_prepared: str = SETTINGS_DOC["TK_ACCESSIBILITY_PREPARED"][0]
    accessibility_updated: str = ""
    import_db_url: str = ""
    secret_key: str = field(default="", repr=False)  # never in a log line or traceback

    def __post_init__(self) -> None:
        # A minimum of 0 or 1 would switch small-count suppression off without a word.
        if self.min_cell_count < 2:
            raise ValueError("TK_MIN_CELL_COUNT must be at least 2 (default 5)")
        # Dash's Celery manager reads results and progress with the result store's
        # get/set/delete, which Celery's Redis backend has and an AMQP one has not.
        if self.celery_broker_url and not self.celery_broker_url.startswith(
            ("redis://", "rediss://")
        ):
            raise ValueError("TK_CELERY_BROKER_URL must be a redis:// or rediss:// URL")
        if self.language not in SUPPORTED_LANGUAGES:
            raise ValueError(
                "TK_LANGUAGE must be one of " + ", ".join(SUPPORTED_LANGUAGES) + " (default fi)"
            )
        if self.web_workers < 1 or self.web_threads < 1:
            raise ValueError("TK_WEB_WORKERS and TK_WEB_THREADS must be at least 1")
        # A lock without expiry (redis-py takes 0 as "none") would let a dead worker
        # block its key for good; a wait of 0 or less fails every waiter at once.
        if not (math.isfinite(self.cache_lock_wait) and self.cache_lock_wait > 0):
            raise ValueError("TK_CACHE_LOCK_WAIT must be a number of seconds above 0")
        if not (math.isfinite(self.cache_lock_timeout) and self.cache_lock_timeout >= 1):
            raise ValueError("TK_CACHE_LOCK_TIMEOUT must be a number of seconds, at least 1")
        if not (math.isfinite(self.data_version_ttl) and self.data_version_ttl >= 0):
            raise ValueError("TK_DATA_VERSION_TTL must be a number of seconds, 0 or more")
        # Last good copies must outlive the normal entries, or an outage would find none.
        if self.stale_timeout < self.cache_timeout:
            raise ValueError("TK_STALE_TIMEOUT must be at least TK_CACHE_TIMEOUT (seconds)")
        if not (math.isfinite(self.retry_seconds) and self.retry_seconds >= 1):
            raise ValueError("TK_RETRY_SECONDS must be a number of seconds, at least 1")
        # The accessibility statement shows these to every user: a bad value would be a
        # broken feedback link or date on a page the law requires.
        feedback_kind(self.accessibility_feedback)
        if _statement_date("TK_ACCESSIBILITY_PREPARED", self.accessibility_prepared) is None:
            raise ValueError("TK_ACCESSIBILITY_PREPARED must be a date YYYY-MM-DD, not empty")
        _statement_date("TK_ACCESSIBILITY_UPDATED", self.accessibility_updated)
        self._check_access()

    def _check_access(self) -> None:
        """Settings of sign-in and access control that would not do what they say."""
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                # Ignored at request time, it would leave the proxy untrusted unnoticed.
                raise ValueError(
                    "TK_TRUSTED_PROXIES must list IP addresses or CIDR networks, not "
                    + repr(entry[:60])
                ) from None
        if self.group_header and not self.identity_header:
            raise ValueError("TK_GROUP_HEADER needs TK_IDENTITY_HEADER (whose groups they are)")
        # Without a group header every identified user writes: listed editor groups
        # would be ignored, granting more than the operator meant.
        if self.editor_groups and not self.group_header:
            raise ValueError(
                "TK_EDITOR_GROUPS needs TK_GROUP_HEADER, the header in which the proxy "
                "passes the user's groups; without it every identified user may write"
            )
        if not self.auth_required:
            return
        if not self.identity_header:
            raise ValueError(
                "TK_AUTH_REQUIRED=1 needs TK_IDENTITY_HEADER: the header in which the "
                "sign-in proxy passes the user's name (e.g. X-Forwarded-Email)"
            )
        if self.demo_user:
            raise ValueError(
                "TK_AUTH_REQUIRED=1 cannot be used with TK_DEMO_USER: the demo user would "
                "let everyone write without signing in; unset TK_DEMO_USER"
            )
        if not self.trusted_proxies:
            raise ValueError(
                "TK_AUTH_REQUIRED=1 needs TK_TRUSTED_PROXIES: the addresses of the proxies "
                "that set TK_IDENTITY_HEADER (otherwise every request is refused)"
            )

    def differences(self, other: Settings) -> list[str]:
        """The names of the fields whose values differ from ``other``'s, sorted."""
        return sorted(
            name
            for name in self.__dataclass_fields__
            if getattr(self, name) != getattr(other, name)
        )

    @property
    def accessibility_dates(self) -> tuple[date, date | None]:
        """The accessibility statement's dates: prepared, and last updated (``None``
        when not updated since)."""
        prepared = _statement_date("TK_ACCESSIBILITY_PREPARED", self.accessibility_prepared)
        updated = _statement_date("TK_ACCESSIBILITY_UPDATED", self.accessibility_updated)
        return prepared or date.min, updated  # prepared is never empty: __post_init__

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            reporting_db_url=_resolve_db_url(_env("TK_REPORTING_DB_URL")),
            cache_type=_env("TK_CACHE_TYPE"),
            cache_url=_env("TK_CACHE_URL"),
            cache_timeout=_whole("TK_CACHE_TIMEOUT"),
            host=_env("TK_HOST"),
            port=_whole("TK_PORT"),
            min_cell_count=_whole("TK_MIN_CELL_COUNT"),
            language=_env("TK_LANGUAGE"),
            query_timeout_ms=_whole("TK_QUERY_TIMEOUT_MS"),
            query_row_cap=_whole("TK_QUERY_ROW_CAP"),
            debug=_env("TK_DEBUG") == "1",
            frame_ancestors=" ".join(_env("TK_FRAME_ANCESTORS").split()),
            url_prefix=_normalise_prefix(_env("TK_URL_PREFIX")),
            proxy_fix=_env("TK_PROXY_FIX") == "1",
            background_dir=str(PROJECT_ROOT / _env("TK_BACKGROUND_DIR")),
            app_db_url=_resolve_sqlite_url(_env("TK_APP_DB_URL")),
            identity_header=_env("TK_IDENTITY_HEADER").strip(),
            trusted_proxies=tuple(_env("TK_TRUSTED_PROXIES").split()),
            demo_user=_env("TK_DEMO_USER").strip(),
            auth_required=_flag("TK_AUTH_REQUIRED"),
            group_header=_env("TK_GROUP_HEADER").strip(),
            editor_groups=tuple(_env("TK_EDITOR_GROUPS").split()),
            celery_broker_url=_env("TK_CELERY_BROKER_URL").strip(),
            web_workers=_whole("TK_WEB_WORKERS"),
            web_threads=_whole("TK_WEB_THREADS"),
            cache_lock_wait=_number("TK_CACHE_LOCK_WAIT"),
            cache_lock_timeout=_number("TK_CACHE_LOCK_TIMEOUT"),
            data_version_ttl=_number("TK_DATA_VERSION_TTL"),
            stale_timeout=_whole("TK_STALE_TIMEOUT"),
            retry_seconds=_number("TK_RETRY_SECONDS"),
            warm_at_start=_env("TK_WARM_AT_START") == "1",
            accessibility_feedback=_env("TK_ACCESSIBILITY_FEEDBACK").strip(),
            accessibility_organisation=" ".join(_env("TK_ACCESSIBILITY_ORGANISATION").split()),
            accessibility_prepared=_env("TK_ACCESSIBILITY_PREPARED").strip(),
            accessibility_updated=_env("TK_ACCESSIBILITY_UPDATED").strip(),
            import_db_url=_resolve_db_url(_env("TK_IMPORT_DB_URL").strip()),
            secret_key=_env("TK_SECRET_KEY").strip(),
        )


_current: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def configure(settings: Settings | None) -> None:
    """Replace the process-wide settings (the app factory and tests call this)."""
    global _current
    _current = settings
