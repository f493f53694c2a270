"""Where background callbacks (PowerPoint exports) run: Celery workers or a local fork.

With ``TK_CELERY_BROKER_URL`` (a Redis URL) a job goes to Dash's ``CeleryManager``: the
web worker puts it on the Redis queue, any Celery worker on any host runs it
(``celery -A celery_worker worker``), and progress and the result come back through
the same Redis, so whichever web host the browser's next poll reaches can answer it.
Without it, Dash's ``DiskcacheManager`` forks the job from the web worker and passes
progress and the result through the folder ``TK_BACKGROUND_DIR``, which only the
web workers of that one host share.
"""

from __future__ import annotations

import diskcache
from celery import Celery
from dash import CeleryManager, DiskcacheManager

from settings import Settings

# A result nobody polls for (a closed tab) is removed from Redis after this many
# seconds; a deck is a few megabytes.
RESULT_EXPIRES_S = 3600


def celery_app(broker_url: str) -> Celery:
    """A Celery app with ``broker_url`` (Redis) as its broker and result store."""
    app = Celery("tietokeskustelut", broker=broker_url, backend=broker_url)
    app.conf.update(
        result_expires=RESULT_EXPIRES_S,
        broker_connection_retry_on_startup=True,
        # Queuing an export retries a broker that does not answer for about 2 s, not
        # Celery's default 3 tries with growing pauses (about 19 s of a hung request);
        # then http_errors answers 503 with a message.
        broker_connection_timeout=2,
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        # A worker process takes one export at a time (each drives a browser), so a
        # long deck does not hold queued ones that another process could start.
        worker_prefetch_multiplier=1,
    )
    return app


class SharedCeleryManager(CeleryManager):
    """Dash's ``CeleryManager`` whose handle-signing secret never expires.

    Dash signs the job handles it gives the browser with a secret that every web
    worker reads from the result store on its first background callback and then
    keeps. Dash stores it with the backend's ``set``, which gives the key Celery's
    ``result_expires``: a worker started after that would make a new secret and refuse
    the handles that the older workers signed (and they its). Here it is set once,
    atomically (``SET NX``), without expiry, and read back by everyone.
    """

    def get_or_create_signing_secret(self, generate):
        client = self.handle.backend.client  # redis.Redis of the result store
        client.set(self.SIGNING_SECRET_KEY, generate(), nx=True)
        return client.get(self.SIGNING_SECRET_KEY)


def background_manager(settings: Settings) -> CeleryManager | DiskcacheManager:
    """The background-callback manager for ``settings`` (module docstring)."""
    if settings.celery_broker_url:
        return SharedCeleryManager(celery_app(settings.celery_broker_url))
    return DiskcacheManager(diskcache.Cache(settings.background_dir))
