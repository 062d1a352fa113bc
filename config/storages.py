"""Where private documents are kept (issue 14 §2; deploy/storage.md): read from the environment when the settings load.

Every upload and issued PDF goes through Django's default storage, never through a path, so the same code runs on

- `DOCUMENT_STORE=filesystem` (the default): a directory, `DJANGO_PRIVATE_MEDIA_ROOT`, local or NFS-mounted so
  that every web and worker node sees the same files;
- `DOCUMENT_STORE=s3`: a bucket of S3-compatible object storage (MinIO, Ceph RGW, a cloud's) through
  django-storages, private: no ACL grants anything, no URL is ever handed out (`core.document_store_s3`), every
  download streams through the permission-checked views.

A bad value stops the start-up (ImproperlyConfigured), as every other setting does: a typo in a bucket name must
not turn into a node that accepts uploads and loses them.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

STORES = ("filesystem", "s3")
ADDRESSING_STYLES = ("path", "virtual", "auto")
ENCRYPTIONS = ("", "AES256", "aws:kms")
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "core.document_store_s3.PrivateS3Storage"
# S3's bucket naming rules (3-63 lower-case letters, digits, dots and hyphens, a letter or digit at both ends).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _number(env: environ.Env, name: str, default: float, low: float, high: float) -> float:
    value = env.float(name, default=default)
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}.")
    return value


def s3_options(env: environ.Env) -> dict | None:
    """The S3 storage's OPTIONS from the DOCUMENT_S3_* variables; None when no bucket is named."""
    bucket = env.str("DOCUMENT_S3_BUCKET", default="")
    if not bucket:
        return None
    if not _BUCKET.fullmatch(bucket):
        raise ImproperlyConfigured(f"DOCUMENT_S3_BUCKET is not a valid bucket name: {bucket!r}.")
    endpoint = env.str("DOCUMENT_S3_ENDPOINT_URL", default="")
    if endpoint and (urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).hostname):
        raise ImproperlyConfigured(
            f"DOCUMENT_S3_ENDPOINT_URL must be an http(s) address such as https://s3.example.gov.vn:9000, not {endpoint!r}."
        )
    access_key = env.str("DOCUMENT_S3_ACCESS_KEY_ID", default="")
    secret_key = env.str("DOCUMENT_S3_SECRET_ACCESS_KEY", default="")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("Set both DOCUMENT_S3_ACCESS_KEY_ID and DOCUMENT_S3_SECRET_ACCESS_KEY, or neither "
                                   "(then boto3 finds credentials itself: an instance role, AWS_* variables, ~/.aws).")
    style = env.str("DOCUMENT_S3_ADDRESSING_STYLE", default="path")
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"DOCUMENT_S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}, not {style!r}.")
    encryption = env.str("DOCUMENT_S3_ENCRYPTION", default="")
    if encryption not in ENCRYPTIONS:
        raise ImproperlyConfigured(f"DOCUMENT_S3_ENCRYPTION must be empty, AES256 or aws:kms, not {encryption!r}.")
    kms_key = env.str("DOCUMENT_S3_KMS_KEY_ID", default="")
    if kms_key and encryption != "aws:kms":
        raise ImproperlyConfigured("DOCUMENT_S3_KMS_KEY_ID is only used with DOCUMENT_S3_ENCRYPTION=aws:kms.")
    prefix = env.str("DOCUMENT_S3_PREFIX", default="").strip("/")
    if ".." in prefix.split("/"):
        raise ImproperlyConfigured("DOCUMENT_S3_PREFIX must not contain '..'.")
    acl = env.str("DOCUMENT_S3_OBJECT_ACL", default="private")
    if acl not in ("private", "none"):
        raise ImproperlyConfigured(f"DOCUMENT_S3_OBJECT_ACL must be private or none, not {acl!r}.")
    ca_bundle = env.str("DOCUMENT_S3_CA_BUNDLE", default="")
    if ca_bundle and not Path(ca_bundle).is_file():
        raise ImproperlyConfigured(f"DOCUMENT_S3_CA_BUNDLE names no file: {ca_bundle!r}.")

    parameters = {}
    if encryption:
        parameters["ServerSideEncryption"] = encryption
    if kms_key:
        parameters["SSEKMSKeyId"] = kms_key
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": env.str("DOCUMENT_S3_REGION", default="us-east-1"),
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "addressing_style": style,
        "location": prefix,
        "verify": ca_bundle or None,
        # The canned ACL "private" on every object; "none" sends no ACL, for buckets whose ACLs are disabled
        # (AWS's "bucket owner enforced", which refuses requests carrying one): objects are private there anyway.
        "default_acl": None if acl == "none" else "private",
        # Fixed, not settings: objects are never replaced. An issued document is kept once; a name taken gets
        # another (as on a filesystem), never overwrites the evidence under it.
        "file_overwrite": False,
        "querystring_auth": True,
        "custom_domain": None,
        "object_parameters": parameters,
        # Past this many bytes a downloaded object is spooled to a temporary file instead of kept in memory.
        "max_memory_size": env.int("DOCUMENT_S3_MAX_MEMORY_BYTES", default=5 * 1024 * 1024),
        "connect_timeout": _number(env, "DOCUMENT_S3_CONNECT_TIMEOUT", 5.0, 0.1, 120.0),
        "read_timeout": _number(env, "DOCUMENT_S3_READ_TIMEOUT", 30.0, 0.1, 600.0),
        "max_attempts": int(_number(env, "DOCUMENT_S3_MAX_ATTEMPTS", 3, 1, 10)),
    }


def document_storages(env: environ.Env) -> tuple[str, dict[str, dict]]:
    """(DOCUMENT_STORE, the STORAGES entries): `default` is the store chosen; `document_store_filesystem` and,
    when a bucket is named, `document_store_s3` stay addressable for `manage.py copy_documents --to …`."""
    store = env.str("DOCUMENT_STORE", default="filesystem")
    if store not in STORES:
        raise ImproperlyConfigured(f"DOCUMENT_STORE must be filesystem or s3, not {store!r}.")
    # No location: FileSystemStorage follows MEDIA_ROOT (DJANGO_PRIVATE_MEDIA_ROOT), which tests move per test.
    entries = {"document_store_filesystem": {"BACKEND": FILESYSTEM_BACKEND}}
    options = s3_options(env)
    if options is not None:
        entries["document_store_s3"] = {"BACKEND": S3_BACKEND, "OPTIONS": options}
    elif store == "s3":
        raise ImproperlyConfigured("DOCUMENT_STORE=s3 needs DOCUMENT_S3_BUCKET (and usually DOCUMENT_S3_ENDPOINT_URL "
                                   "and the access key): see deploy/storage.md.")
    default = dict(entries[f"document_store_{store}"])
    return store, {"default": default, **entries}
