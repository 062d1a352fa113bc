"""`manage.py check` refuses a TWO_FACTOR_REQUIRED_ROLES that names no role: a typo must not quietly leave
heads with a password alone (issue 11 §2)."""

from django.conf import settings
from django.core.checks import Error, register

from .services import ROLE_CHOICES


@register()
def required_roles_are_known(app_configs, **kwargs):
    unknown = sorted(set(settings.TWO_FACTOR_REQUIRED_ROLES) - set(ROLE_CHOICES))
    if not unknown:
        return []
    return [
        Error(
            f"TWO_FACTOR_REQUIRED_ROLES names unknown roles {unknown}.",
            hint=f"Use some of {', '.join(ROLE_CHOICES)}.",
            id="accounts.E201",
        )
    ]
