"""The signature of a delivery: HMAC-SHA256, keyed with the subscription's secret, of "<timestamp>.<body>".

The timestamp (Unix seconds, header X-Signature-Timestamp) is signed with the body so that a receiver can
refuse an old request replayed later; `verify` is what a receiver written in Python does (README "Webhooks").
"""

import hashlib
import hmac
import time

SIGNATURE_PREFIX = "sha256="


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300) -> bool:
    """Whether `signature` is ours for this body and a timestamp at most `tolerance` seconds away from now."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)
