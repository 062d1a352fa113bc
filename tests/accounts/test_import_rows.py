"""Import of units, people and positions from CSV/XLSX, row by row: valid files create rows, every bad row is
reported with its row and nothing is written, existing codes update, one head per unit at a time.
"""

import datetime

import pytest

from accounts.importing import org_import_commit, org_import_preview
from accounts.models import OrgUnit, Position, User
from tests.accounts.spreadsheets import (
    PEOPLE_HEADER,
    POSITION_HEADER,
    UNIT_HEADER,
    counts,
    csv_bytes,
    errors_by_row,
    unit_row,
    xlsx_bytes,
)
from tests.factories import OrgUnitFactory, UserFactory

# --- Valid files create rows ----------------------------------------------------------------------------


def test_units_csv_creates_tree_with_parent_defined_further_down(province, admin_user):
    content = csv_bytes(
        [
            UNIT_HEADER,
            unit_row("P-TC", "Phòng Tổ chức cán bộ", parent="SYT-QN"),  # its parent is on the next row
            unit_row(
                "SYT-QN", "Sở Y tế tỉnh Quảng Ninh", parent="UBND-QN", **{"Viết tắt": "SYT", "Địa danh": "Hạ Long"}
            ),
            unit_row(
                "XA-1",
                "Ủy ban nhân dân xã Một",
                parent="UBND-QN",
                level="Cấp xã",
                **{"Loại hình": "Cơ quan hành chính nhà nước"},
            ),
            unit_row(
                "HUYEN-CU",
                "Ủy ban nhân dân huyện Cũ",
                parent="UBND-QN",
                level="Cấp huyện",
                **{"Hiệu lực từ": "01/01/2000", "Hiệu lực đến": "30/06/2025", "Mã đơn vị kế thừa": "XA-1"},
            ),
        ]
    )

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="don-vi.csv")

    assert result.errors == []
    assert result.committed and len(result.to_create) == 4
    syt, ptc = OrgUnit.objects.get(code="SYT-QN"), OrgUnit.objects.get(code="P-TC")
    assert (syt.parent, syt.abbreviation, syt.place_name, syt.level) == (province, "SYT", "Hạ Long", "province")
    assert ptc.parent == syt
    # Paths are what OrgUnit.save() would have computed.
    assert syt.path == f"{province.path}{syt.pk}/"
    assert ptc.path == f"{province.path}{syt.pk}/{ptc.pk}/"
    assert set(OrgUnit.objects.subtree_of(syt)) == {syt, ptc}
    old = OrgUnit.objects.get(code="HUYEN-CU")
    assert (old.level, old.valid_to, old.successor.code) == ("district", datetime.date(2025, 6, 30), "XA-1")
    assert OrgUnit.objects.get(code="XA-1").valid_from == datetime.date(2021, 1, 1)


def test_units_xlsx_with_excel_dates_and_unaccented_uppercase_headers(admin_user, db):
    content = xlsx_bytes(
        [
            ["MA DON VI", "TEN DON VI", "CAP", "LOAI HINH", "HIEU LUC TU", "Ma don vi cap tren"],
            ["BO-NV", "Bộ Nội vụ", "Trung ương", "state_agency", datetime.date(2020, 3, 5), None],
            [
                "VIEN-1",
                "Viện Khoa học tổ chức nhà nước",
                "central",
                "Đơn vị sự nghiệp công lập",
                datetime.datetime(2021, 7, 1),
                "BO-NV",
            ],
        ]
    )

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="don-vi.xlsx")

    assert result.errors == [] and result.committed
    bo, vien = OrgUnit.objects.get(code="BO-NV"), OrgUnit.objects.get(code="VIEN-1")
    assert bo.valid_from == datetime.date(2020, 3, 5)  # 05/03, day first
    assert (vien.parent, vien.kind, vien.path) == (bo, "public_service", f"/{bo.pk}/{vien.pk}/")


def test_semicolon_separated_csv_from_vietnamese_excel(admin_user, db):
    content = csv_bytes([UNIT_HEADER, unit_row("BO-TC", "Bộ Tài chính", level="Trung ương")], delimiter=";")

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="x.csv")

    assert result.errors == [] and OrgUnit.objects.filter(code="BO-TC").exists()


