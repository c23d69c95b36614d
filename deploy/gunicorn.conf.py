"""gunicorn for the production profile: sync workers on loopback, behind nginx.

nginx buffers slow clients, so sync workers only ever talk to a fast local peer.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Two workers per core keeps both cores busy while one worker waits on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# Above PostgreSQL's statement_timeout (10 s), so a slow query ends as a 503, not a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so no slow leak grows without bound. Every worker's memory
# is bounded (newsportal/caching/memory.py), and a recycled worker starts with none of it:
# at a spike's 500 requests a second per worker, 5,000 recycled each one every ten seconds
# to re-read what it had kept. Overridable for a deployment that wants it sooner.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
# Import the project once in the master: faster starts, shared memory pages.
preload_app = True
# Only our own nginx on this machine may speak for the client (X-Forwarded-*).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}i)s'
limit_request_line = 8190
limit_request_fields = 100
