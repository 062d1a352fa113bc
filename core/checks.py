"""`manage.py check` (and `migrate`, which runs it) refuses a deployment that declares several web nodes but leaves
state on each (issue 14 §1): without Redis the cache is each process's own memory, so the API's rate limits and
the public pages' limits would count per node, and sessions would lose the shared cache in front of the database."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def several_nodes_share_redis(app_configs, **kwargs):
    if settings.DEBUG or settings.WEB_NODES <= 1 or settings.REDIS_URL:
        return []
    return [
        Error(
            f"WEB_NODES={settings.WEB_NODES} but REDIS_URL is not set: each node would keep its own cache, rate "
            "limits and session cache.",
            hint="Point every node at the same Redis (REDIS_URL), or set WEB_NODES=1 (deploy/multi-node.md).",
            id="core.E101",
        )
    ]