def test_people_csv_without_bom_creates_accounts_with_unusable_password(admin_user):
    content = csv_bytes(
        [
            PEOPLE_HEADER,
            ["nguyenvana", "Nguyễn Văn A", "NguyenVanA@Example.GOV.VN", "CB0001"],
            ["tranthib", "Trần Thị B", "", ""],
        ],
        bom=False,
    )

    result = org_import_commit(kind="people", content=content, actor=admin_user, file_name="can-bo.csv")

    assert result.errors == [] and len(result.to_create) == 2
    a, b = User.objects.get(username="nguyenvana"), User.objects.get(username="tranthib")
    assert (a.full_name, a.employee_code, a.email) == ("Nguyễn Văn A", "CB0001", "NguyenVanA@example.gov.vn")
    assert b.employee_code is None  # blank is "no code", not "" (which would clash with the next blank)
    assert not a.has_usable_password() and not b.has_usable_password()
    assert not a.is_staff and a.is_active


def test_people_xlsx_numeric_codes_become_text(admin_user, db):
    content = xlsx_bytes([["ten_dang_nhap", "ho_ten", "email", "ma_can_bo"], ["levanc", "Lê Văn C", None, 1234]])

    result = org_import_commit(kind="people", content=content, actor=admin_user, file_name="can-bo.xlsx")

    assert result.errors == []
    assert User.objects.get(username="levanc").employee_code == "1234"


@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
def test_positions_create(as_xlsx, department, province, admin_user):
    UserFactory(username="ngoc"), UserFactory(username="minh"), UserFactory(username="lan")
    start = datetime.date(2025, 1, 1) if as_xlsx else "01/01/2025"
    rows = [
        POSITION_HEADER,
        ["ngoc", "SNV-QN", "Người đứng đầu", "Giám đốc Sở", "state_leader", start, ""],
        ["minh", "SNV-QN", "deputy", "Phó Giám đốc", "", start, ""],
        ["lan", "UBND-QN", "Kiểm tra, thanh tra", "", "", "05/04/2024", "31/12/2024"],
    ]
    content = xlsx_bytes(rows) if as_xlsx else csv_bytes(rows)

    result = org_import_commit(kind="positions", content=content, actor=admin_user, file_name="chuc-vu")

    assert result.errors == [] and len(result.to_create) == 3
    head = Position.objects.get(person__username="ngoc")
    assert (head.unit, head.role, head.title, head.category) == (department, "head", "Giám đốc Sở", "state_leader")
    assert head.start_date == datetime.date(2025, 1, 1) and head.end_date is None
    assert Position.objects.get(person__username="minh").category == Position.Category.OTHER  # the model default
    inspector = Position.objects.get(person__username="lan")
    assert (inspector.unit, inspector.role) == (province, "inspector")
    assert (inspector.start_date, inspector.end_date) == (datetime.date(2024, 4, 5), datetime.date(2024, 12, 31))


def test_cells_starting_with_formula_characters_are_stored_as_typed(admin_user, db):
    rows = [
        ["ma_don_vi", "ten_don_vi", "viet_tat", "dia_danh", "cap"],
        ["F-1", '=HYPERLINK("http://x.invalid","bấm")', "@SUM", "+84", "Cấp tỉnh"],
        ["F-2", "-Đơn vị", "=1+2", "", "Cấp tỉnh"],  # openpyxl writes "=1+2" as a real formula cell
    ]

    assert org_import_commit(kind="units", content=xlsx_bytes(rows), actor=admin_user, file_name="f.xlsx").committed

    f1, f2 = OrgUnit.objects.get(code="F-1"), OrgUnit.objects.get(code="F-2")
    assert (f1.name, f1.abbreviation, f1.place_name) == ('=HYPERLINK("http://x.invalid","bấm")', "@SUM", "+84")
    assert (f2.name, f2.abbreviation) == ("-Đơn vị", "=1+2")


# --- Bad rows: every error reported with its row, nothing written ---------------------------------------


