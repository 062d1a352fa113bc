"""People, the unit tree and dated positions (spec README §2, decree73.md §1.3, §6.4)."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

# District-level units were abolished on 1 July 2025 (decree73.md §6.4, Law 72/2025/QH15): they may only
# exist as history, so their validity must end before that day.
DISTRICT_LEVEL_ABOLISHED_ON = datetime.date(2025, 7, 1)

# Importing the organisation (accounts/importing.py) creates and changes units, people and positions: whoever
# runs it needs every permission those same writes would need one by one in the admin.
ORG_IMPORT_PERMISSIONS = (
    "accounts.add_user",
    "accounts.change_user",
    "accounts.add_orgunit",
    "accounts.change_orgunit",
    "accounts.add_position",
    "accounts.change_position",
)


class User(AbstractUser):
    """A person who signs in. Their powers come from dated `Position`s, never from flags on the user."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    employee_code = models.CharField(_("mã cán bộ"), max_length=40, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def may_import_organisation(self) -> bool:
        """Whether this person may run the organisation import (views, the navigation link, the service).

        Staff first: an ordinary cadre is refused without the permission queries, which this check would
        otherwise cost on every page that shows the navigation bar.
        """
        return (self.is_staff or self.is_superuser) and self.has_perms(ORG_IMPORT_PERMISSIONS)


def in_subtrees(paths: Iterable[str], *, field: str = "path") -> Q:
    """Matches units at or below any of `paths` (materialised paths, "/1/7/"); no path matches nothing.

    The one way to write "this unit and everything under it": `field` reaches the unit's path from another
    model, e.g. `Position.objects.filter(in_subtrees(paths, field="unit__path"))`.
    """
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


class OrgUnitQuerySet(models.QuerySet):
    def active_on(self, on_date: datetime.date):
        return self.filter(Q(valid_from__lte=on_date), Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))

    def subtree_of(self, *units: "OrgUnit"):
        """The given units and every unit below them."""
        return self.filter(in_subtrees(unit.path for unit in units))


