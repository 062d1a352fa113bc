"""Demo data: a province after the 1 July 2025 reorganisation, following Quảng Ninh, with invented people.

Used by `manage.py seed_demo` (and so by `make run`) and by tests. Everything is keyed by a natural key
(unit code, username; person + unit + role + start date for positions) and only missing rows are created,
so seeding twice changes nothing and edits made through the admin survive a re-seed.

All demo accounts share one public password: this module must never run against real data, which is
why the command refuses to run when DEBUG is off.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .models import OrgUnit, Position, User

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - published on purpose: it is printed next to the demo logins
# A reserved top-level domain (RFC 2606): e-mail to demo people can never reach a real agency.
DEMO_EMAIL_DOMAIN = "quangninh.example"
ADMIN_USERNAME = "admin"
INSPECTOR_USERNAME = "thanhtra"
SYNTHETIC_CODE_PREFIX = "QN-TN-"
SYNTHETIC_STAFF_PER_UNIT = 20

Level = OrgUnit.Level
Kind = OrgUnit.Kind
Role = Position.Role
Category = Position.Category

# Communes, wards and special zones exist from the day the district level was abolished.
COMMUNES_FROM = datetime.date(2025, 7, 1)
# Province-level leaders took office after the 2021 elections; the demo history starts there.
PROVINCE_TERM_FROM = datetime.date(2021, 7, 1)
CENTRAL_TERM_FROM = datetime.date(2021, 4, 8)
# Sở Nội vụ merged with Sở Lao động - Thương binh và Xã hội on 1 March 2025: the demo's change of head.
SNV_HEAD_CHANGED_ON = datetime.date(2025, 3, 1)
DISTRICT_LAST_DAY = datetime.date(2025, 6, 30)

# --- How the demo units' documents read (review-register-decide.md §2, findings 1, 2, 6, 7) ------------------------
# Provincial bodies date their documents from the province, communes from their own name (finding 6).
PROVINCE_PLACE = "Quảng Ninh"
# The competence basis each kind of unit cites first in its decisions (finding 7). The laws in force after the
# 2025 reorganisation; a department's or public service unit's own founding decision is the province's to add.
LOCAL_GOVERNMENT_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
DEPARTMENTS_DECREE = (
    "Căn cứ Nghị định số 45/2025/NĐ-CP ngày 28 tháng 02 năm 2025 của Chính phủ quy định tổ chức các cơ quan chuyên "
    "môn thuộc Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương;"
)


# --- Invented names -------------------------------------------------------------------------------------
# Deterministic (no randomness) so that a re-seed and every test see the same people. The lists avoid
# the given names of the real office holders the demo imitates.
_FAMILY = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
    "Dương", "Đinh", "Trịnh", "Lương", "Phan", "Tạ", "Hà", "Lưu", "Mai", "Tô",
]
_MALE_MIDDLE = ["Văn", "Đức", "Hữu", "Quang", "Minh", "Xuân", "Mạnh", "Thành", "Quốc", "Trung"]
_MALE_GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Khánh",
    "Kiên", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Tuấn", "Việt", "Vinh",
]
_FEMALE_MIDDLE = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương", "Kim", "Diệu", "Bích"]
_FEMALE_GIVEN = [
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Liên", "Linh",
    "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Trang", "Vân", "Yến",
]


def invented_name(n: int) -> str:
    """The n-th invented Vietnamese full name; the strides spread neighbours across the lists."""
    family = _FAMILY[(n * 7 + 3) % len(_FAMILY)]
    if n % 3 == 1:
        return f"{family} {_FEMALE_MIDDLE[(n * 3 + 1) % len(_FEMALE_MIDDLE)]} {_FEMALE_GIVEN[(n * 5 + 2) % len(_FEMALE_GIVEN)]}"
    return f"{family} {_MALE_MIDDLE[(n * 3 + 2) % len(_MALE_MIDDLE)]} {_MALE_GIVEN[(n * 5 + 4) % len(_MALE_GIVEN)]}"


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


# --- What the demo province looks like -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Staffing:
    """The leadership of one unit: titles, username prefixes and the Art. 2 category of its leaders."""

    head_title: str
    deputy_title: str
    leader_titles: tuple[str, ...]
    secretariat_title: str
    head_prefix: str
    deputy_prefix: str
    category: str = Category.STATE_LEADER
    # The titles printed over their signatures, without the agency the header names (finding 2).
    head_signing: str = ""
    deputy_signing: str = ""


@dataclasses.dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    level: str
    parent: str | None
    abbreviation: str
    place_name: str
    slug: str = ""  # the suffix of its people's usernames: gd.snv, tp.snv ...
    staffing: Staffing | None = None
    kind: str = Kind.STATE_AGENCY
    valid_from: datetime.date = datetime.date(2000, 1, 1)
    valid_to: datetime.date | None = None
    successor: str | None = None
    staff_since: datetime.date = PROVINCE_TERM_FROM
    # Finding 1: a unit with a managing body names it above its own name; a People's Committee does not.
    print_parent_line: bool = False
    competence_basis: str = ""


@dataclasses.dataclass(frozen=True)
class PersonSpec:
    """One position of one person; a person holding several positions appears once per position."""

    username: str
    unit: str
    role: str
    title: str
    category: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    signing_title: str = ""


def _department(code: str, slug: str, name: str, abbreviation: str, leaders: tuple[str, ...]) -> UnitSpec:
    return UnitSpec(
        code=code, name=name, level=Level.PROVINCE, parent="QN-UBND", abbreviation=abbreviation,
        place_name=PROVINCE_PLACE, slug=slug, print_parent_line=True, competence_basis=DEPARTMENTS_DECREE,
        staffing=Staffing(
            head_title="Giám đốc Sở", deputy_title="Phó Giám đốc Sở", leader_titles=leaders,
            secretariat_title="Chuyên viên Văn phòng Sở (tổ chức cán bộ)", head_prefix="gd", deputy_prefix="pgd",
            head_signing="Giám đốc", deputy_signing="Phó Giám đốc",
        ),
    )


def _public_service(code: str, slug: str, name: str, abbreviation: str, head: str, leaders: tuple[str, ...]) -> UnitSpec:
    return UnitSpec(
        code=code, name=name, level=Level.PROVINCE, parent="QN-SYT", abbreviation=abbreviation,
        place_name=PROVINCE_PLACE, slug=slug, kind=Kind.PUBLIC_SERVICE, print_parent_line=True,
        staffing=Staffing(
            head_title=f"Giám đốc {head}", deputy_title=f"Phó Giám đốc {head}", leader_titles=leaders,
            secretariat_title="Viên chức Phòng Tổ chức cán bộ", head_prefix="gd", deputy_prefix="pgd",
            category=Category.PUBLIC_SERVICE_MANAGER, head_signing="Giám đốc", deputy_signing="Phó Giám đốc",
        ),
    )


def _commune(code: str, slug: str, kind_name: str, place: str) -> UnitSpec:
    """A commune-level People's Committee after the merger; `kind_name` is phường, xã or đặc khu."""
    economy = "Trưởng phòng Kinh tế, Hạ tầng và Đô thị" if kind_name == "phường" else "Trưởng phòng Kinh tế"
    return UnitSpec(
        code=code, name=f"Ủy ban nhân dân {kind_name} {place}", level=Level.COMMUNE, parent="QN-UBND",
        abbreviation="UBND", place_name=place, slug=slug, valid_from=COMMUNES_FROM, staff_since=COMMUNES_FROM,
        competence_basis=LOCAL_GOVERNMENT_LAW,
        staffing=Staffing(
            head_title=f"Chủ tịch Ủy ban nhân dân {kind_name}", deputy_title=f"Phó Chủ tịch Ủy ban nhân dân {kind_name}",
            leader_titles=(economy, "Trưởng phòng Văn hóa - Xã hội"),
            secretariat_title="Công chức Văn phòng HĐND và UBND", head_prefix="ct", deputy_prefix="pct",
            head_signing="Chủ tịch", deputy_signing="Phó Chủ tịch",
        ),
    )


