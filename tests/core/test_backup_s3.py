"""The document half of a backup on an S3 store (issue 14 §2 and §6): the drill (test_backup_drill.py) runs on a
directory; here the same code reads every object of a bucket into the archive and writes them back into the emptied
bucket, names in Vietnamese and bytes unchanged."""

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.backup import BackupError, _restore_documents, backup, store_is_empty

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FILES = {
    "decisions/2026/Quyết định phê duyệt số 12.pdf": b"%PDF-1.7\n% stand-in\n",
    "attachments/41/Kế hoạch đổi mới.docx": os.urandom(300_000),
}


def test_a_bucket_is_archived_and_restored_into_the_emptied_bucket_byte_for_byte(s3_store, tmp_path):
    for name, content in FILES.items():
        assert default_storage.save(name, ContentFile(content)) == name
    folder = backup(tmp_path, storage=default_storage)
    for name in FILES:
        default_storage.delete(name)
    assert store_is_empty(default_storage)

    assert _restore_documents(folder, default_storage) == (2, sum(map(len, FILES.values())))
    for name, content in FILES.items():
        with default_storage.open(name, "rb") as stored:
            assert stored.read() == content


def test_a_restore_into_a_bucket_that_holds_a_file_is_refused(s3_store, tmp_path):
    name, content = next(iter(FILES.items()))
    default_storage.save(name, ContentFile(content))
    folder = backup(tmp_path, storage=default_storage)
    with pytest.raises(BackupError, match="not empty"):
        _restore_documents(folder, default_storage)
