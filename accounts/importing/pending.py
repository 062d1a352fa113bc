"""Keeping the upload between preview and confirm: a private file and a signed token bound to the uploader."""

import dataclasses
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core import signing

from ..models import User
from .columns import KINDS

PENDING_SALT = "accounts.importing.pending"
PENDING_MAX_AGE = 2 * 3600
_PENDING_NAME = re.compile(r"[0-9a-f]{32}")


@dataclasses.dataclass(frozen=True)
class PendingImport:
    name: str
    kind: str
    file_name: str
    content: bytes


class PendingImportGone(Exception):
    """The token is invalid, expired, someone else's, or its file was already imported."""


def _pending_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def pending_store(*, content: bytes, kind: str, file_name: str, user: User) -> str:
    """Keep the upload under a random name in a private folder; return a signed token bound to `user`."""
    folder = _pending_dir()
    limit = time.time() - PENDING_MAX_AGE
    for stale in folder.iterdir():  # files of previews that were never confirmed
        if stale.is_file() and stale.stat().st_mtime < limit:
            stale.unlink(missing_ok=True)
    name = secrets.token_hex(16)
    (folder / name).write_bytes(content)
    (folder / name).chmod(0o600)
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
        content = (_pending_dir() / name).read_bytes()
    except OSError as exc:
        raise PendingImportGone from exc
    return PendingImport(name=name, kind=data["k"], file_name=data.get("n", ""), content=content)


def pending_discard(pending: PendingImport) -> None:
    (_pending_dir() / pending.name).unlink(missing_ok=True)