DISTRICT_CODE = "QN-H-HALONG"

UNITS: tuple[UnitSpec, ...] = (
    UnitSpec(
        code="TW-CP", name="Chính phủ", level=Level.CENTRAL, parent=None, abbreviation="CP", place_name="Hà Nội",
        slug="cp", staff_since=CENTRAL_TERM_FROM,
        competence_basis="Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
        staffing=Staffing(
            head_title="Thủ tướng Chính phủ", deputy_title="Phó Thủ tướng Chính phủ",
            leader_titles=("Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", "Vụ trưởng Vụ Tổ chức cán bộ, Văn phòng Chính phủ"),
            secretariat_title="Chuyên viên Vụ Tổ chức cán bộ, Văn phòng Chính phủ", head_prefix="ttg", deputy_prefix="ptt",
            head_signing="Thủ tướng", deputy_signing="Phó Thủ tướng",
        ),
    ),
    UnitSpec(
        code="QN-UBND", name="Ủy ban nhân dân tỉnh Quảng Ninh", level=Level.PROVINCE, parent="TW-CP",
        abbreviation="UBND", place_name=PROVINCE_PLACE, slug="ubnd", competence_basis=LOCAL_GOVERNMENT_LAW,
        staffing=Staffing(
            head_title="Chủ tịch Ủy ban nhân dân tỉnh", deputy_title="Phó Chủ tịch Ủy ban nhân dân tỉnh",
            leader_titles=(
                "Chánh Văn phòng Ủy ban nhân dân tỉnh",
                "Phó Chánh Văn phòng Ủy ban nhân dân tỉnh",
                "Trưởng phòng Tổng hợp, Văn phòng Ủy ban nhân dân tỉnh",
            ),
            secretariat_title="Chuyên viên Văn phòng Ủy ban nhân dân tỉnh (tổ chức cán bộ)",
            head_prefix="ct", deputy_prefix="pct", head_signing="Chủ tịch", deputy_signing="Phó Chủ tịch",
        ),
    ),
    _department("QN-SNV", "snv", "Sở Nội vụ tỉnh Quảng Ninh", "SNV", (
        "Trưởng phòng Tổ chức, biên chế và tổ chức phi chính phủ",
        "Trưởng phòng Công chức, viên chức",
        "Phó Chánh Văn phòng Sở",
    )),
    _department("QN-STC", "stc", "Sở Tài chính tỉnh Quảng Ninh", "STC", (
        "Trưởng phòng Quản lý ngân sách",
        "Trưởng phòng Quản lý đầu tư",
        "Phó Trưởng phòng Tài chính doanh nghiệp",
    )),
    _department("QN-SKHCN", "skhcn", "Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "SKHCN", (
        "Trưởng phòng Chuyển đổi số",
        "Trưởng phòng Quản lý khoa học",
    )),
    _department("QN-SXD", "sxd", "Sở Xây dựng tỉnh Quảng Ninh", "SXD", (
        "Trưởng phòng Quy hoạch - Kiến trúc",
        "Trưởng phòng Quản lý giao thông",
        "Phó Trưởng phòng Phát triển đô thị",
    )),
    _department("QN-SYT", "syt", "Sở Y tế tỉnh Quảng Ninh", "SYT", (
        "Trưởng phòng Nghiệp vụ Y",
        "Trưởng phòng Kế hoạch - Tài chính",
    )),
    _public_service("QN-BVDK", "bvdk", "Bệnh viện Đa khoa tỉnh Quảng Ninh", "BVĐK", "Bệnh viện", (
        "Trưởng khoa Hồi sức tích cực - Chống độc",
        "Trưởng phòng Kế hoạch tổng hợp",
        "Trưởng phòng Công nghệ thông tin",
    )),
    _public_service("QN-CDC", "cdc", "Trung tâm Kiểm soát bệnh tật tỉnh Quảng Ninh", "CDC", "Trung tâm", (
        "Trưởng khoa Phòng, chống bệnh truyền nhiễm",
        "Trưởng phòng Tổ chức - Hành chính",
    )),
    _commune("QN-P-HALONG", "phl", "phường", "Hạ Long"),
    _commune("QN-P-CAMPHA", "pcp", "phường", "Cẩm Phả"),
    _commune("QN-P-MONGCAI1", "pmc1", "phường", "Móng Cái 1"),
    _commune("QN-X-TIENYEN", "xty", "xã", "Tiên Yên"),
    _commune("QN-DK-VANDON", "dkvd", "đặc khu", "Vân Đồn"),
    # History only: the district-level city abolished on 1 July 2025, succeeded by phường Hạ Long. Its
    # people are listed in HISTORY below.
    UnitSpec(
        code=DISTRICT_CODE, name="Ủy ban nhân dân thành phố Hạ Long (cấp huyện)", level=Level.DISTRICT,
        parent="QN-UBND", abbreviation="UBND", place_name="Hạ Long", valid_to=DISTRICT_LAST_DAY,
        successor="QN-P-HALONG", competence_basis="Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    ),
)

