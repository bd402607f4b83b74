# monitor in a container: the SQLite database lives on the /data volume (or set
# MONITOR_DATABASE_URL to PostgreSQL); secrets come from the environment.
#   docker build -t monitor .
#   docker run -d -v monitor-data:/data -e SLACK_WEBHOOK_URL=... -p 127.0.0.1:9108:9108 monitor
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    MONITOR_CONFIG=/app/config.yaml MONITOR_DATABASE_URL=sqlite:////data/monitor.db

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY monitor ./monitor
COPY config.yaml ./config.yaml
RUN pip install --no-cache-dir -e . \
    && useradd --system --uid 10001 --home /data --create-home monitor

USER monitor
VOLUME ["/data"]
EXPOSE 9108
STOPSIGNAL SIGTERM
CMD ["monitor", "run"]