def test_bad_unit_rows_are_each_reported_and_nothing_is_written(province, admin_user):
    content = csv_bytes(
        [
            UNIT_HEADER,
            unit_row("OK-1", "Đơn vị hợp lệ", parent="UBND-QN"),  # row 2
            unit_row("THIEU-TEN", "", parent="UBND-QN"),  # 3
            unit_row("MO-COI", "Đơn vị mồ côi", parent="KHONG-CO"),  # 4
            unit_row("OK-1", "Trùng mã", parent="UBND-QN"),  # 5
            unit_row("NGUOC", "Ngày ngược", **{"Hiệu lực từ": "01/01/2024", "Hiệu lực đến": "31/12/2023"}),  # 6
            unit_row("CAP-SAI", "Cấp sai", level="Cấp thôn"),  # 7
            unit_row("NGAY-SAI", "Ngày sai", **{"Hiệu lực từ": "31/02/2024"}),  # 8
            unit_row("HUYEN", "Huyện còn hiệu lực", level="district"),  # 9
            unit_row("NGAY-MY", "Ngày kiểu Mỹ", **{"Hiệu lực từ": "2024/12/31"}),  # 10
        ]
    )
    before = counts()

    preview = org_import_preview(kind="units", content=content)
    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="loi.csv")

    assert counts() == before
    assert not result.committed
    assert [planned.row for planned in preview.to_create] == [planned.row for planned in result.to_create] == [2]
    errors = errors_by_row(result)
    assert errors == errors_by_row(preview)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert errors[3] == ["Tên đơn vị: Thiếu giá trị bắt buộc."]
    assert "KHONG-CO" in errors[4][0] and errors[4][0].startswith("Mã đơn vị cấp trên:")
    assert errors[5] == ["Mã đơn vị: Mã đơn vị «OK-1» trùng với dòng 2."]
    assert errors[6] == ["Hiệu lực đến: Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."]
    assert errors[7][0].startswith("Cấp: «Cấp thôn» không hợp lệ. Dùng một trong: Trung ương, Cấp tỉnh")
    assert errors[8] == ["Hiệu lực từ: «31/02/2024» không phải ngày dạng dd/mm/yyyy."]
    assert errors[9] == ["Hiệu lực đến: Đơn vị cấp huyện chỉ còn là lịch sử: hiệu lực phải kết thúc trước 01/7/2025."]
    assert errors[10] == ["Hiệu lực từ: «2024/12/31» không phải ngày dạng dd/mm/yyyy."]


def test_bad_people_rows_are_reported(admin_user, proposer):
    proposer.employee_code = "CB-CU"
    proposer.save()
    content = csv_bytes(
        [
            PEOPLE_HEADER,
            ["hople", "Người hợp lệ", "", ""],  # 2
            ["thu dien tu", "Có dấu cách", "", ""],  # 3: not a valid username
            ["emailsai", "Email sai", "khong-phai-email", ""],  # 4
            ["HoPle", "Trùng khác hoa thường", "", ""],  # 5
            ["maCB", "Mã cán bộ của người khác", "", "CB-CU"],  # 6
            ["thieuten", "", "", ""],  # 7
            ["TruongPhong", "Giống tài khoản đã có", "", ""],  # 8
        ]
    )
    before = counts()

    result = org_import_commit(kind="people", content=content, actor=admin_user, file_name="loi.csv")

    assert counts() == before and not result.committed
    errors = errors_by_row(result)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert errors[3][0].startswith("Tên đăng nhập: Điền tên đăng nhập hợp lệ")
    assert errors[4] == ["Email: Nhập một địa chỉ email hợp lệ."]  # Django REST framework's Vietnamese, which ranks above Django's own
    assert errors[5] == ["Tên đăng nhập: Tên đăng nhập «HoPle» trùng với dòng 2."]
    assert errors[6] == ["Mã cán bộ: Mã cán bộ «CB-CU» đã thuộc về tài khoản «truongphong»."]
    assert errors[7] == ["Họ tên: Thiếu giá trị bắt buộc."]
    assert errors[8] == ["Tên đăng nhập: Đã có tài khoản «truongphong» (chỉ khác chữ hoa, chữ thường)."]


