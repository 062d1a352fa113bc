"""The document store (issue 14 §2): chosen by DOCUMENT_STORE with strict parsing, private on S3 (no URL),
probed for readiness, and copied from one store to the other with every SHA-256 checked.

The S3 tests run against moto in server mode on loopback (`s3_endpoint`, `s3_store` in tests/conftest.py): real
HTTP requests through boto3, as against MinIO or Ceph.
"""

import hashlib
import io
import os
import time

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404

from config.storages import document_storages
from core import document_store
from core.document_store import document_store_ready
from core.downloads import open_stored
from proposals.services import attachment_add
from tests.lifecycle import PDF_BYTES, draft_proposal, uploaded_file

S3 = {"DOCUMENT_STORE": "s3", "DOCUMENT_S3_BUCKET": "decree73-documents"}


def parsed(monkeypatch, **variables):
    for name in [name for name in os.environ if name.startswith("DOCUMENT_")]:  # only what the test sets
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return document_storages(environ.Env())


# --- Settings ------------------------------------------------------------------------------------------------


def test_the_filesystem_is_the_default_store_and_follows_the_private_media_root(monkeypatch):
    store, entries = parsed(monkeypatch)
    assert store == "filesystem"
    assert entries["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert "document_store_s3" not in entries


def test_s3_reads_its_settings_from_the_environment_private_and_never_overwriting(monkeypatch):
    store, entries = parsed(
        monkeypatch, **S3, DOCUMENT_S3_ENDPOINT_URL="https://s3.so-noi-vu.gov.vn:9000", DOCUMENT_S3_REGION="vn-north-1",
        DOCUMENT_S3_ACCESS_KEY_ID="AK", DOCUMENT_S3_SECRET_ACCESS_KEY="SK", DOCUMENT_S3_ADDRESSING_STYLE="virtual",
        DOCUMENT_S3_ENCRYPTION="aws:kms", DOCUMENT_S3_KMS_KEY_ID="key-1", DOCUMENT_S3_PREFIX="/private/",
    )
    options = entries["default"]["OPTIONS"]
    assert store == "s3" and entries["default"]["BACKEND"] == "core.document_store_s3.PrivateS3Storage"
    assert entries["document_store_s3"] == entries["default"]
    assert {key: options[key] for key in ("bucket_name", "endpoint_url", "region_name", "access_key", "secret_key",
                                          "addressing_style", "location")} == {
        "bucket_name": "decree73-documents", "endpoint_url": "https://s3.so-noi-vu.gov.vn:9000",
        "region_name": "vn-north-1", "access_key": "AK", "secret_key": "SK", "addressing_style": "virtual",
        "location": "private",
    }
    assert (options["default_acl"], options["file_overwrite"], options["custom_domain"]) == ("private", False, None)
    assert options["object_parameters"] == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "key-1"}


@pytest.mark.parametrize(("variables", "message"), [
    ({"DOCUMENT_STORE": "s3"}, "DOCUMENT_STORE=s3 needs DOCUMENT_S3_BUCKET"),
    ({"DOCUMENT_STORE": "nfs"}, "DOCUMENT_STORE must be filesystem or s3"),
    ({**S3, "DOCUMENT_S3_BUCKET": "Hồ_sơ"}, "not a valid bucket name"),
    ({**S3, "DOCUMENT_S3_ENDPOINT_URL": "s3.example.gov.vn"}, "must be an http(s) address"),
    ({**S3, "DOCUMENT_S3_ACCESS_KEY_ID": "AK"}, "Set both DOCUMENT_S3_ACCESS_KEY_ID and DOCUMENT_S3_SECRET_ACCESS_KEY"),
    ({**S3, "DOCUMENT_S3_ADDRESSING_STYLE": "dns"}, "DOCUMENT_S3_ADDRESSING_STYLE must be one of"),
    ({**S3, "DOCUMENT_S3_ENCRYPTION": "yes"}, "DOCUMENT_S3_ENCRYPTION must be empty, AES256 or aws:kms"),
    ({**S3, "DOCUMENT_S3_KMS_KEY_ID": "key-1"}, "only used with DOCUMENT_S3_ENCRYPTION=aws:kms"),
    ({**S3, "DOCUMENT_S3_READ_TIMEOUT": "0"}, "DOCUMENT_S3_READ_TIMEOUT must be between"),
    ({**S3, "DOCUMENT_S3_OBJECT_ACL": "public-read"}, "DOCUMENT_S3_OBJECT_ACL must be private or none"),
], ids=["no-bucket", "unknown-store", "bad-bucket", "bad-endpoint", "key-without-secret", "bad-style", "bad-sse",
        "kms-key-without-kms", "zero-timeout", "public-acl"])
def test_a_bad_document_store_setting_stops_the_start_up(monkeypatch, variables, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        parsed(monkeypatch, **variables)


def test_a_bucket_named_while_the_filesystem_is_in_use_is_kept_for_the_copy_only(monkeypatch):
    store, entries = parsed(monkeypatch, DOCUMENT_S3_BUCKET="decree73-documents")
    assert store == "filesystem" and entries["default"]["BACKEND"].endswith("FileSystemStorage")
    assert entries["document_store_s3"]["OPTIONS"]["bucket_name"] == "decree73-documents"


# --- S3: private, never a URL ---------------------------------------------------------------------------------


def test_a_document_on_s3_has_no_url_and_its_object_is_private(s3_store):
    name = default_storage.save("attachments/1/abc", ContentFile(b"%PDF-1.4 private"))
    with pytest.raises(NotImplementedError, match="permission-checked view"):
        default_storage.url(name)
    client = default_storage.connection.meta.client
    grants = client.get_object_acl(Bucket=s3_store, Key=name)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants if grant["Grantee"]["Type"] == "Group"] == []


