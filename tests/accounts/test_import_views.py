"""The import in the browser: upload, preview, confirm; the token is the uploader's only; who may import.
"""

import csv
import datetime
import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts import importing
from accounts.importing import org_import_commit, org_import_preview
from accounts.models import ORG_IMPORT_PERMISSIONS, User
from core.models import AuditEvent
from tests.accounts.spreadsheets import EXE, PEOPLE_HEADER, UNIT_HEADER, counts, csv_bytes, unit_row
from tests.factories import staff_with


def upload(client, kind, content, name="du-lieu.csv", follow=False):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("accounts:import_start"), {"kind": kind, "file": file}, follow=follow)


def token_of(response) -> str:
    return parse_qs(urlparse(response["Location"]).query)["t"][0]


@pytest.mark.parametrize("name", ["can-bo.csv", "can-bo.xlsx"])
def test_an_exe_renamed_csv_or_xlsx_is_refused_at_upload(name, admin_client, private_media):
    response = upload(admin_client, "people", EXE, name=name)

    assert response.status_code == 200
    assert "không phải bảng tính Excel (.xlsx) hay CSV mã hóa UTF-8" in response.content.decode()
    assert not (private_media / "imports").exists() or not any((private_media / "imports").iterdir())


def test_a_file_over_the_limit_is_refused_at_upload(admin_client, settings, private_media):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    content = csv_bytes([PEOPLE_HEADER] + [[f"cb{i}", "Cán bộ", "", ""] for i in range(100)])
    assert len(content) > 1024

    response = upload(admin_client, "people", content)

    assert response.status_code == 200
    assert "Tệp quá lớn: tối đa" in response.content.decode()
    assert not (private_media / "imports").exists() or not any((private_media / "imports").iterdir())
    assert org_import_preview(kind="people", content=content).errors[0].message.startswith("Tệp quá lớn")


def test_upload_of_a_bad_file_previews_every_error_and_offers_no_confirm(admin_client, province):
    content = csv_bytes(
        [
            UNIT_HEADER,
            unit_row("OK", "Đơn vị tốt", parent="UBND-QN"),
            unit_row("XAU", "Đơn vị xấu", parent="KHONG-CO"),
            unit_row("OK", "Trùng", parent="UBND-QN"),
        ]
    )
    before = counts()

    response = upload(admin_client, "units", content, name="don-vi.csv", follow=True)

    page = response.content.decode()
    assert response.status_code == 200 and counts() == before
    assert "Không tìm thấy đơn vị «KHONG-CO» trong hệ thống hay trong tệp." in page
    assert "Mã đơn vị «OK» trùng với dòng 2." in page
    assert "<td>3</td><td>Mã đơn vị cấp trên</td>" in page and "<td>4</td><td>Mã đơn vị</td>" in page
    assert reverse("accounts:import_confirm") not in page


def test_upload_preview_confirm_creates_rows_and_one_audit_event(admin_client, admin_user, document_store, db):
    content = csv_bytes([PEOPLE_HEADER, ["nguyenvana", "Nguyễn Văn A", "", ""], ["tranthib", "Trần Thị B", "", ""]])

    response = upload(admin_client, "people", content, name="can-bo.csv")
    assert response.status_code == 302
    token = token_of(response)
    assert len(default_storage.listdir("imports")[1]) == 1  # kept in the document store, for whichever node confirms
    preview = admin_client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200 and User.objects.filter(username="nguyenvana").count() == 0
    assert '<dd class="h4 mb-0" id="count-create">2</dd>' in page and "Nguyễn Văn A" in page
    assert reverse("accounts:import_confirm") in page

    confirmed = admin_client.post(reverse("accounts:import_confirm"), {"t": token}, follow=True)

    assert confirmed.redirect_chain == [(reverse("accounts:import_start"), 302)]
    assert "tạo mới 2, cập nhật 0" in confirmed.content.decode()
    assert set(User.objects.filter(username__in=["nguyenvana", "tranthib"]).values_list("full_name", flat=True)) == {
        "Nguyễn Văn A",
        "Trần Thị B",
    }
    event = AuditEvent.objects.get(action="org_import")
    assert (event.actor, event.object_type, event.object_id) == (admin_user, "accounts.user", str(admin_user.pk))
    assert event.payload == {"kind": "people", "created": 2, "updated": 0, "file_name": "can-bo.csv"}
    assert default_storage.listdir("imports")[1] == []  # the upload is gone once imported

    again = admin_client.post(reverse("accounts:import_confirm"), {"t": token}, follow=True)
    assert "đã hết hạn hoặc đã được ghi" in again.content.decode()
    assert AuditEvent.objects.filter(action="org_import").count() == 1


def test_a_token_works_only_for_the_user_who_uploaded(admin_client, client, db):
    content = csv_bytes([PEOPLE_HEADER, ["nguyenvana", "Nguyễn Văn A", "", ""]])
    token = token_of(upload(admin_client, "people", content))
    other_admin = staff_with("quantri2", *ORG_IMPORT_PERMISSIONS)
    client.force_login(other_admin)

    stolen = client.post(reverse("accounts:import_confirm"), {"t": token}, follow=True)
    forged = client.get(reverse("accounts:import_preview"), {"t": token[:-2] + "xx"}, follow=True)

    assert "đã hết hạn hoặc đã được ghi" in stolen.content.decode()
    assert "đã hết hạn hoặc đã được ghi" in forged.content.decode()
    assert not User.objects.filter(username="nguyenvana").exists()


