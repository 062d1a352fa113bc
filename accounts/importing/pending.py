"""Keeping the upload between preview and confirm: a private file and a signed token bound to the uploader.

The file goes to the document store (default storage), not a local folder: the confirm may reach another web node
than the preview did (issue 14 §1).
"""

import dataclasses
import datetime
import re
import secrets

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from ..models import User
from .columns import KINDS

PENDING_SALT = "accounts.importing.pending"
PENDING_MAX_AGE = 2 * 3600
PENDING_FOLDER = "imports"
_PENDING_NAME = re.compile(r"[0-9a-f]{32}")


@dataclasses.dataclass(frozen=True)
class PendingImport:
    name: str
    kind: str
    file_name: str
    content: bytes


class PendingImportGone(Exception):
    """The token is invalid, expired, someone else's, or its file was already imported."""


def _stored_name(name: str) -> str:
    return f"{PENDING_FOLDER}/{name}"


def _discard_stale() -> None:
    """Delete the files of previews that were never confirmed."""
    limit = timezone.now() - datetime.timedelta(seconds=PENDING_MAX_AGE)
    try:
        _folders, names = default_storage.listdir(PENDING_FOLDER)
    except FileNotFoundError:  # no import yet on this filesystem store
        return
    for stale in names:
        try:
            if default_storage.get_modified_time(_stored_name(stale)) < limit:
                default_storage.delete(_stored_name(stale))
        except FileNotFoundError:  # confirmed or cleaned up by another request meanwhile
            continue


def pending_store(*, content: bytes, kind: str, file_name: str, user: User) -> str:
    """Keep the upload under a random name in the private store; return a signed token bound to `user`."""
    _discard_stale()
    name = secrets.token_hex(16)
    stored = default_storage.save(_stored_name(name), ContentFile(content))
    if stored != _stored_name(name):  # 128 random bits already taken: never, but the token must name the file
        default_storage.delete(stored)
        raise RuntimeError("The pending import's random name was taken.")
    return signing.dumps({"f": name, "k": kind, "u": user.pk, "n": file_name[:200]}, salt=PENDING_SALT, compress=True)


def pending_load(*, token: str, user: User) -> PendingImport:
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature as exc:
        raise PendingImportGone from exc
    name = data.get("f", "")
    if data.get("u") != user.pk or data.get("k") not in KINDS or not _PENDING_NAME.fullmatch(name):
        raise PendingImportGone
    try:
        with default_storage.open(_stored_name(name), "rb") as handle:
            content = handle.read()
    except OSError as exc:  # FileNotFoundError: already imported, or cleaned up
        raise PendingImportGone from exc
    return PendingImport(name=name, kind=data["k"], file_name=data.get("n", ""), content=content)


def pending_discard(pending: PendingImport) -> None:
    default_storage.delete(_stored_name(pending.name))