def test_bad_position_rows_are_reported(department, admin_user):
    UserFactory(username="an")
    content = csv_bytes(
        [
            POSITION_HEADER,
            ["an", "SNV-QN", "Cán bộ, công chức, viên chức", "", "", "01/01/2025", ""],  # 2
            ["khongco", "SNV-QN", "staff", "", "", "01/01/2025", ""],  # 3
            ["an", "KHONG-CO", "staff", "", "", "01/01/2025", ""],  # 4
            ["an", "SNV-QN", "Bảo vệ", "", "", "01/01/2025", ""],  # 5
            ["an", "SNV-QN", "deputy", "", "", "01/06/2025", "01/01/2025"],  # 6
            ["an", "SNV-QN", "deputy", "", "", "", ""],  # 7
            ["an", "SNV-QN", "staff", "", "", "01/01/2025", ""],  # 8: same as row 2
        ]
    )
    before = counts()

    result = org_import_commit(kind="positions", content=content, actor=admin_user, file_name="loi.csv")

    assert counts() == before and not result.committed
    errors = errors_by_row(result)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert errors[3] == ["Tên đăng nhập: Không có tài khoản «khongco». Hãy nhập danh sách cán bộ trước."]
    assert errors[4] == ["Mã đơn vị: Không có đơn vị mã «KHONG-CO». Hãy nhập danh sách đơn vị trước."]
    assert errors[5][0].startswith("Vai trò: «Bảo vệ» không hợp lệ.")
    assert errors[6] == ["Đến ngày: Ngày kết thúc phải sau ngày bắt đầu."]
    assert errors[7] == ["Từ ngày: Thiếu giá trị bắt buộc."]
    assert errors[8] == [": Chức vụ này (cùng cán bộ, đơn vị, vai trò, từ ngày) trùng với dòng 2."]


def test_row_numbers_are_the_spreadsheet_rows_even_after_blank_rows(admin_user, db):
    content = xlsx_bytes(
        [
            ["ma_don_vi", "ten_don_vi", "cap"],
            ["A", "Đơn vị A", "Cấp tỉnh"],
            [None, None, None],
            ["B", "", "Cấp tỉnh"],
        ]
    )

    result = org_import_preview(kind="units", content=content)

    assert [(error.row, error.column) for error in result.errors] == [(4, "ten_don_vi")]


def test_a_loop_in_the_tree_is_refused(units, admin_user):
    content = csv_bytes(
        [
            ["ma_don_vi", "ma_don_vi_cap_tren"],
            ["SNV-QN", "STC-QN"],
            ["STC-QN", "SNV-QN"],
        ]
    )

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="vong.csv")

    assert sorted(errors_by_row(result)) == [2, 3]
    assert "không được là chính nó hoặc đơn vị cấp dưới" in result.errors[0].message
    units["department"].refresh_from_db()
    assert units["department"].parent == units["province"]


# --- Updates --------------------------------------------------------------------------------------------


def test_existing_codes_update_and_blank_cells_keep_values(units, admin_user):
    department = units["department"]
    content = csv_bytes(
        [
            ["Mã đơn vị", "Tên đơn vị", "Viết tắt", "Cấp"],
            ["SNV-QN", "Sở Nội vụ tỉnh Quảng Ninh (mới)", "", ""],
            ["STC-QN", "Sở Tài chính tỉnh Quảng Ninh", "STC", "Cấp tỉnh"],  # same as the database
            ["SXD-QN", "Sở Xây dựng tỉnh Quảng Ninh", "SXD", "Cấp tỉnh"],
        ]
    )

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="cap-nhat.csv")

    assert result.errors == []
    assert (len(result.to_create), len(result.to_update), result.unchanged) == (1, 1, 1)
    department.refresh_from_db()
    assert (department.name, department.abbreviation) == ("Sở Nội vụ tỉnh Quảng Ninh (mới)", "SNV")
    assert department.parent == units["province"]


def test_moving_a_unit_repaths_its_existing_descendants(units, admin_user):
    department, other = units["department"], units["other"]
    office = OrgUnitFactory(code="VP-SNV", parent=department)
    content = csv_bytes([["ma_don_vi", "ma_don_vi_cap_tren"], ["SNV-QN", "STC-QN"]])

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="chuyen.csv")

    assert result.errors == [] and len(result.to_update) == 1
    department.refresh_from_db()
    office.refresh_from_db()
    assert department.path == f"{other.path}{department.pk}/"
    assert office.path == f"{other.path}{department.pk}/{office.pk}/"


def test_moving_an_existing_unit_under_a_unit_created_by_the_same_file(units, admin_user):
    department = units["department"]
    content = csv_bytes(
        [
            ["ma_don_vi", "ten_don_vi", "ma_don_vi_cap_tren", "cap"],
            ["SNV-QN", "", "KHOI-NV", ""],  # existing, moved under the next row
            ["KHOI-NV", "Khối Nội chính", "UBND-QN", "Cấp tỉnh"],
        ]
    )

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="khoi.csv")

    assert result.errors == []
    block = OrgUnit.objects.get(code="KHOI-NV")
    department.refresh_from_db()
    assert department.parent == block
    assert department.path == f"{units['province'].path}{block.pk}/{department.pk}/"


