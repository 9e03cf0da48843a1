"""gunicorn in production: `gunicorn -c cipn_tracker/gunicorn.conf.py cipn_tracker.wsgi`.

Threaded workers (gthread): a request spends much of its time waiting for PostgreSQL, and
threads of one process wait together, while each process uses one core for Python. One
process per core with four threads each: `bench/load.py` measured this against more
processes on this kind of machine (see README, "Production"). Each thread holds its own
database connection (CONN_MAX_AGE), so a machine opens WEB_CONCURRENCY x 4 of them.

Variables: WEB_CONCURRENCY (processes; default one per core), GUNICORN_THREADS (4),
GUNICORN_BIND (127.0.0.1:8000: only the proxy in front should reach it).
"""

import os
import sys
from pathlib import Path

# gunicorn reads this file before it changes directory (--chdir): the project is found from here.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cipn_tracker.env import env_int, env_str  # noqa: E402

workers = env_int("WEB_CONCURRENCY", os.cpu_count() or 1, minimum=1, maximum=256)
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 4, minimum=1, maximum=64)
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
# Longer than the proxy's idle keep-alive would cut a connection in use; short enough to free threads.
keepalive = 5
# A request that takes longer than this is a bug or a stuck database: the worker is restarted.
timeout = 30
graceful_timeout = 30
# Restart each process now and then (at a random point, so never all together): memory stays flat.
max_requests = 2000
max_requests_jitter = 200
# Access lines: method, path without its query string, status, time taken. No query strings (a
# search can hold a name), no referrer, no user agent.
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(M)sms'
