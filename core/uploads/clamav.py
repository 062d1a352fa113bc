"""Optional virus scan through ClamAV's daemon (clamd), INSTREAM command over TCP or a unix socket (issue 11 §4).

By hand rather than a client package: the protocol is a dozen lines and the maintained clients add nothing we use.
Skipped when CLAMAV_ADDRESS is empty; fails closed (the upload is refused) when clamd cannot answer.
"""

import logging
import socket
import struct
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _connect(address: str, timeout: float) -> socket.socket:
    url = urlsplit(address)
    if url.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(url.path)
        return sock
    if url.scheme == "tcp" and url.hostname and url.port:
        return socket.create_connection((url.hostname, url.port), timeout=timeout)
    raise OSError(f"CLAMAV_ADDRESS must be tcp://host:port or unix:///path, not {address!r}")


def _instream(chunks: Iterable[bytes], address: str, timeout: float) -> str:
    with _connect(address, timeout) as sock:
        sock.sendall(b"zINSTREAM\0")
        for chunk in chunks:
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(chunks: Iterable[bytes], *, name: str) -> None:
    """Raise ValidationError if clamd finds a virus in the file's `chunks`, or cannot say (unreachable, timeout, error)."""
    address = settings.CLAMAV_ADDRESS
    if not address:
        return
    try:
        reply = _instream(chunks, address, settings.CLAMAV_TIMEOUT)
    except OSError:
        logger.exception("Virus scan of %r failed: clamd at %s did not answer", name, address)
        reply = ""
    if reply.endswith("FOUND"):
        logger.warning("Virus scan refused %r: %s", name, reply)
        raise ValidationError(_("Tệp có chứa mã độc (%(signature)s) nên không được nhận.")
                              % {"signature": reply.removeprefix("stream:").removesuffix("FOUND").strip()},
                              code="virus")
    if reply != "stream: OK":
        if reply:
            logger.error("Virus scan of %r: unexpected clamd reply %r", name, reply)
        raise ValidationError(_("Không kiểm tra được virus cho tệp, vui lòng thử lại sau."), code="virus_unchecked")
