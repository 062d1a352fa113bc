"""What the benchmark seeds (scripts/bench.py): the organisation a seeding section builds and the plans' texts.

`_seed_proposals` in bench.py asks a `SeedOrg` who proposes the i-th proposal and who decides it; the exports use a
small province of 20 departments, the pages (`province_org`) a province shaped like a real one.
"""

import dataclasses
import datetime
from collections.abc import Callable

# Every seeded person signs in with it (the bench logs in through the real form).
BENCH_PASSWORD = "thu-tai-dang-nhap-2026"  # noqa: S105 (a throw-away database)

START = datetime.date(2024, 1, 1)  # positions held since


@dataclasses.dataclass
class SeedOrg:
    province: object  # OrgUnit
    units: list  # the units that decide proposals; heads[u] heads units[u] and signs its documents as head_titles[u]
    heads: list
    head_titles: list[str]
    # i → (proposer, their position, the employing unit, index in `units` of the deciding unit, route)
    author: Callable[[int], tuple]
    people: dict = dataclasses.field(default_factory=dict)  # the people the pages log in as, by role
    co_authors: list = dataclasses.field(default_factory=list)  # cadres (never heads: a head co-author means route B)


# Titles: a verb phrase on a public service; two verbs in seven say "cải cách" (the search's test word).
VERBS = (
    "Cải cách thủ tục", "Số hóa quy trình", "Rút ngắn thời gian giải quyết", "Liên thông điện tử",
    "Cải cách cách thức tổ chức", "Phân cấp, phân quyền trong", "Ứng dụng trí tuệ nhân tạo hỗ trợ",
)
SERVICES = (
    "cấp giấy phép xây dựng", "đăng ký đất đai lần đầu", "chi trả trợ cấp xã hội", "đăng ký hộ tịch",
    "đăng ký thành lập doanh nghiệp", "thu phí, lệ phí trực tuyến", "khám chữa bệnh ban đầu", "tuyển sinh đầu cấp",
    "tiếp nhận phản ánh, kiến nghị", "lưu trữ hồ sơ điện tử", "cấp phiếu lý lịch tư pháp", "thẩm định dự án đầu tư",
    "quản lý chợ đầu mối", "cấp giấy chứng nhận an toàn thực phẩm",
)
PLACES = ("tại bộ phận một cửa", "trên địa bàn tỉnh", "ở cấp xã", "cho người dân vùng cao", "tại khu công nghiệp")


def plan_texts(i: int) -> dict:
    """The plan of the i-th seeded proposal, complete as a submission requires (Art. 7(2), Art. 5(1), Art. 1, 4(2));
    "cải cách" appears only in titles, so that a search for it finds two proposals in seven."""
    service = SERVICES[i % len(SERVICES)]
    start = datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 300)
    return {
        "title": f"{VERBS[i % len(VERBS)]} {service} {PLACES[i // 7 % len(PLACES)]}",
        "necessity": f"Người dân và doanh nghiệp phải đi lại nhiều lần khi làm thủ tục {service}; hồ sơ giấy dễ thất lạc.",
        "bottleneck": f"Quy định hiện hành yêu cầu nộp bản giấy có chứng thực đối với {service}, chưa công nhận bản điện tử.",
        "legal_references": "Luật Giao dịch điện tử năm 2023; Nghị định số 45/2020/NĐ-CP.",
        "content_solutions": f"Tiếp nhận và trả kết quả {service} hoàn toàn trực tuyến, dùng dữ liệu dân cư sẵn có, "
                             "bỏ yêu cầu nộp lại giấy tờ đã có trong cơ sở dữ liệu.",
        "scope": "Toàn tỉnh, trong 12 tháng.",
        "implementers_targets": "Bộ phận một cửa các cấp; người dân, doanh nghiệp có yêu cầu.",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=180),
        "milestones": "Tháng 1–2: xây dựng quy trình; tháng 3–6: thí điểm; tháng 7–12: nhân rộng.",
        "resources": "Kinh phí thường xuyên của cơ quan; 04 công chức kiêm nhiệm.",
        "feasibility": "Hạ tầng mạng và cơ sở dữ liệu dân cư đã sẵn sàng.",
        "impact": "Giảm chi phí đi lại cho người dân.",
        "expected_results": "Thời gian giải quyết giảm một nửa; 90 % hồ sơ nộp trực tuyến.",
        "indicators": "Tỷ lệ hồ sơ trực tuyến; thời gian giải quyết bình quân.",
        "cond_a_bottleneck": True, "cond_b_common_good": True, "cond_c_urgent_no_harm": True, "cond_d_reform": True,
        "pilot_legal_document": False, "competence_declared": True,
    }


SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Đức", "Thu", "Minh", "Ngọc", "Quang", "Thanh", "Hữu", "Bảo")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hương", "Khánh", "Lan", "Linh", "Long",
         "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vinh", "Yến")
