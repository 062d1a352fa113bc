"""Versions of the legal profile (bộ quy định áp dụng): spec README §7, decree73.md §8.

A version is never edited: a change creates the next version, and every proposal keeps the version it
was submitted under (`Proposal.profile`), so a later change of rules never re-decides an old proposal.
Review D-10: every new version states its own legal basis, and one holding a value other than the decree's where the
decree fixes it [C] (tie rule, threshold, the head's override, the party committee's opinion) confirms it explicitly;
neither is inherited from the version before.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record

from .models import LegalProfile

# The settings a new version may change; identity and provenance are set here, never copied or typed.
SETTINGS_FIELDS = tuple(
    f.name for f in LegalProfile._meta.concrete_fields
    if f.editable and f.name not in {"id", "code", "version", "created_at", "created_by"}
)

# What a version records about itself, not a rule: stated anew on every version (D-10), never copied from the last.
PROVENANCE_FIELDS = ("legal_basis", "deviation_confirmed")

# D-10: the values Decree 73 fixes [C] and the decree's value of each.
DECREE_VALUES = {
    "tie_rule": LegalProfile.TieRule.HEAD_SIDE,  # Art. 8(1): on a tie, the side the head voted on
    "approval_threshold_percent": 50,  # Art. 8(1): more than 50 % in favour
    "override_allowed": True,  # Art. 8(1), second paragraph: the head may decide in writing
    "consultation_required": True,  # Art. 4(3): the party committee's opinion before approving
}
DEVIATION_LABEL = gettext_lazy("Khác với Nghị định 73")


def decree_deviations(values) -> list[str]:
    """The settings of `values` (a profile, or a dict of its settings) that differ from the decree's value."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return [name for name, decreed in DECREE_VALUES.items() if get(name) != decreed]


def version_errors(values: dict) -> dict[str, str]:
    """Why a new version with these settings cannot be created (D-10), keyed by field; empty when it can."""
    errors = {}
    if not str(values.get("legal_basis") or "").strip():
        errors["legal_basis"] = _("Cần ghi căn cứ pháp lý của phiên bản mới: văn bản, điều khoản làm căn cứ cho các "
                                  "giá trị của phiên bản này.")
    deviating = decree_deviations(values)
    if deviating and not values.get("deviation_confirmed"):
        labels = ", ".join(str(LegalProfile._meta.get_field(name).verbose_name) for name in deviating)
        errors["deviation_confirmed"] = _(
            "Phiên bản có giá trị khác với Nghị định 73/2023/NĐ-CP (%(fields)s): cần xác nhận áp dụng giá trị khác với "
            "Nghị định và ghi căn cứ."
        ) % {"fields": labels}
    return errors


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
    changed = {
        name: value for name, value in changes.items() if name not in PROVENANCE_FIELDS and values[name] != value
    }
    if not changed:
        raise ValidationError(_("Không có thay đổi nào so với phiên bản %(version)s.") % {"version": fresh.version}, code="unchanged")
    values.update(changed)
    values["legal_basis"] = str(changes.get("legal_basis") or "").strip()
    values["deviation_confirmed"] = bool(changes.get("deviation_confirmed"))
    errors = version_errors(values)
    if errors:
        raise ValidationError(errors)
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
                 "changes": {name: [getattr(fresh, name), value] for name, value in changed.items()},
                 "legal_basis": profile.legal_basis, "deviations": decree_deviations(profile)},
    )
    return profile
