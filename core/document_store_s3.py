"""The S3-compatible document store (DOCUMENT_STORE=s3; config/storages.py, deploy/storage.md).

django-storages' S3Storage with what a store of evidence needs fixed: bounded network waits, so that a stalled
object store fails a request instead of holding a gunicorn worker, and no URL at all. Documents are served only by
the permission-checked views, which read them through this storage and stream them; a presigned or public URL
would hand a document to whoever holds the link, past the scope check, the SHA-256 check and the audit log.
"""

from botocore.config import Config
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def __init__(self, *, connect_timeout: float = 5.0, read_timeout: float = 30.0, max_attempts: int = 3, **options):
        style = options.get("addressing_style") or "path"
        options["client_config"] = Config(
            s3={"addressing_style": style},
            signature_version="s3v4",
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
        )
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Private documents have no URL: serve them through a permission-checked view (core.downloads)."
        )