DEPARTMENTS = (
    "Văn phòng Ủy ban nhân dân tỉnh", "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Y tế",
    "Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Môi trường", "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp", "Trung tâm Phục vụ hành chính công", "Bệnh viện Đa khoa tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh", "Trường Cao đẳng Kỹ thuật tỉnh", "Ban Quản lý dự án đầu tư xây dựng tỉnh",
)
SUB_UNITS = ("Văn phòng", "Phòng Kế hoạch – Tài chính", "Phòng Nghiệp vụ")


def _name(n: int) -> str:
    return f"{SURNAMES[n % 13]} {MIDDLE[n // 13 % 10]} {GIVEN[n // 130 % 26]}"


def province_org() -> SeedOrg:
    """A province as the pages meet it: the People's Committee (a chairman, 3 deputies, the provincial inspector and
    30 cadres), 20 departments (director, 2 deputies, a secretariat, 40 cadres) with 3 divisions each (head, 25
    cadres), and 10 former districts (history since 1 July 2025) over 15 communes each (chairman, deputy, 15 cadres):
    about 5,000 people. Cadres propose to their own unit's head (route A); one proposal in fifty is a department
    director's, decided by the province (route B), and one in fifty a provincial cadre's: the chairman's few thousand.
    """
    from django.contrib.auth.hashers import make_password

    from accounts.models import OrgUnit, Position, User
    from proposals.models import Proposal

    Level, Role, Category = OrgUnit.Level, Position.Role, Position.Category
    province = OrgUnit.objects.create(code="BENCH-P", name="Ủy ban nhân dân tỉnh Thử Tải", abbreviation="UBND",
                                      place_name="Thử Tải", level=Level.PROVINCE)
    departments = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"BENCH-D{d}", name=name, abbreviation=f"S{d}", level=Level.PROVINCE, parent=province,
                print_parent_line=True)
        for d, name in enumerate(DEPARTMENTS)
    )
    divisions = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"BENCH-D{d}-{k}", name=f"{sub} – {department.name}", level=Level.PROVINCE, parent=department)
        for d, department in enumerate(departments) for k, sub in enumerate(SUB_UNITS)
    )
    districts = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"BENCH-H{h}", name=f"Ủy ban nhân dân huyện Thử Tải {h + 1}", level=Level.DISTRICT,
                parent=province, valid_to=datetime.date(2025, 6, 30))
        for h in range(10)
    )
    communes = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"BENCH-X{h}-{c}", name=f"Ủy ban nhân dân xã Thử Tải {h + 1}.{c + 1}", abbreviation="UBND",
                level=Level.COMMUNE, parent=district)
        for h, district in enumerate(districts) for c in range(15)
    )
    OrgUnit.update_paths([*departments, *divisions, *districts, *communes])

    # (unit, role, title, category, person's username); heads first, one per deciding unit, in `units` order.
    units = [province, *departments, *divisions, *communes]
    head_titles = ["Chủ tịch", *["Giám đốc"] * len(departments), *["Trưởng phòng"] * len(divisions),
                   *["Chủ tịch"] * len(communes)]
    plan = [(unit, Role.HEAD, title, Category.STATE_LEADER) for unit, title in zip(units, head_titles, strict=True)]
    plan += [(province, Role.DEPUTY, "Phó Chủ tịch", Category.STATE_LEADER)] * 3
    plan += [(province, Role.INSPECTOR, "Chánh Thanh tra tỉnh", Category.STATE_LEADER)]
    for department in departments:
        plan += [(department, Role.DEPUTY, "Phó Giám đốc", Category.STATE_LEADER)] * 2
        plan += [(department, Role.SECRETARIAT, "Chánh Văn phòng", Category.STATE_LEADER)]
    plan += [(commune, Role.DEPUTY, "Phó Chủ tịch", Category.STATE_LEADER) for commune in communes]
    cadres_from = len(plan)
    for unit, count in ((province, 30), *((d, 40) for d in departments), *((d, 25) for d in divisions),
                        *((c, 15) for c in communes)):
        plan += [(unit, Role.STAFF, "Trưởng phòng" if k % 3 == 0 else "Phó Trưởng phòng", Category.STATE_LEADER)
                 for k in range(count)]
    password = make_password(BENCH_PASSWORD)  # once: hashing 5,000 times would take minutes
    people = User.objects.bulk_create(
        (User(username=f"bp{n}", full_name=_name(n), email=f"bp{n}@thutai.gov.vn", password=password)
         for n in range(len(plan))),
        batch_size=2000,
    )
    positions = Position.objects.bulk_create(
        (Position(person=person, unit=unit, role=role, title=title, signing_title=title, category=category,
                  start_date=START)
         for person, (unit, role, title, category) in zip(people, plan, strict=True)),
        batch_size=2000,
    )
    # The former districts' chairmen, until the districts ended.
    ended = User.objects.bulk_create(User(username=f"bp-h{h}", full_name=_name(7 * h), password=password) for h in range(10))
    Position.objects.bulk_create(
        Position(person=person, unit=district, role=Role.HEAD, title="Chủ tịch", start_date=START,
                 end_date=district.valid_to)
        for person, district in zip(ended, districts, strict=True)
    )
    index = {unit.pk: u for u, unit in enumerate(units)}
    province_cadres = [(people[n], positions[n]) for n in range(cadres_from, cadres_from + 30)]
    cadres = [(people[n], positions[n]) for n in range(cadres_from + 30, len(plan))]
    directors = [(people[1 + d], positions[1 + d]) for d in range(len(departments))]

    def author(i: int) -> tuple:
        kind = i // 10 % 50  # not i % 10: that is the proposal's stage
        if kind == 0:
            person, position = province_cadres[i % len(province_cadres)]
            return person, position, province, 0, Proposal.Route.A
        if kind == 1:
            person, position = directors[i % len(directors)]
            return person, position, position.unit, 0, Proposal.Route.B
        person, position = cadres[i * 11 % len(cadres)]  # 11: prime to the 4,550 cadres
        return person, position, position.unit, index[position.unit_id], Proposal.Route.A

    roles = {"chairman": people[0], "inspector": people[len(units) + 3], "proposer": cadres[1][0]}
    return SeedOrg(province=province, units=units, heads=people[: len(units)], head_titles=head_titles,
                   author=author, people=roles, co_authors=[person for person, _position in cadres[::7]])


