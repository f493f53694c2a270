"""The Celery worker's entry point for background callbacks (PowerPoint exports).

    celery -A celery_worker worker --loglevel=INFO

Importing it builds the app exactly as the web workers do, so Dash registers each
background callback as a Celery task under the same name (a hash of the function and
its outputs); the worker then runs what the web workers put on the queue. It needs the
web hosts' environment (the same ``TK_CELERY_BROKER_URL``, reporting database, cache
and app database) and, for the chart images, Chromium.
"""

from __future__ import annotations

from dash import CeleryManager

import app as web  # not "app": Celery's -A would take that name for its own app

if not isinstance(web.app.jobs, CeleryManager):
    raise SystemExit(
        "TK_CELERY_BROKER_URL is not set: background callbacks run on the web host, "
        "there is nothing for a Celery worker to do."
    )

celery = web.app.jobs.handle
