"""Creating and revoking personal access tokens (issue 13 §2); each recorded in the audit log."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record

from .models import ApiToken

TOKEN_PREFIX = "d73"  # noqa: S105 (the public start of every token, not a secret)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, owner, by, name: str, scope: str, expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token of `owner` and its secret, which nobody can read again: shown once, only its hash is kept.

    `by` is the owner, an administrator, or None for the operator's command line (`manage.py api_token`)."""
    if by is not None and by != owner and not by.is_superuser:
        raise PermissionDenied
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Ngày hết hạn phải sau hôm nay.")})
    if ApiToken.objects.filter(owner=owner, name=name, revoked_at__isnull=True).exists():
        raise ValidationError({"name": _("Đã có khóa truy cập cùng tên.")})
    visible = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{visible}_{secrets.token_urlsafe(32)}"
    token = ApiToken(owner=owner, name=name, scope=scope, prefix=f"{TOKEN_PREFIX}_{visible}",
                     digest=token_digest(secret), expires_at=expires_at)
    token.full_clean()
    try:
        with transaction.atomic():
            token.save()
    except IntegrityError:  # the same name created at the same moment
        raise ValidationError({"name": _("Đã có khóa truy cập cùng tên.")}) from None
    audit_record(action="api_token_create", obj=token, actor=by,
                 payload={"name": name, "scope": scope, "owner": owner.pk, "prefix": token.prefix})
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Refused from the next request on (the authentication reads the row every time). Revoking twice is a no-op."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.owner_id != by.pk and not by.is_superuser:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="api_token_revoke", obj=token, actor=by, payload={"name": token.name, "prefix": token.prefix})
    return token


# A token's last use is written at most this often: not one UPDATE per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def token_authenticate(secret: str) -> ApiToken | None:
    """The usable token whose secret this is, with its owner; None for an unknown, revoked or expired one."""
    token = ApiToken.objects.usable().select_related("owner").filter(digest=token_digest(secret)).first()
    if token is None or not token.owner.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