def test_a_name_taken_on_s3_gets_another_name_instead_of_overwriting_the_evidence(s3_store):
    first = default_storage.save("decisions/2026/a.pdf", ContentFile(b"original"))
    second = default_storage.save("decisions/2026/a.pdf", ContentFile(b"another"))
    assert first == "decisions/2026/a.pdf" != second
    with default_storage.open(first, "rb") as handle:
        assert handle.read() == b"original"


def test_a_missing_object_on_s3_is_a_missing_file_as_on_a_filesystem(s3_store):
    """What `core.documents.read_issued` (a marked copy) and `core.downloads.open_stored` (404) rely on."""
    with pytest.raises(FileNotFoundError):
        default_storage.open("decisions/2026/gone.pdf", "rb")
    with pytest.raises(Http404):
        open_stored(FieldFile(None, FileField(), "attachments/1/gone"))


# --- Readiness probe -----------------------------------------------------------------------------------------


def test_the_probe_writes_reads_and_deletes_on_each_store(document_store):
    ready, why = document_store_ready(timeout=10)
    assert ready, why
    assert why.startswith(f"{document_store}: wrote, read and deleted a probe in ")
    assert default_storage.listdir("health")[1] == []  # nothing left behind


def test_the_probe_fails_on_a_missing_bucket(s3_store):
    default_storage.connection.meta.client.delete_bucket(Bucket=s3_store)
    ready, why = document_store_ready(timeout=10)
    assert (ready, why) == (False, "s3: NoSuchBucket")  # the class only: /readyz is public


def test_the_probe_fails_when_the_directory_cannot_be_written(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not-a-directory"  # as a mount point gone wrong (root ignores permissions)
    settings.MEDIA_ROOT.write_bytes(b"")
    ready, why = document_store_ready(timeout=10)
    assert not ready and why.startswith("filesystem: NotADirectoryError")


def test_a_probe_that_does_not_answer_in_time_is_not_ready_and_does_not_pile_up(monkeypatch):
    monkeypatch.setattr(document_store, "_probe", lambda: time.sleep(0.5))
    started = time.monotonic()
    assert document_store_ready(timeout=0.1) == (False, "filesystem: no answer within 0.1 s")
    assert document_store_ready(timeout=0.1) == (False, "filesystem: the previous probe has not finished")
    assert time.monotonic() - started < 0.4
    time.sleep(0.5)  # the stalled probe ends; the next one runs again
    monkeypatch.undo()
    assert document_store_ready(timeout=10)[0]


# --- Copying the documents from the filesystem to S3 ----------------------------------------------------------


def test_copy_documents_copies_every_document_to_s3_with_its_sha256_and_can_be_run_again(
    friday, proposer, settings, s3_store, private_media
):
    # The documents are stored while the filesystem is in use, with a bucket configured beside it.
    s3_entry = settings.STORAGES["document_store_s3"]
    settings.DOCUMENT_STORE = "filesystem"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    proposal = draft_proposal(proposer=proposer)
    attachment = attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("Kế hoạch.pdf", PDF_BYTES))
    altered = attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("Dự toán.pdf", PDF_BYTES))
    (private_media / altered.file.name).write_bytes(PDF_BYTES + b"% altered")

    call_command("copy_documents", "--to", "s3", stdout=(out := io.StringIO()))

    assert "2 copied, 0 already there, 0 missing, 1 not as recorded, 0 failed" in out.getvalue()
    assert f"differed from its recorded SHA-256: proposals.Attachment.file {altered.pk}" in out.getvalue()
    target = storages["document_store_s3"]
    with target.open(attachment.file.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == attachment.sha256
    with target.open(altered.file.name, "rb") as handle:  # copied as it is: the downloads keep refusing it
        assert handle.read() == PDF_BYTES + b"% altered"

    call_command("copy_documents", "--to", "s3", stdout=(again := io.StringIO()))
    assert "0 copied, 2 already there" in again.getvalue()

    # Something else under the same name on the target is never overwritten: the copy fails loudly.
    target.delete(attachment.file.name)
    target.save(attachment.file.name, ContentFile(b"other bytes"))
    with pytest.raises(CommandError, match="1 failed"):
        call_command("copy_documents", "--to", "s3", stdout=io.StringIO())
    assert s3_entry == settings.STORAGES["document_store_s3"]


def test_copy_documents_refuses_the_store_in_use_and_a_missing_bucket(settings, monkeypatch):
    with pytest.raises(CommandError, match="already filesystem"):
        call_command("copy_documents", "--to", "filesystem")
    settings.STORAGES = {key: value for key, value in settings.STORAGES.items() if key != "document_store_s3"}
    with pytest.raises(CommandError, match="No S3 store is configured"):
        call_command("copy_documents", "--to", "s3")
