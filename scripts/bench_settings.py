"""Settings of the gunicorn the page benchmark starts (scripts/bench_pages.py): production's, plus the floor's URL.

Never used in production: the floor view exists only while `make bench SECTIONS=pages` runs.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
