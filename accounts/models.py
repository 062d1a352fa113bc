"""People, the unit tree and dated positions (spec README §2, decree73.md §1.3, §6.4)."""

import dataclasses
import datetime
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Generic, TypeVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from core.text import fold

# District-level units were abolished on 1 July 2025 (decree73.md §6.4, Law 72/2025/QH15): they may only
# exist as history, so their validity must end before that day.
DISTRICT_LEVEL_ABOLISHED_ON = datetime.date(2025, 7, 1)

# Importing the organisation (accounts/importing/) creates and changes units, people and positions: whoever
# runs it needs every permission those same writes would need one by one in the admin.
ORG_IMPORT_PERMISSIONS = (
    "accounts.add_user",
    "accounts.change_user",
    "accounts.add_orgunit",
    "accounts.change_orgunit",
    "accounts.add_position",
    "accounts.change_position",
)


class SearchName:
    """A model with a folded `search_name` for its picker: "nguyen van" finds "Nguyễn Văn" on every database.

    `search_name_sources` are the fields it is folded from; saving any of them refreshes it.
    """

    search_name_sources: tuple[str, ...] = ()

    def refresh_search_name(self) -> None:
        self.search_name = fold(" ".join(filter(None, (getattr(self, field) for field in self.search_name_sources))))

    def save(self, *args, **kwargs):
        self.refresh_search_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.search_name_sources):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class SearchNameQuerySet(models.QuerySet):
    """Bulk writes skip `save()`: these keep `search_name` right for the demo loader and the organisation import."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_name()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        if "search_name" not in fields and set(fields) & set(self.model.search_name_sources):
            for obj in objs:
                obj.refresh_search_name()
            fields.append("search_name")
        return super().bulk_update(objs, fields, *args, **kwargs)


class UserManager(AuthUserManager.from_queryset(SearchNameQuerySet)):
    pass


class User(SearchName, AbstractUser):
    """A person who signs in. Their powers come from dated `Position`s, never from flags on the user."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    employee_code = models.CharField(_("mã cán bộ"), max_length=40, unique=True, null=True, blank=True)
    # The people pickers search it; a trigram index serves `LIKE '%…%'` on PostgreSQL (migration 0005).
    search_name = models.CharField(max_length=310, default="", editable=False)
    search_name_sources = ("full_name", "username")

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    # What `get_full_name` reads: a list that shows people's names loads these and no other column of theirs.
    NAME_FIELDS = ("full_name", "first_name", "last_name", "username")

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


def _chunks(values: Iterable, size: int = 500):
    """Ids in slices small enough for one query (SQLite takes at most 999 parameters)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


Key = TypeVar("Key", bound=Hashable)


@dataclasses.dataclass(frozen=True)
class Placement(Generic[Key]):
    chains: dict[Key, tuple[Key, ...]]  # each placed unit's new chain: the ids from the top down to itself
    loops: set[Key]  # units that would end up under themselves; a unit above a loop is in neither


def place_units(parents: Mapping[Key, Key | None], stored: Mapping[Key, Sequence[Key]]) -> Placement[Key]:
    """Where the units of `parents` end up when each is put under its parent there (None: at the top), all at once.

    The tree rule of OrgUnit for one unit (`clean`, `save`) and for a whole import file alike: a unit's chain
    (its path as ids) is its parent's chain plus itself, and a unit may not end up below itself. A unit not in
    `parents` keeps its `stored` chain, carried along by the deepest unit of `parents` above it. Keys are ids,
    or any other name for units not saved yet (the import uses codes).
    """
    chains: dict = {}
    loops: set = set()
    unplaced: set = set()

    def place(key) -> None:
        # Up from `key` until a unit whose chain is known, the top or a loop; then down, chaining each unit on
        # the way to the one above. A loop, not recursion: a file may chain thousands of new units.
        waiting: list[tuple[Key, tuple]] = []  # (unit, what it adds to the chain of the next unit up)
        seen: dict = {}
        while True:
            if key in chains or key in unplaced:
                base = chains.get(key)
                break
            if key in seen:
                loops.update(unit for unit, _tail in waiting[seen[key] :] if unit in parents)
                base = None
                break
            seen[key] = len(waiting)
            if key in parents:
                waiting.append((key, (key,)))
                if parents[key] is None:
                    base = ()
                    break
                key = parents[key]
                continue
            chain = tuple(stored[key])
            moving = [index for index, above in enumerate(chain[:-1]) if above in parents]
            if not moving:
                base = chains[key] = chain
                break
            waiting.append((key, chain[moving[-1] + 1 :]))
            key = chain[moving[-1]]
        for unit, tail in reversed(waiting):
            if base is None:
                unplaced.add(unit)
            else:
                base = chains[unit] = (*base, *tail)

    for key in parents:
        place(key)
    return Placement({key: chains[key] for key in parents if key in chains}, loops)


def path_ids(path: str) -> tuple[int, ...]:
    """A stored path as the chain of `place_units`: "/1/7/42/" → (1, 7, 42)."""
    return tuple(int(part) for part in path.split("/") if part)


def _path(chain: Sequence[int]) -> str:
    return "/" + "".join(f"{pk}/" for pk in chain)


class TreeTooDeep(ValueError):
    """A unit's path would not fit its column: the tree is too deep there."""

    def __init__(self, unit_id: int):
        super().__init__(f"The path of unit #{unit_id} would be too long.")
        self.unit_id = unit_id


