"""Whether the document store answers (issue 14 §5, /readyz).

A probe file is written, read back and deleted through `default_storage`, whatever backs it (a local or
network-mounted directory, object storage): a mount gone read-only or a bucket refusing writes fails here before
a decision's PDF fails to store. (Another branch of issue 14 owns the store itself and may grow this module; the
function's name and answer are what /readyz relies on.)
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

PROBE_FOLDER = "readyz"


def document_store_ready() -> tuple[bool, str]:
    """(True, "") when a probe file could be written, read back unchanged and deleted; else (False, why)."""
    payload = uuid.uuid4().bytes
    try:
        name = default_storage.save(f"{PROBE_FOLDER}/{uuid.uuid4().hex}.probe", ContentFile(payload))
        try:
            with default_storage.open(name, "rb") as stored:
                same = stored.read() == payload
        finally:
            default_storage.delete(name)
    except Exception as error:  # noqa: BLE001 - any failure of the store is "not ready", named by its class
        logger.warning("document store probe failed: %r", error)
        return False, type(error).__name__
    return (True, "") if same else (False, "read back differs")
