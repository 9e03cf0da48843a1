"""A real Celery worker, on the configured broker (file system locally, Redis in CI), runs our tasks."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from cipn_tracker.celery import app, heartbeat

ROOT = Path(__file__).resolve().parent.parent


def test_a_real_worker_runs_the_heartbeat_task():
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cipn_tracker", "worker", "--pool=solo", "--loglevel=INFO",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        heartbeat.apply_async(queue=queue)
        deadline, seen = time.monotonic() + 60, []
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line and worker.poll() is not None:
                break
            seen.append(line)
            if "heartbeat: worker is processing" in line:
                break
        output = "".join(seen)
        assert "heartbeat: worker is processing" in output, output[-3000:]
        assert app.conf.broker_url.split("://")[0] in output  # the worker used the broker we configured
    finally:
        worker.terminate()
        worker.wait(timeout=30)
