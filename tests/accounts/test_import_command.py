"""`manage.py import_org`: a dry run by default that reports every error with its row, then `--commit` as an
actor who may import.
"""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from core.models import AuditEvent
from tests.accounts.spreadsheets import PEOPLE_HEADER, UNIT_HEADER, counts, csv_bytes, unit_row, xlsx_bytes
from tests.factories import UserFactory


def test_command_dry_run_reports_errors_with_rows_and_fails(tmp_path, province, capsys):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_bytes([UNIT_HEADER, unit_row("A", "Đơn vị A"), unit_row("B", "", parent="KHONG-CO")]))
    before = counts()

    with pytest.raises(CommandError, match="2 lỗi"):
        call_command("import_org", "units", str(path))

    err = capsys.readouterr().err
    assert "Dòng 3 [Tên đơn vị]: Thiếu giá trị bắt buộc." in err
    assert "Dòng 3 [Mã đơn vị cấp trên]: Không tìm thấy đơn vị «KHONG-CO»" in err
    assert counts() == before


def test_command_dry_run_then_commit(tmp_path, admin_user, capsys):
    path = tmp_path / "can-bo.xlsx"
    path.write_bytes(xlsx_bytes([PEOPLE_HEADER, ["nguyenvana", "Nguyễn Văn A", None, None]]))

    call_command("import_org", "people", str(path))
    assert "Chạy thử, chưa ghi gì: sẽ tạo mới 1" in capsys.readouterr().out
    assert not User.objects.filter(username="nguyenvana").exists()

    with pytest.raises(CommandError, match="--actor"):
        call_command("import_org", "people", str(path), "--commit")
    UserFactory(username="khongquyen")
    with pytest.raises(CommandError, match="không có quyền nhập dữ liệu tổ chức"):
        call_command("import_org", "people", str(path), "--commit", "--actor", "khongquyen")

    call_command("import_org", "people", str(path), "--commit", "--actor", "quantri")
    assert "Đã ghi: tạo mới 1" in capsys.readouterr().out
    assert User.objects.filter(username="nguyenvana").exists()
    event = AuditEvent.objects.get(action="org_import")
    assert event.actor == admin_user and event.payload["file_name"] == "can-bo.xlsx"
