"""The overdue steps as a Prometheus gauge (issue 14 §5), registered with core.observability.metrics in
RemindersConfig.ready(). The count is cached for OVERDUE_CACHE_SECONDS in the shared cache: however many nodes and
scrapes there are, the database answers it about once a minute."""

from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from core.observability.metrics import NAMESPACE

from .selectors import overdue_step_counts

OVERDUE_CACHE_KEY = "metrics:overdue-steps"
OVERDUE_CACHE_SECONDS = 60


def collect_overdue_steps() -> Iterable[Metric]:
    counts = cache.get_or_set(
        OVERDUE_CACHE_KEY, lambda: overdue_step_counts(today=timezone.localdate()), OVERDUE_CACHE_SECONDS
    )
    family = GaugeMetricFamily(
        f"{NAMESPACE}_overdue_steps", "Open deadline steps past their due date, by kind (cached for a minute).",
        labels=["kind"],
    )
    for kind, count in sorted(counts.items()):
        family.add_metric([kind], count)
    yield family