# Positions that make history: the Sở Nội vụ head who left when the department merged, and the district
# city's leaders, who now lead phường Hạ Long (one person, several positions over time).
HISTORY: tuple[PersonSpec, ...] = (
    PersonSpec("gdcu.snv", "QN-SNV", Role.HEAD, "Giám đốc Sở", Category.STATE_LEADER,
               datetime.date(2019, 11, 1), SNV_HEAD_CHANGED_ON - datetime.timedelta(days=1), "Giám đốc"),
    PersonSpec("ct.phl", DISTRICT_CODE, Role.HEAD, "Chủ tịch Ủy ban nhân dân thành phố", Category.STATE_LEADER,
               PROVINCE_TERM_FROM, DISTRICT_LAST_DAY, "Chủ tịch"),
    PersonSpec("pct1.phl", DISTRICT_CODE, Role.DEPUTY, "Phó Chủ tịch Ủy ban nhân dân thành phố", Category.STATE_LEADER,
               PROVINCE_TERM_FROM, DISTRICT_LAST_DAY, "Phó Chủ tịch"),
)


def _positions_of_unit(unit: UnitSpec) -> list[PersonSpec]:
    staffing = unit.staffing
    if staffing is None:
        return []
    since, slug = unit.staff_since, unit.slug
    head_since = SNV_HEAD_CHANGED_ON if unit.code == "QN-SNV" else since
    people = [PersonSpec(f"{staffing.head_prefix}.{slug}", unit.code, Role.HEAD, staffing.head_title,
                         staffing.category, head_since, signing_title=staffing.head_signing)]
    people += [
        PersonSpec(f"{staffing.deputy_prefix}{n}.{slug}", unit.code, Role.DEPUTY, staffing.deputy_title,
                   staffing.category, since, signing_title=staffing.deputy_signing)
        for n in (1, 2)
    ]
    people += [
        PersonSpec("tp." + slug if n == 1 else f"tp{n}.{slug}", unit.code, Role.STAFF, title, staffing.category, since)
        for n, title in enumerate(staffing.leader_titles, start=1)
    ]
    # The secretariat is a specialist, not a leader: not among the Art. 2 proposers.
    people.append(PersonSpec(f"tccb.{slug}", unit.code, Role.SECRETARIAT, staffing.secretariat_title, Category.OTHER, since))
    return people