@pytest.mark.parametrize("kind", ["units", "people", "positions"])
def test_sample_template_is_a_utf8_bom_csv(kind, admin_client):
    response = admin_client.get(reverse("accounts:import_template", args=[kind]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == importing.KINDS[kind].headers and len(rows) == 2


@pytest.mark.parametrize("kind", ["units", "people"])
def test_sample_template_imports_as_is(kind, admin_client):
    body = b"".join(admin_client.get(reverse("accounts:import_template", args=[kind])).streaming_content)

    assert org_import_preview(kind=kind, content=body).errors == []


def test_unknown_template_kind_is_404(admin_client):
    assert admin_client.get(reverse("accounts:import_template", args=["khac"])).status_code == 404


def test_navbar_links_to_import_only_for_those_who_may_import(client, admin_user, proposer):
    link = reverse("accounts:import_start")
    calendar_clerk = staff_with("lich", "core.change_calendarday")
    importer = staff_with("nhapdulieu", *ORG_IMPORT_PERMISSIONS)

    def shown_to(user) -> tuple[bool, bool]:
        client.force_login(user)
        html = client.get(reverse("core:home")).content.decode()
        return link in html, reverse("admin:index") in html

    assert shown_to(proposer) == (False, False)
    assert shown_to(calendar_clerk) == (False, True)  # the admin link stays for every staff member
    assert shown_to(importer) == (True, True)
    assert shown_to(admin_user) == (True, True)


GET_URLS = [
    ("accounts:import_start", [], ""),
    ("accounts:import_preview", [], "?t=x"),
    ("accounts:import_template", ["units"], ""),
]


@pytest.mark.parametrize(("name", "args", "query"), GET_URLS)
def test_anonymous_is_sent_to_login(name, args, query, client, db):
    response = client.get(reverse(name, args=args) + query)

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_confirm_is_sent_to_login(client, db):
    response = client.post(reverse("accounts:import_confirm"), {"t": "x"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "args", "query"), GET_URLS)
def test_non_staff_is_forbidden(name, args, query, client, proposer):
    client.force_login(proposer)

    assert client.get(reverse(name, args=args) + query).status_code == 403


def test_non_staff_cannot_upload_or_confirm(client, proposer):
    client.force_login(proposer)
    content = csv_bytes([PEOPLE_HEADER, ["x", "X", "", ""]])

    assert upload(client, "people", content).status_code == 403
    assert client.post(reverse("accounts:import_confirm"), {"t": "x"}).status_code == 403


@pytest.mark.parametrize("missing", ORG_IMPORT_PERMISSIONS)
def test_staff_missing_one_of_the_import_permissions_is_forbidden(missing, client, db):
    client.force_login(staff_with("thieuquyen", *[name for name in ORG_IMPORT_PERMISSIONS if name != missing]))
    content = csv_bytes([PEOPLE_HEADER, ["x", "X", "", ""]])

    for name, args, query in GET_URLS:
        assert client.get(reverse(name, args=args) + query).status_code == 403, name
    assert upload(client, "people", content).status_code == 403
    assert client.post(reverse("accounts:import_confirm"), {"t": "x"}).status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_staff_with_the_import_permissions_imports_without_being_superuser(client, db):
    importer = staff_with("nhapdulieu", *ORG_IMPORT_PERMISSIONS)
    client.force_login(importer)
    content = csv_bytes([PEOPLE_HEADER, ["nguyenvana", "Nguyễn Văn A", "", ""]])

    token = token_of(upload(client, "people", content))
    assert client.get(reverse("accounts:import_preview"), {"t": token}).status_code == 200
    client.post(reverse("accounts:import_confirm"), {"t": token})

    assert User.objects.filter(username="nguyenvana").exists()
    assert AuditEvent.objects.get(action="org_import").actor == importer


def test_the_import_service_refuses_an_actor_without_the_permissions(proposer):
    content = csv_bytes([PEOPLE_HEADER, ["nguyenvana", "Nguyễn Văn A", "", ""]])
    clerk = staff_with("lich", "accounts.add_user", "accounts.change_user")

    for actor in (proposer, clerk):
        with pytest.raises(PermissionDenied):
            org_import_commit(kind="people", content=content, actor=actor, file_name="can-bo.csv")

    assert not User.objects.filter(username="nguyenvana").exists()
    assert not AuditEvent.objects.exists()


def test_get_on_confirm_is_405(admin_client):
    assert admin_client.get(reverse("accounts:import_confirm")).status_code == 405


def test_a_preview_never_confirmed_is_deleted_from_the_store_after_two_hours(admin_user, document_store, time_machine):
    # From the real clock: a file's modified time on a filesystem is the system's, whatever the test's clock says.
    started = timezone.now()
    stale = importing.pending_store(content=b"a", kind="people", file_name="a.csv", user=admin_user)
    [stale_file] = default_storage.listdir("imports")[1]
    time_machine.move_to(started + datetime.timedelta(hours=1, minutes=59), tick=False)
    importing.pending_store(content=b"b", kind="people", file_name="b.csv", user=admin_user)
    assert importing.pending_load(token=stale, user=admin_user).content == b"a"  # not yet two hours

    time_machine.move_to(started + datetime.timedelta(hours=2, minutes=1), tick=False)
    fresh = importing.pending_store(content=b"c", kind="people", file_name="c.csv", user=admin_user)

    assert importing.pending_load(token=fresh, user=admin_user).content == b"c"
    assert stale_file not in default_storage.listdir("imports")[1]  # the file itself, not only its expired token