class OrgUnitQuerySet(SearchNameQuerySet):
    def active_on(self, on_date: datetime.date):
        return self.filter(Q(valid_from__lte=on_date), Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))

    def subtree_of(self, *units: "OrgUnit"):
        """The given units and every unit below them."""
        return self.filter(in_subtrees(unit.path for unit in units))


class OrgUnit(SearchName, models.Model):
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
    # The unit pickers search it; a trigram index serves `LIKE '%…%'` on PostgreSQL (migration 0006).
    search_name = models.CharField(max_length=330, default="", editable=False)
    search_name_sources = ("name", "abbreviation", "code")
    # Decree 30 (review finding 1): the managing body's line above the issuer, only where the unit has one; a
    # People's Committee or Council has none.
    print_parent_line = models.BooleanField(
        _("in tên cơ quan chủ quản trên văn bản"), default=False,
        help_text=_("Bật cho đơn vị có cơ quan chủ quản trực tiếp (ví dụ sở thuộc UBND tỉnh); tắt cho UBND, HĐND."),
    )
    # Review finding 7: the unit's competence basis, the first "Căn cứ" of its decisions.
    competence_basis = models.TextField(
        _("căn cứ thẩm quyền"), blank=True,
        help_text=_("Ví dụ: Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;"),
    )
    # D-16 [local]: the body that manages this unit's cadres, where it is not the parent (HCMC routing).
    cadre_authority = models.ForeignKey(
        "self", verbose_name=_("cơ quan quản lý cán bộ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Để trống nếu là đơn vị cấp trên trực tiếp."),
    )

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
        stored = OrgUnit.stored_paths([self.pk, self.parent_id])
        if self.parent_id and self.parent_id not in stored:
            raise OrgUnit.DoesNotExist(f"There is no parent unit #{self.parent_id}.")
        if self.pk is not None and OrgUnit.place({self.pk: self.parent_id}, stored).loops:
            raise ValueError("A unit cannot be placed under itself or one of its own sub-units.")
        self.path = stored.get(self.pk, "")  # written back as stored: update_paths() moves it with its subtree
        super().save(*args, **kwargs)
        OrgUnit.update_paths([self], {**stored, self.pk: self.path})

    @property
    def name_with_parent(self) -> str:
        """"Sở Nội vụ (Ủy ban nhân dân tỉnh Quảng Ninh)": what the unit pickers show, to tell namesakes apart."""
        return f"{self.name} ({self.parent.name})" if self.parent_id else self.name

    def clean(self):
        self.clean_validity()
        # A missing parent is reported by the field's own validation, not here.
        if self.parent_id and self.pk is not None:
            stored = OrgUnit.stored_paths([self.parent_id])
            if self.parent_id in stored and OrgUnit.place({self.pk: self.parent_id}, stored).loops:
                raise OrgUnit.loop_error()

    def clean_validity(self):
        """The checks of `clean` on the unit's own fields; the import runs the tree check for a whole file."""
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})
        if self.level == self.Level.DISTRICT and (not self.valid_to or self.valid_to >= DISTRICT_LEVEL_ABOLISHED_ON):
            raise ValidationError(
                {"valid_to": _("Đơn vị cấp huyện chỉ còn là lịch sử: hiệu lực phải kết thúc trước 01/7/2025.")}
            )

    @staticmethod
    def loop_error() -> ValidationError:
        return ValidationError({"parent": _("Đơn vị cấp trên không được là chính nó hoặc đơn vị cấp dưới.")})

    @classmethod
    def stored_paths(cls, pks: Iterable[int | None]) -> dict[int, str]:
        """The paths of the units `pks` as stored now (see `save`), by id; a unit that does not exist is left out."""
        paths = {}
        for chunk in _chunks({pk for pk in pks if pk is not None}):
            paths.update(cls.objects.filter(pk__in=chunk).values_list("pk", "path"))
        return paths

    @staticmethod
    def place(parents: Mapping[int, int | None], stored_paths: Mapping[int, str]) -> Placement[int]:
        """`place_units` with ids and stored paths: `stored_paths` must hold every parent not in `parents`."""
        return place_units(parents, {pk: path_ids(path) for pk, path in stored_paths.items()})

    @classmethod
    def update_paths(cls, units: Iterable["OrgUnit"], stored_paths: Mapping[int, str] | None = None) -> None:
        """Store the path of `units`, just saved under their parents, and of every unit below those that moved.

        `save` for one unit, the import for a whole file: the paths are computed by `place_units` and written
        one depth at a time, parents first, each as the parent's stored path + the unit's id, so a few
        statements whatever the number of units. `stored_paths` are the paths before the units were saved
        (read now if not given). Raises ValueError for a loop, TreeTooDeep for a path over the column's length.
        """
        units = list(units)
        parents = {unit.pk: unit.parent_id for unit in units}
        stored = dict(stored_paths) if stored_paths is not None else {}
        stored.update(cls.stored_paths(key for key in {*parents, *parents.values()} if key not in stored))
        placement = cls.place(parents, stored)
        if placement.loops:
            raise ValueError("A unit cannot be placed under itself or one of its own sub-units.")
        moved = [stored[pk] for pk in parents if stored.get(pk) and _path(placement.chains[pk]) != stored[pk]]
        if moved:
            # The units below a moved unit keep their parent and move along with it.
            for chunk in _chunks(moved, 100):
                below = cls.objects.filter(in_subtrees(chunk)).values_list("pk", "parent_id", "path")
                for pk, parent_id, path in below:
                    if pk not in parents:
                        parents[pk], stored[pk] = parent_id, path
            placement = cls.place(parents, stored)
        max_length = cls._meta.get_field("path").max_length
        levels: dict[int, list[int]] = {}
        for pk in parents:
            path = _path(placement.chains[pk])
            if path == stored.get(pk):
                continue
            if len(path) > max_length:
                raise TreeTooDeep(pk)
            levels.setdefault(path.count("/"), []).append(pk)
        parent_path = Subquery(cls.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
        expression = Concat(
            Coalesce(parent_path, Value("/")), Cast("pk", CharField()), Value("/"), output_field=CharField()
        )
        for level in sorted(levels):
            for chunk in _chunks(levels[level]):
                cls.objects.filter(pk__in=chunk).update(path=expression)
        for unit in units:
            unit.path = _path(placement.chains[unit.pk])


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
    # Review finding 2: the title printed above a signature is the title only ("GIÁM ĐỐC", "CHỦ TỊCH").
    signing_title = models.CharField(
        _("chức vụ ký văn bản"), max_length=100, blank=True, help_text=_("Ví dụ: Giám đốc; Phó Chủ tịch."),
    )
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
        self.clean_term()
        if Position.overlapping_heads([self])[0]:
            raise Position.overlap_error()

    def clean_term(self):
        """The checks of `clean` on the position's own dates; the import runs the heads check for a whole file."""
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    @staticmethod
    def overlap_error() -> ValidationError:
        return ValidationError({"start_date": _("Đơn vị đã có người đứng đầu trong khoảng thời gian này.")})

    def overlaps(self, other: "Position") -> bool:
        """Whether the two terms share a day (no end date: still held)."""
        return (other.end_date is None or other.end_date >= self.start_date) and (
            self.end_date is None or other.start_date <= self.end_date
        )

    @classmethod
    def overlapping_heads(cls, positions: Sequence["Position"]) -> list[list["Position"]]:
        """For each of `positions` that is a head, the heads of its unit whose terms overlap its own ([] for others).

        A unit has one head at a time: the rule of `clean` for one position and of the import for a whole file.
        The heads compared are the stored ones and `positions` themselves, a stored position among `positions`
        counting as given there (as the write will leave it): one query per 500 units.
        """
        heads = [
            position
            for position in positions
            if position.role == cls.Role.HEAD and position.unit_id and position.start_date
        ]
        given = {position.pk for position in positions if position.pk is not None}
        by_unit: dict[int, list[Position]] = {}
        for head in heads:
            by_unit.setdefault(head.unit_id, []).append(head)
        for chunk in _chunks(by_unit):
            for stored in cls.objects.filter(role=cls.Role.HEAD, unit_id__in=chunk):
                if stored.pk not in given:
                    by_unit[stored.unit_id].append(stored)
        is_head = {id(head) for head in heads}
        return [
            [other for other in by_unit[position.unit_id] if other is not position and position.overlaps(other)]
            if id(position) in is_head
            else []
            for position in positions
        ]

    def is_held_on(self, on_date: datetime.date) -> bool:
        return self.start_date <= on_date and (self.end_date is None or self.end_date >= on_date)
