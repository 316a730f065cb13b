# syntax=docker/dockerfile:1
# One image for web (gunicorn), the Celery worker and Celery beat; see docker-compose.yml.

# --- npm packages: NAV's design system CSS and htmx, served as static files ----------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- the application ---------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Native libraries for WeasyPrint (PDF documents, kvp/pdf.py: Pango, HarfBuzz subsetting). The
# documents embed Source Sans 3 from node_modules (@fontsource); DejaVu is the fallback font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-dejavu-core \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 kvp \
    && useradd --system --uid 10001 --gid kvp --home-dir /app --no-create-home kvp \
    && mkdir -p /var/lib/kvp \
    && chown kvp:kvp /var/lib/kvp

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --from=assets /build/node_modules ./node_modules
COPY . .

# Static files are collected at build time, so the image is complete and read-only at run
# time. Settings insist on these variables; the values below exist for this step only.
RUN DJANGO_SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgres://unused@localhost/unused \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput

# Numeric, so that Kubernetes can verify runAsNonRoot (deploy/kubernetes/).
USER 10001:10001
ENV CELERY_BEAT_SCHEDULE_FILENAME=/var/lib/kvp/celerybeat-schedule \
    WEB_CONCURRENCY=3
EXPOSE 8000
# gunicorn reads WEB_CONCURRENCY (workers) and GUNICORN_CMD_ARGS from the environment.
# No gunicorn access log: the app writes one JSON line per request, with its request id
# (kvp/requestid.py, KVP_ACCESS_LOG).
CMD ["gunicorn", "kvp.wsgi", "--bind", "0.0.0.0:8000"]
