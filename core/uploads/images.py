"""Images are decoded and re-encoded, never stored as sent (issue 11 §4).

A file that merely starts like a JPEG (a polyglot with HTML or script behind the header) does not decode and is
refused; a real image loses what rides along with it: metadata (EXIF, GPS position) and bytes after its end.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .kinds import JPEG, PNG, WEBP, Kind

FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# What Pillow may call what the magic bytes said: phones write multi-picture JPEGs (MPO), stored as their first.
DECODED_AS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}, WEBP: {"WEBP"}}


def _unreadable() -> ValidationError:
    return ValidationError(_("Không đọc được ảnh: tệp hỏng hoặc không phải ảnh thật."), code="bad_image")


def _decoded(data: bytes, kind: Kind) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it: here any bomb is an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            if image.format not in DECODED_AS[kind]:
                raise _unreadable()
            width, height = image.size
            if width * height > settings.UPLOAD_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("Ảnh quá lớn (%(w)s × %(h)s điểm ảnh).") % {"w": width, "h": height}, code="image_pixels"
                )
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(_("Ảnh có kích thước điểm ảnh bất thường."), code="image_pixels") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _unreadable() from None
    return image


def reencode_image(data: bytes, kind: Kind) -> bytes:
    """The image decoded and written again in its own format, upright, without metadata or trailing bytes."""
    image = _decoded(data, kind)
    icc_profile = image.info.get("icc_profile")  # colours, not metadata about the sender
    upright = ImageOps.exif_transpose(image)  # the EXIF orientation is dropped with the rest of EXIF
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == JPEG:
        if upright.mode not in {"L", "RGB", "CMYK"}:
            upright = upright.convert("RGB")
        options |= {"quality": 90}
    elif kind == WEBP:
        options |= {"quality": 90}
    out = io.BytesIO()
    upright.save(out, FORMATS[kind], **options)
    return out.getvalue()
