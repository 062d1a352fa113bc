"""Versions of the legal profile (bộ quy định áp dụng): spec README §7, decree73.md §8.

A version is never edited: a change creates the next version, and every proposal keeps the version it
was submitted under (`Proposal.profile`), so a later change of rules never re-decides an old proposal.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.audit import audit_record

from .models import LegalProfile

# The settings a new version may change; identity and provenance are set here, never copied or typed.
SETTINGS_FIELDS = tuple(
    f.name for f in LegalProfile._meta.concrete_fields
    if f.editable and f.name not in {"id", "code", "version", "created_at", "created_by"}
)


@transaction.atomic
def legal_profile_new_version(*, base: LegalProfile, by, changes: dict) -> LegalProfile:
    """Create version N+1 of `base.code`: `base`'s settings with `changes` applied. `base` is left as it is.

    `base` must be the newest version of its code: otherwise two administrators editing at once would
    each create a version and the second would silently drop the first one's changes.
    """
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(_("Không thể thay đổi: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="unknown_field")
    # Lock the versions of this code: concurrent saves are numbered one after the other.
    list(LegalProfile.objects.select_for_update().filter(code=base.code).values_list("pk", flat=True))
    latest = LegalProfile.objects.filter(code=base.code).aggregate(latest=Max("version"))["latest"]
    if base.version != latest:
        raise ValidationError(
            _("Đã có phiên bản mới hơn (phiên bản %(latest)s). Hãy tạo phiên bản mới từ phiên bản đó.") % {"latest": latest},
            code="stale",
        )
    fresh = LegalProfile.objects.get(pk=base.pk)
    values = {name: getattr(fresh, name) for name in SETTINGS_FIELDS}
    changed = {name: value for name, value in changes.items() if values[name] != value}
    if not changed:
        raise ValidationError(_("Không có thay đổi nào so với phiên bản %(version)s.") % {"version": fresh.version}, code="unchanged")
    values.update(changed)
    profile = LegalProfile(code=fresh.code, version=latest + 1, created_by=by, **values)
    profile.full_clean()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise ValidationError(_("Phiên bản này vừa được tạo bởi người khác; hãy tải lại trang."), code="duplicate") from None
    audit_record(
        action="legal_profile_new_version", obj=profile, actor=by, role="admin",
        payload={"code": profile.code, "version": profile.version, "base": fresh.version,
                 "changes": {name: [getattr(fresh, name), value] for name, value in changed.items()}},
    )
    return profile
