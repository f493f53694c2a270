# Production image: gunicorn serving app:server as a non-root user (gunicorn.conf.py:
# TK_WEB_WORKERS processes of TK_WEB_THREADS threads). The same image runs the Celery
# worker for PowerPoint exports (compose.yaml). The reporting DB is external
# (TK_REPORTING_DB_URL); use Redis for the shared cache.
# The meeting data (TK_APP_DB_URL) must outlive the container: PostgreSQL, or a volume
# at /app/data for the default SQLite file.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TK_HOST=0.0.0.0 \
    TK_PORT=8050 \
    TK_CACHE_TYPE=RedisCache

# Debian's Chromium draws the chart images of PowerPoint exports (kaleido); nothing is
# downloaded at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*
ENV BROWSER_PATH=/usr/bin/chromium

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY app.py settings.py api.py api_language.py dash_requests.py http_errors.py http_delivery.py ./
COPY background_jobs.py celery_worker.py gunicorn.conf.py identity.py access_control.py http_security.py request_log.py ./
COPY response_cache.py fork_hooks.py figures_api.py server_secret.py ./
COPY dashboards/ dashboards/
COPY callbacks/ callbacks/
COPY charts/ charts/
COPY queries/ queries/
COPY reporting/ reporting/
COPY exports/ exports/
COPY meetings/ meetings/
COPY warm/ warm/
COPY translations/ translations/
COPY assets/ assets/
# Editable install: the code runs from /app, where Dash finds dashboards/ and assets/.
RUN pip install --no-cache-dir -c constraints.txt -e . \
    && useradd --create-home --uid 10001 dashboard \
    && mkdir -p /app/data && chown dashboard /app/data

USER dashboard
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8050/healthz').status == 200 else 1)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]
