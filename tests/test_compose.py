"""compose.yaml and the Dockerfile, read as data (Docker itself does not run here):
the services the deployment needs, wired to each other and to real settings, no
password written in, and every module of the app copied into the image."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
import yaml

from settings import SETTINGS_DOC, get_settings
from tests.servers import ROOT

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _url(value: str):
    """``value`` split as a URL, with Compose's ``${VAR:?message}`` put by a stand-in
    (its ``?`` would start a query string)."""
    return urlsplit(re.sub(r"\$\{[^}]*\}", "password", value))


@pytest.mark.unit
def test_k001_app_worker_redis_and_postgres():
    """Compose runs app, a worker on the app's image and settings, PostgreSQL and bounded Redis."""
    assert {"app", "worker", "redis", "postgres"} <= SERVICES.keys()
    # Redis is bounded and evicts only keys with an expiry (cache entries and last good
    # copies), never the Celery queues (docs/operations.md, "Memory").
    command = SERVICES["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "volatile-lru"
    assert command[command.index("--maxmemory") + 1] == "512mb"
    # The worker runs the app's own image with the app's settings.
    assert SERVICES["worker"]["image"] == SERVICES["app"]["image"]
    assert SERVICES["worker"]["environment"] == SERVICES["app"]["environment"]
    command = SERVICES["worker"]["command"]
    assert command[:4] == ["celery", "-A", "celery_worker", "worker"]
    assert (ROOT / "celery_worker.py").is_file()


@pytest.mark.unit
def test_k002_settings_are_real_and_point_at_the_services():
    """Compose settings are documented, point at their services and make valid settings."""
    env = SERVICES["app"]["environment"]
    assert set(env) <= set(SETTINGS_DOC), set(env) - set(SETTINGS_DOC)
    hosts = {
        name: _url(env[name]).hostname
        for name in ("TK_REPORTING_DB_URL", "TK_APP_DB_URL", "TK_CACHE_URL", "TK_CELERY_BROKER_URL")
    }
    assert hosts == {
        "TK_REPORTING_DB_URL": "postgres",
        "TK_APP_DB_URL": "postgres",
        "TK_CACHE_URL": "redis",
        "TK_CELERY_BROKER_URL": "redis",
    }
    # The cache and Celery in separate Redis databases: flushing one spares the other.
    assert _url(env["TK_CACHE_URL"]).path != _url(env["TK_CELERY_BROKER_URL"]).path
    # The values make valid settings (the URL checks, the worker counts).
    settings = replace(
        get_settings(),
        reporting_db_url=env["TK_REPORTING_DB_URL"],
        cache_type=env["TK_CACHE_TYPE"],
        cache_url=env["TK_CACHE_URL"],
        celery_broker_url=env["TK_CELERY_BROKER_URL"],
        web_workers=int(env["TK_WEB_WORKERS"]),
        web_threads=int(env["TK_WEB_THREADS"]),
    )
    assert settings.cache_type == "RedisCache"


@pytest.mark.unit
def test_k003_dependencies_volumes_and_mounts_exist():
    """Compose dependencies, volumes and mounts exist; the init script creates the app database."""
    for name, service in SERVICES.items():
        for needed in service.get("depends_on", {}):
            assert needed in SERVICES, (name, needed)
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), volume
            else:
                assert source in COMPOSE["volumes"], volume
    init = ROOT / "deploy" / "postgres" / "10-app-database.sql"
    app_db = _url(SERVICES["app"]["environment"]["TK_APP_DB_URL"]).path.strip("/")
    assert f"CREATE DATABASE {app_db};" in init.read_text(encoding="utf-8")
    reporting = _url(SERVICES["app"]["environment"]["TK_REPORTING_DB_URL"]).path.strip("/")
    assert SERVICES["postgres"]["environment"]["POSTGRES_DB"] == reporting


@pytest.mark.unit
def test_k004_no_password_is_written_in():
    """No password is written into the compose file; every one comes from the environment."""
    checked = 0
    for service in SERVICES.values():
        for value in dict(service.get("environment", {})).values():
            rest = str(value).split("://", 1)[-1]
            if "://" in str(value) and "@" in rest:
                userinfo = rest.rsplit("@", 1)[0]
                assert ":" in userinfo and userinfo.split(":", 1)[1].startswith("${"), value
                checked += 1
    assert checked == 2 * 3  # two database URLs in the app, worker and demo loader
    assert SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${")


@pytest.mark.unit
def test_k005_the_image_holds_every_module_and_serves_with_the_config():
    """The Docker image copies every module and package and serves with gunicorn's config."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    copied = " ".join(line for line in DOCKERFILE.splitlines() if line.startswith("COPY "))
    modules = project["tool"]["setuptools"]["py-modules"]
    # Every top-level module of the app is listed (a module left out would be missing
    # from the image and the installed package: app.py imports them all at start).
    top_level = {path.stem for path in ROOT.glob("*.py")} - {"gunicorn.conf"}
    assert top_level == set(modules)
    for module in modules:
        assert f"{module}.py" in copied.split(), module
    for package in project["tool"]["setuptools"]["packages"]["find"]["include"]:
        assert f"{package.rstrip('*')}/" in copied.split(), package
    assert "gunicorn.conf.py" in copied.split()
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]' in DOCKERFILE