def existing_province() -> SeedOrg:
    """The province `province_org` seeded earlier into a database kept for reuse (bench.py's BENCH_DB): the province
    and the people the pages log in as, found by their positions as `province_org` made them (the chairman heads
    BENCH-P, the inspector is its INSPECTOR, the proposer the second cadre of the first department). Nothing to seed
    with: `author` and the unit lists are empty."""
    from accounts.models import OrgUnit, Position

    province = OrgUnit.objects.filter(code="BENCH-P").first()
    if province is None:
        raise RuntimeError("No province BENCH-P in this database: BENCH_DB must name a database seeded by "
                           "`BENCH_KEEP_DB=1 make bench SECTIONS=pages`.")
    positions = Position.objects.select_related("person").order_by("person_id")
    roles = {
        "chairman": positions.get(unit=province, role=Position.Role.HEAD, end_date__isnull=True).person,
        "inspector": positions.filter(unit=province, role=Position.Role.INSPECTOR).first().person,
        "proposer": positions.filter(unit__code="BENCH-D0", role=Position.Role.STAFF)[1].person,
    }

    def author(i: int) -> tuple:
        raise RuntimeError("A reused bench database is read, not seeded.")

    return SeedOrg(province=province, units=[], heads=[], head_titles=[], author=author, people=roles)


def seed_drafts(org: SeedOrg, count: int) -> None:
    """`count` drafts (no code, no version, seen by their authors only), and co-authors on one proposal in seven."""
    from django.db import connection

    from core.text import fold
    from proposals.models import Proposal

    drafts = []
    for i in range(count):
        proposer, position, unit, _u, _route = org.author(i * 13 + 5)
        texts = plan_texts(i)
        drafts.append(Proposal(proposer=proposer, proposer_position=position, unit=unit, **texts,
                               search_text=fold(" ".join([texts["title"], texts["bottleneck"], texts["content_solutions"]]))))
    copy_create(Proposal, drafts)
    people = [person.pk for person in org.co_authors]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO proposals_proposal_co_authors (proposal_id, user_id) "
            "SELECT id, (%s::bigint[])[1 + id %% %s] FROM proposals_proposal "
            "WHERE id %% 7 = 0 AND proposer_id <> (%s::bigint[])[1 + id %% %s]",
            [people, len(people), people, len(people)],
        )


def copy_create(model, objects) -> list:
    """`model.objects.bulk_create(objects)` through COPY (PostgreSQL), several times faster for seeding: the ids are
    drawn from the table's sequence first, so the objects come back with their pk as from bulk_create. Field values
    are prepared as a save prepares them (defaults, auto_now_add, related ids); no signals, as bulk_create."""
    import enum

    from django.db import connection

    objects = list(objects)
    if not objects:
        return objects
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(objects)])
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj._prepare_related_fields_for_save(operation_name="copy_create")
            obj.pk = pk
    fields = meta.concrete_fields

    def value(field, obj):
        prepared = field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        return prepared.value if isinstance(prepared, enum.Enum) else prepared

    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([value(field, obj) for field in fields])
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return objects
