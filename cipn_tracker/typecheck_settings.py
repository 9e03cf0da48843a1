"""The settings mypy's Django plugin loads: the real ones, read as a management command reads them.

Type checking signs nothing, so like `manage.py check` it needs no DJANGO_SECRET_KEY (a random,
unstored key is used); a plain `mypy` on a fresh clone then works.
"""

import os

os.environ.setdefault("CIPN_MANAGEMENT_COMMAND", "true")

from cipn_tracker.settings import *  # noqa: E402, F403