def demo_positions() -> list[PersonSpec]:
    """Every position of the named demo people, units in tree order."""
    people: list[PersonSpec] = []
    for unit in UNITS:
        people += _positions_of_unit(unit)
    people.append(PersonSpec(INSPECTOR_USERNAME, "QN-UBND", Role.INSPECTOR, "Chánh Thanh tra tỉnh",
                             Category.STATE_LEADER, PROVINCE_TERM_FROM))
    people += HISTORY
    return people


def demo_usernames() -> list[str]:
    return [ADMIN_USERNAME, *dict.fromkeys(p.username for p in demo_positions())]


# --- Seeding -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class SeedResult:
    units: int = 0
    users: int = 0
    positions: int = 0
    synthetic_units: int = 0
    synthetic_users: int = 0

    @property
    def changed(self) -> bool:
        return any(dataclasses.astuple(self))

    @property
    def named_changed(self) -> bool:
        """Whether the named province (not the synthetic units) gained anything."""
        return bool(self.units or self.users or self.positions)


@transaction.atomic
def seed_demo(*, scale: int = 0) -> SeedResult:
    """Create what is missing of the demo province, plus `scale` synthetic units for load tests."""
    if scale < 0:
        raise ValueError("scale must be >= 0")
    # One PBKDF2 run for everybody: hashing each of thousands of users would take minutes. Sharing the
    # salt is harmless here, the password itself is public.
    password_hash = make_password(DEMO_PASSWORD)
    result = SeedResult()
    units = _seed_units(result)
    _seed_people(result, units, password_hash)
    if scale:
        result.synthetic_units, result.synthetic_users = seed_synthetic_units(
            count=scale, parent=units["QN-UBND"], password_hash=password_hash
        )
    return result


