"""The three kinds of data and their columns: the file format, the sample file and which header is which column."""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .cells import cell_text, normalize_key
from .files import ImportFileError
from .result import ImportResult


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    # The header written in the sample file. Headers are part of the file format, not UI text: they are not
    # translated, and a header matches whatever its case and accents ("MA DON VI" == "Mã đơn vị").
    header: str
    help: str = ""
    required: bool = False  # the column must be in the file and filled on every row
    required_on_create: bool = False  # filled on every row that creates a record
    aliases: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Kind:
    key: str
    label: str
    columns: tuple[Column, ...]
    example: tuple[str, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


_DATE_HELP = gettext_lazy("Ngày dạng dd/mm/yyyy, hoặc ô ngày của Excel.")

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            key="units",
            label=gettext_lazy("Cơ quan, đơn vị"),
            columns=(
                Column(
                    "ma_don_vi", "Mã đơn vị", gettext_lazy("Mã duy nhất; mã đã có thì dòng là cập nhật."), required=True
                ),
                Column("ten_don_vi", "Tên đơn vị", required_on_create=True),
                Column("viet_tat", "Viết tắt", gettext_lazy("Dùng trong số văn bản, ví dụ: UBND, SNV.")),
                Column("dia_danh", "Địa danh", gettext_lazy("Ví dụ: Hạ Long.")),
                Column(
                    "ma_don_vi_cap_tren",
                    "Mã đơn vị cấp trên",
                    gettext_lazy("Đơn vị đã có hoặc có trong cùng tệp (kể cả ở dòng sau)."),
                ),
                Column(
                    "cap", "Cấp", gettext_lazy("Trung ương, Cấp tỉnh, Cấp xã hoặc Cấp huyện."), required_on_create=True
                ),
                Column(
                    "loai_hinh",
                    "Loại hình",
                    gettext_lazy("Cơ quan hành chính nhà nước (mặc định), Đơn vị sự nghiệp công lập, Doanh nghiệp."),
                ),
                Column("hieu_luc_tu", "Hiệu lực từ", _DATE_HELP),
                Column("hieu_luc_den", "Hiệu lực đến", _DATE_HELP),
                Column("ma_don_vi_ke_thua", "Mã đơn vị kế thừa", gettext_lazy("Đơn vị tiếp nhận sau sáp nhập.")),
            ),
            example=(
                "UBND-XX",
                "Ủy ban nhân dân tỉnh X",
                "UBND",
                "Hạ Long",
                "",
                "Cấp tỉnh",
                "Cơ quan hành chính nhà nước",
                "01/01/2020",
                "",
                "",
            ),
        ),
        Kind(
            key="people",
            label=gettext_lazy("Cán bộ (tài khoản)"),
            columns=(
                Column(
                    "ten_dang_nhap",
                    "Tên đăng nhập",
                    gettext_lazy("Tên đăng nhập đã có thì dòng là cập nhật."),
                    required=True,
                ),
                Column("ho_ten", "Họ tên", required_on_create=True, aliases=("ho_va_ten",)),
                Column("email", "Email", aliases=("e_mail", "thu_dien_tu")),
                Column("ma_can_bo", "Mã cán bộ", gettext_lazy("Duy nhất nếu có.")),
            ),
            example=("nguyenvana", "Nguyễn Văn A", "nguyenvana@example.gov.vn", "CB0001"),
        ),
        Kind(
            key="positions",
            label=gettext_lazy("Chức vụ"),
            columns=(
                Column("ten_dang_nhap", "Tên đăng nhập", gettext_lazy("Cán bộ đã có tài khoản."), required=True),
                Column("ma_don_vi", "Mã đơn vị", gettext_lazy("Đơn vị đã có."), required=True),
                Column(
                    "vai_tro",
                    "Vai trò",
                    gettext_lazy("Người đứng đầu, Cấp phó, Cán bộ, Cơ quan tham mưu, Kiểm tra."),
                    required=True,
                ),
                Column("chuc_danh", "Chức danh", gettext_lazy("Ví dụ: Giám đốc Sở.")),
                Column("doi_tuong", "Đối tượng", gettext_lazy("Đối tượng theo Điều 2; mặc định: không thuộc Điều 2.")),
                Column(
                    "tu_ngay",
                    "Từ ngày",
                    gettext_lazy("dd/mm/yyyy. Cùng cán bộ, đơn vị, vai trò và từ ngày thì dòng là cập nhật."),
                    required=True,
                ),
                Column("den_ngay", "Đến ngày", _DATE_HELP),
            ),
            example=("nguyenvana", "UBND-XX", "Cấp phó", "Phó Chủ tịch", "", "01/01/2024", ""),
        ),
    )
}
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]


def sample_rows(kind: str) -> list[list[str]]:
    """The header and one example row of the downloadable CSV template."""
    return [KINDS[kind].headers, list(KINDS[kind].example)]


def _recognises(kind: Kind, names: set[str]) -> bool:
    keys = {normalize_key(name) for column in kind.columns for name in (column.key, column.header, *column.aliases)}
    return bool(names) and names <= keys


def map_header(kind: Kind, header: list, result: ImportResult) -> dict[int, str]:
    """Column index → column key. Raises ImportFileError when a required column is missing."""
    lookup = {
        normalize_key(name): column.key
        for column in kind.columns
        for name in (column.key, column.header, *column.aliases)
    }
    mapping, unknown = {}, []
    for index, cell in enumerate(header):
        name = cell_text(cell)
        if not name:
            continue
        key = lookup.get(normalize_key(name))
        if key is None:
            unknown.append(name)
        elif key in mapping.values():
            raise ImportFileError(_("Cột «%(name)s» có hai lần ở dòng tiêu đề.") % {"name": name}, row=1)
        else:
            mapping[index] = key
    missing = [column.header for column in kind.columns if column.required and column.key not in mapping.values()]
    # Every header belongs to another kind: the user picked the wrong kind (a positions file as people...).
    names = {normalize_key(cell_text(cell)) for cell in header if cell_text(cell)}
    other = next((other for other in KINDS.values() if other is not kind and _recognises(other, names)), None)
    if other and (missing or unknown):
        raise ImportFileError(
            _("Các cột của tệp là của dữ liệu «%(other)s», không phải «%(kind)s»: hãy chọn đúng loại dữ liệu.")
            % {"other": other.label, "kind": kind.label},
            row=1,
        )
    if missing:
        raise ImportFileError(
            _("Dòng tiêu đề thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)}, row=1
        )
    if unknown:
        result.warnings.append(_("Bỏ qua các cột không dùng: %(columns)s.") % {"columns": ", ".join(unknown)})
    return mapping