def test_importing_the_same_file_again_changes_nothing(province, admin_user):
    content = csv_bytes([UNIT_HEADER, unit_row("SYT-QN", "Sở Y tế", parent="UBND-QN")])
    assert org_import_commit(kind="units", content=content, actor=admin_user, file_name="a.csv").committed

    again = org_import_preview(kind="units", content=content)

    assert again.errors == [] and not again.has_changes and again.unchanged == 1


def test_existing_usernames_update_people(proposer, admin_user):
    proposer.email = "cu@example.gov.vn"
    proposer.save()
    content = csv_bytes([PEOPLE_HEADER, ["truongphong", "Phạm Văn Trưởng", "", "CB-9"]])

    result = org_import_commit(kind="people", content=content, actor=admin_user, file_name="cap-nhat.csv")

    assert result.errors == [] and len(result.to_update) == 1 and not result.to_create
    proposer.refresh_from_db()
    assert (proposer.full_name, proposer.email, proposer.employee_code) == (
        "Phạm Văn Trưởng",
        "cu@example.gov.vn",
        "CB-9",
    )
    assert proposer.check_password("Matkhau@2026")  # an update never touches the password


def test_existing_position_is_updated_by_person_unit_role_and_start(head, admin_user):
    content = csv_bytes(
        [POSITION_HEADER, ["giamdoc", "SNV-QN", "head", "Giám đốc Sở Nội vụ", "", "01/01/2024", "31/12/2025"]]
    )

    result = org_import_commit(kind="positions", content=content, actor=admin_user, file_name="cap-nhat.csv")

    assert result.errors == [] and len(result.to_update) == 1 and not result.to_create
    position = Position.objects.get(person=head)
    assert (position.title, position.end_date) == ("Giám đốc Sở Nội vụ", datetime.date(2025, 12, 31))


# --- One head per unit at a time ------------------------------------------------------------------------


def test_a_second_head_overlapping_the_sitting_head_is_refused(head, admin_user):
    UserFactory(username="giamdocmoi")
    content = csv_bytes([POSITION_HEADER, ["giamdocmoi", "SNV-QN", "Người đứng đầu", "", "", "01/01/2026", ""]])
    before = counts()

    result = org_import_commit(kind="positions", content=content, actor=admin_user, file_name="dau.csv")

    assert counts() == before
    assert errors_by_row(result) == {2: ["Từ ngày: Đơn vị đã có người đứng đầu trong khoảng thời gian này."]}


def test_heads_overlapping_within_the_file_are_refused(units, admin_user):
    UserFactory(username="mot"), UserFactory(username="hai")
    content = csv_bytes(
        [
            POSITION_HEADER,
            ["mot", "STC-QN", "head", "", "", "01/01/2024", "31/12/2025"],
            ["hai", "STC-QN", "head", "", "", "01/06/2025", ""],
        ]
    )

    result = org_import_commit(kind="positions", content=content, actor=admin_user, file_name="dau.csv")

    assert not result.committed and Position.objects.filter(unit=units["other"]).count() == 0
    assert errors_by_row(result) == {3: ["Từ ngày: Trùng thời gian với người đứng đầu ở dòng 2."]}


def test_closing_the_sitting_head_and_appointing_the_next_in_one_file(head, department, admin_user):
    successor = UserFactory(username="giamdocmoi")
    content = csv_bytes(
        [
            POSITION_HEADER,
            ["giamdocmoi", "SNV-QN", "head", "Giám đốc", "", "01/01/2026", ""],
            ["giamdoc", "SNV-QN", "head", "Giám đốc", "", "01/01/2024", "31/12/2025"],
        ]
    )

    preview = org_import_preview(kind="positions", content=content)

    assert preview.errors == [] and (len(preview.to_create), len(preview.to_update)) == (1, 1)
    # The preview applied the update only to check the new head, then rolled it back.
    assert Position.objects.get(person=head).end_date is None

    result = org_import_commit(kind="positions", content=content, actor=admin_user, file_name="ban-giao.csv")

    assert result.committed
    assert Position.objects.get(person=head).end_date == datetime.date(2025, 12, 31)
    assert Position.objects.get(person=successor).unit == department