def _seed_units(result: SeedResult) -> dict[str, OrgUnit]:
    existing = OrgUnit.objects.in_bulk([spec.code for spec in UNITS], field_name="code")
    for spec in UNITS:  # parents and successors come first in UNITS
        if spec.code in existing:
            continue
        unit = OrgUnit(
            code=spec.code, name=spec.name, level=spec.level, kind=spec.kind, abbreviation=spec.abbreviation,
            place_name=spec.place_name, valid_from=spec.valid_from, valid_to=spec.valid_to,
            print_parent_line=spec.print_parent_line, competence_basis=spec.competence_basis,
            parent=existing[spec.parent] if spec.parent else None,
            successor=existing[spec.successor] if spec.successor else None,
        )
        unit.full_clean()
        unit.save()
        existing[spec.code] = unit
        result.units += 1
    return existing


def _seed_people(result: SeedResult, units: dict[str, OrgUnit], password_hash: str) -> None:
    positions = demo_positions()
    users = User.objects.in_bulk(demo_usernames(), field_name="username")
    if ADMIN_USERNAME not in users:
        admin = User(
            username=ADMIN_USERNAME, full_name=_("Quản trị hệ thống"), email=demo_email(ADMIN_USERNAME),
            password=password_hash, is_staff=True, is_superuser=True,
        )
        admin.full_clean()
        admin.save()
        result.users += 1
    # Name people in order of first appearance, so that a person keeps the same name in every position.
    for n, username in enumerate(dict.fromkeys(p.username for p in positions)):
        if username in users:
            continue
        user = User(username=username, full_name=invented_name(n), email=demo_email(username), password=password_hash)
        user.full_clean()
        user.save()
        users[username] = user
        result.users += 1

    held = set(
        Position.objects.filter(person__in=users.values()).values_list("person__username", "unit__code", "role", "start_date")
    )
    for spec in positions:
        if (spec.username, spec.unit, spec.role, spec.start_date) in held:
            continue
        position = Position(
            person=users[spec.username], unit=units[spec.unit], role=spec.role, title=spec.title,
            signing_title=spec.signing_title, category=spec.category, start_date=spec.start_date, end_date=spec.end_date,
        )
        position.full_clean()
        position.save()
        result.positions += 1