class OrgUnit(models.Model):
    """A unit (cơ quan, đơn vị) in the tree central → province → commune.

    `path` is a materialised path ("/1/7/42/") so that "this unit and everything under it", the filter of
    every list and report, is one indexed prefix query.
    """

    class Level(models.TextChoices):
        CENTRAL = "central", _("Trung ương")
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")
        DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")

    class Kind(models.TextChoices):
        STATE_AGENCY = "state_agency", _("Cơ quan hành chính nhà nước")
        PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp công lập")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    abbreviation = models.CharField(
        _("viết tắt"), max_length=30, blank=True, help_text=_("Dùng trong số văn bản, ví dụ: UBND, SNV.")
    )
    place_name = models.CharField(
        _("địa danh"), max_length=100, blank=True, help_text=_("Dùng trên văn bản, ví dụ: Hạ Long.")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("loại hình"), max_length=20, choices=Kind.choices, default=Kind.STATE_AGENCY)
    valid_from = models.DateField(_("hiệu lực từ"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("đơn vị kế thừa (sau sáp nhập)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="predecessors",
    )
    path = models.CharField(max_length=255, editable=False, default="", db_index=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                name="orgunit_valid_range",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
            models.CheckConstraint(
                name="orgunit_district_is_history",
                condition=~Q(level="district") | Q(valid_to__isnull=False, valid_to__lt=DISTRICT_LEVEL_ABOLISHED_ON),
                violation_error_message=_("Đơn vị cấp huyện chỉ còn là lịch sử: hiệu lực phải kết thúc trước 01/7/2025."),
            ),
            models.CheckConstraint(
                name="orgunit_not_own_parent",
                condition=~Q(parent=models.F("pk")),
                violation_error_message=_("Đơn vị cấp trên không được là chính nó."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Paths are read from the database, never from instances in memory: an instance (or its cached
        # parent) loaded before another unit moved carries a stale path, and saving it would write that
        # stale path back and cut the unit out of its subtree (the filter of every list and report).
        old_path = OrgUnit.objects.filter(pk=self.pk).values_list("path", flat=True).first() if self.pk else None
        parent_path = "/"
        if self.parent_id:
            parent_path = self._parent_path()
            if parent_path is None:
                raise OrgUnit.DoesNotExist(f"There is no parent unit #{self.parent_id}.")
        if self._is_own_ancestor(parent_path):
            raise ValueError("A unit cannot be placed under itself or one of its own sub-units.")
        super().save(*args, **kwargs)
        new_path = f"{parent_path}{self.pk}/"
        self.path = new_path
        OrgUnit.objects.filter(pk=self.pk).exclude(path=new_path).update(path=new_path)
        if old_path and old_path != new_path:
            # The unit moved: re-root its descendants' paths in one statement.
            OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
            )

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})
        if self.level == self.Level.DISTRICT and (not self.valid_to or self.valid_to >= DISTRICT_LEVEL_ABOLISHED_ON):
            raise ValidationError(
                {"valid_to": _("Đơn vị cấp huyện chỉ còn là lịch sử: hiệu lực phải kết thúc trước 01/7/2025.")}
            )
        # A missing parent is reported by the field's own validation, not here.
        if self.parent_id and self._is_own_ancestor(self._parent_path() or ""):
            raise ValidationError({"parent": _("Đơn vị cấp trên không được là chính nó hoặc đơn vị cấp dưới.")})

    def _parent_path(self) -> str | None:
        """The parent's path as stored now (see `save`), None if there is no such unit: one query at any depth."""
        return OrgUnit.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()

    def _is_own_ancestor(self, parent_path: str) -> bool:
        """Whether the new parent is this unit or lies below it, i.e. the move would close a loop.

        The parent's path lists every ancestor of the parent, itself included: this unit appears in it
        exactly when the parent is this unit or one of its descendants.
        """
        return self.pk is not None and f"/{self.pk}/" in parent_path


class PositionQuerySet(models.QuerySet):
    def held_on(self, on_date: datetime.date):
        return self.filter(Q(start_date__lte=on_date), Q(end_date__isnull=True) | Q(end_date__gte=on_date))


class Position(models.Model):
    """A dated assignment of a person to a unit in a role: who was head or deputy on any given day."""

    class Role(models.TextChoices):
        HEAD = "head", _("Người đứng đầu")
        DEPUTY = "deputy", _("Cấp phó")
        STAFF = "staff", _("Cán bộ, công chức, viên chức")
        SECRETARIAT = "secretariat", _("Cơ quan tham mưu")
        INSPECTOR = "inspector", _("Kiểm tra, thanh tra")

    class Category(models.TextChoices):
        """Art. 2 categories of "cán bộ" (decree73.md §1.3)."""

        STATE_LEADER = "state_leader", _("Cán bộ, công chức lãnh đạo, quản lý trong cơ quan hành chính nhà nước")
        PUBLIC_SERVICE_MANAGER = "public_service_manager", _("Viên chức quản lý trong đơn vị sự nghiệp công lập")
        ENTERPRISE = "enterprise", _("Người giữ chức danh, chức vụ, người đại diện phần vốn nhà nước tại doanh nghiệp")
        OTHER = "other", _("Không thuộc đối tượng Điều 2")

    person = models.ForeignKey(User, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="positions")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="positions")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=150, blank=True, help_text=_("Ví dụ: Giám đốc Sở"))
    category = models.CharField(_("đối tượng (Điều 2)"), max_length=30, choices=Category.choices, default=Category.OTHER)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["unit__path", "role", "start_date"]
        constraints = [
            models.CheckConstraint(
                name="position_date_range",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
            # A unit has one sitting head; overlapping closed terms are refused in clean() and the services.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(role="head", end_date__isnull=True),
                name="position_one_open_head_per_unit",
                violation_error_message=_("Đơn vị đã có người đứng đầu đương nhiệm (chưa có ngày kết thúc)."),
            ),
        ]
        indexes = [
            # "Who holds role R in unit U on date D" (head/deputy selectors, voter lists).
            models.Index(fields=["unit", "role", "start_date"], name="position_unit_role_idx"),
            # "Which units may person P act for" (navigation, scoping).
            models.Index(fields=["person", "start_date"], name="position_person_idx"),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()} — {self.unit}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        if self.role == self.Role.HEAD and self.unit_id and self.start_date:
            overlapping = Position.objects.filter(unit_id=self.unit_id, role=self.Role.HEAD).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
            if self.end_date:
                overlapping = overlapping.filter(start_date__lte=self.end_date)
            if overlapping.exists():
                raise ValidationError(
                    {"start_date": _("Đơn vị đã có người đứng đầu trong khoảng thời gian này.")}
                )

    def is_held_on(self, on_date: datetime.date) -> bool:
        return self.start_date <= on_date and (self.end_date is None or self.end_date >= on_date)
