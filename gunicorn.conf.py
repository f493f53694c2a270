"""gunicorn's settings for `make serve` and the image: ``gunicorn -c gunicorn.conf.py app:server``.

Threaded workers (``gthread``): ``TK_WEB_WORKERS`` processes of ``TK_WEB_THREADS``
threads each, listening on ``TK_HOST:TK_PORT``. A thread waiting on the database,
Redis or the network lets another request of the same process run; CPU-bound work
(building figures) runs in parallel only across processes, so the default is one
process per core of a 2-core machine, 4 threads each. Everything a request thread
touches in a process is safe to share: SQLAlchemy engines and their connection pools,
the Redis client's connection pool, the chart renderer (behind a lock), and the
process-wide registries of engines (created under a lock).

A command-line option still wins over this file (e.g. ``--workers 1``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # settings.py beside this file

from settings import get_settings  # noqa: E402

_settings = get_settings()

bind = f"{_settings.host}:{_settings.port}"
worker_class = "gthread"
workers = _settings.web_workers
threads = _settings.web_threads
# A cold chart on a slow database may take the statement limit (TK_QUERY_TIMEOUT_MS)
# several times over; PowerPoint exports do not run in the web worker.
timeout = 120
graceful_timeout = 30
# Keep-alive between a load balancer and the workers: a little longer than a browser
# page's burst of callbacks.
keepalive = 5
# No access log: its lines carry the client's address and user agent (personal data).
# The app logs each request without them (request_log.py).
accesslog = None
# gunicorn's control socket (for gunicornc) is one path per user: a second server on
# the same machine would take it over. Nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """Keep client addresses and request data out of gunicorn's own error log (a
    malformed request is logged with its sender's address and request line;
    ``request_log.PersonalDataFilter``), and say at start when the shared cache is
    configured but does not answer: the app still serves (every query then goes to the
    database), only slower."""
    import logging

    from request_log import PersonalDataFilter

    logging.getLogger("gunicorn.error").addFilter(PersonalDataFilter())
    if _settings.cache_type != "RedisCache":
        return
    import redis

    try:
        redis.Redis.from_url(_settings.cache_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        server.log.warning("Redis at TK_CACHE_URL does not answer (%s): serving uncached", exc)