# --- Synthetic units for load tests (--scale) ----------------------------------------------------------

_SYNTHETIC_COMMUNE = Staffing(
    head_title="Chủ tịch Ủy ban nhân dân xã", deputy_title="Phó Chủ tịch Ủy ban nhân dân xã",
    leader_titles=("Trưởng phòng Kinh tế", "Trưởng phòng Văn hóa - Xã hội", "Chánh Văn phòng HĐND và UBND",
                   "Phó Trưởng phòng Kinh tế"),
    secretariat_title="Công chức Văn phòng HĐND và UBND", head_prefix="ct", deputy_prefix="pct",
    head_signing="Chủ tịch", deputy_signing="Phó Chủ tịch",
)
_SYNTHETIC_DEPARTMENT = Staffing(
    head_title="Giám đốc Sở", deputy_title="Phó Giám đốc Sở",
    leader_titles=("Chánh Văn phòng Sở", "Trưởng phòng Kế hoạch - Tài chính", "Trưởng phòng Quản lý chuyên ngành",
                   "Phó Chánh Văn phòng Sở"),
    secretariat_title="Chuyên viên Văn phòng Sở (tổ chức cán bộ)", head_prefix="gd", deputy_prefix="pgd",
    head_signing="Giám đốc", deputy_signing="Phó Giám đốc",
)


def synthetic_code(n: int) -> str:
    return f"{SYNTHETIC_CODE_PREFIX}{n:04d}"


def _synthetic_unit(n: int, parent: OrgUnit) -> tuple[OrgUnit, Staffing]:
    # Three communes for every department, roughly the shape of a real province.
    if n % 4:
        unit = OrgUnit(
            code=synthetic_code(n), name=f"Ủy ban nhân dân xã Thử nghiệm {n}", abbreviation="UBND",
            place_name=f"Thử nghiệm {n}", level=Level.COMMUNE, valid_from=COMMUNES_FROM, parent=parent,
            competence_basis=LOCAL_GOVERNMENT_LAW,
        )
        return unit, _SYNTHETIC_COMMUNE
    unit = OrgUnit(
        code=synthetic_code(n), name=f"Sở Thử nghiệm {n} tỉnh Quảng Ninh", abbreviation="STN",
        place_name=PROVINCE_PLACE, level=Level.PROVINCE, parent=parent, print_parent_line=True,
        competence_basis=DEPARTMENTS_DECREE,
    )
    return unit, _SYNTHETIC_DEPARTMENT


def _synthetic_people(n: int, staffing: Staffing, since: datetime.date) -> Iterable[tuple[str, str, str, str, str]]:
    """(username, role, title, signing title, category) of everybody in synthetic unit n."""
    prefix = f"tn{n:04d}"
    yield f"{prefix}.{staffing.head_prefix}", Role.HEAD, staffing.head_title, staffing.head_signing, staffing.category
    for d in (1, 2):
        yield (f"{prefix}.{staffing.deputy_prefix}{d}", Role.DEPUTY, staffing.deputy_title, staffing.deputy_signing,
               staffing.category)
    yield f"{prefix}.tccb", Role.SECRETARIAT, staffing.secretariat_title, "", Category.OTHER
    for s in range(1, SYNTHETIC_STAFF_PER_UNIT + 1):
        if s <= len(staffing.leader_titles):
            yield f"{prefix}.cb{s:02d}", Role.STAFF, staffing.leader_titles[s - 1], "", staffing.category
        else:
            yield f"{prefix}.cb{s:02d}", Role.STAFF, "Chuyên viên", "", Category.OTHER


