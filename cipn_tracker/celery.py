"""The Celery application, configured from Django's settings (CELERY_*)."""

import logging
import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cipn_tracker.settings")

app = Celery("cipn_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def ensure_broker_folders() -> None:
    """The embedded file-system broker needs its folders before first use."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_broker(sender, **kwargs) -> None:
    ensure_broker_folders()


@app.task(name="cipn_tracker.celery.heartbeat")
def heartbeat() -> str:
    """Proves the worker and beat are alive; scheduled every minute by beat."""
    logger.info("heartbeat: worker is processing scheduled tasks")
    return "ok"
