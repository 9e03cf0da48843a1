"""What the benchmarks that serve the app share: a free port, waiting until a server answers, its log's
last lines, and stopping its whole process group."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def wait_until_serving(name: str, process: subprocess.Popen, port: int, log: Path, timeout: float = 60) -> None:
    """Until `/` on the port answers anything; SystemExit (with the log's end) if the process stops first or
    nothing answers within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped at start-up (exit {process.returncode}):\n{tail(log)}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # an answer, whatever it is
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{name} did not answer on port {port} within {timeout:.0f} s:\n{tail(log)}")


def signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(process.pid, number)
    except ProcessLookupError:
        pass


def stop_group(process: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM to the process's group (gunicorn's workers too), SIGKILL to what is left after `grace` s."""
    signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    signal_group(process, signal.SIGKILL)
    process.wait()