@transaction.atomic
def seed_synthetic_units(*, count: int, parent: OrgUnit, password_hash: str, batch_size: int = 1000) -> tuple[int, int]:
    """Units QN-TN-0001 … QN-TN-<count> under `parent`, each with a head, 2 deputies, a secretariat and
    20 staff, inserted in bulk. Units that already exist are skipped whole. Returns (units, users) created.
    """
    existing = set(OrgUnit.objects.filter(code__startswith=SYNTHETIC_CODE_PREFIX).values_list("code", flat=True))
    wanted = [_synthetic_unit(n, parent) for n in range(1, count + 1) if synthetic_code(n) not in existing]
    if not wanted:
        return 0, 0

    OrgUnit.objects.bulk_create([unit for unit, _staffing in wanted], batch_size=batch_size)
    units = OrgUnit.objects.in_bulk([unit.code for unit, _staffing in wanted], field_name="code")
    # bulk_create bypasses OrgUnit.save(), which derives the materialised path from the pk: the same rule, in bulk.
    OrgUnit.update_paths(units.values())

    rows = []  # (unit, username, role, title, signing title, category, since)
    for unit, staffing in wanted:
        since = unit.valid_from if unit.level == Level.COMMUNE else PROVINCE_TERM_FROM
        rows += [(units[unit.code], *person, since) for person in _synthetic_people(int(unit.code[-4:]), staffing, since)]

    usernames = [row[1] for row in rows]
    name_offset = len(demo_usernames())
    # ignore_conflicts: a username left over from deleted synthetic units is reused rather than failing.
    User.objects.bulk_create(
        [
            User(username=username, full_name=invented_name(name_offset + i), email=demo_email(username),
                 password=password_hash)
            for i, username in enumerate(usernames)
        ],
        batch_size=batch_size,
        ignore_conflicts=True,
    )
    user_ids: dict[str, int] = {}
    for start in range(0, len(usernames), batch_size):  # chunks keep SQLite under its bound-parameter limit
        chunk = usernames[start:start + batch_size]
        user_ids.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))

    Position.objects.bulk_create(
        [
            Position(person_id=user_ids[username], unit=unit, role=role, title=title, signing_title=signing,
                     category=category, start_date=since)
            for unit, username, role, title, signing, category, since in rows
        ],
        batch_size=batch_size,
    )
    return len(wanted), len(usernames)


# --- The login table -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    unit: str


_ROLE_ORDER = {Role.HEAD: 0, Role.DEPUTY: 1, Role.STAFF: 2, Role.SECRETARIAT: 3, Role.INSPECTOR: 4}


def demo_logins(*, on_date: datetime.date) -> list[DemoLogin]:
    """The named demo accounts with what each holds on `on_date` (or held last), in tree order."""
    users = User.objects.filter(username__in=demo_usernames()).prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("unit").order_by("-start_date"))
    )
    unit_order = {spec.code: i for i, spec in enumerate(UNITS)}
    rows = []
    for user in users:
        positions = list(user.positions.all())
        current = [p for p in positions if p.is_held_on(on_date)] or positions[:1]
        if not current:
            role = _("Quản trị hệ thống") if user.is_superuser else "—"
            rows.append(((0, -1, 0), DemoLogin(user.username, user.full_name, role, "")))
            continue
        current.sort(key=lambda p: (unit_order.get(p.unit.code, len(UNITS)), _ROLE_ORDER.get(p.role, 9)))
        first = current[0]
        role = "; ".join(p.get_role_display() for p in current)
        if first.end_date and first.end_date < on_date:
            role = _("%(role)s (đến %(date)s)") % {"role": role, "date": first.end_date.strftime("%d/%m/%Y")}
        unit = "; ".join(dict.fromkeys(p.unit.name for p in current))
        key = (1, unit_order.get(first.unit.code, len(UNITS)), _ROLE_ORDER.get(first.role, 9))
        rows.append((key, DemoLogin(user.username, user.full_name, role, unit)))
    rows.sort(key=lambda row: (row[0], row[1].username))
    return [login for _key, login in rows]
