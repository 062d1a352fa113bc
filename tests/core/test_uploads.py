"""What an upload must be to be stored (issue 11 §4): archives within size, ratio and entry limits, images that
decode (and are stored re-encoded), and a clean virus scan when ClamAV is configured."""

import io
import os
import socket
import struct
import threading
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from core.uploads import check_upload
from tests.lifecycle import PDF_BYTES, sha256, uploaded_file

DOCX_PARTS = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document>Đề xuất</w:document>"}


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in DOCX_PARTS.items():
            archive.writestr(name, text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        check_upload(uploaded_file(name, content))
    return error.value


# --- Archives ----------------------------------------------------------------------------------------------------


def test_a_zip_bomb_named_docx_is_refused_by_its_ratio_without_being_inflated():
    bomb = _docx({"word/media/image1.bin": b"\0" * (8 * 1024 * 1024)})  # 8 MiB of zeros: ~8 KiB compressed
    tracemalloc.start()
    try:
        error = _refusal("bao-cao.docx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "archive_ratio" and "bom nén" in error.messages[0]
    assert peak < 2 * 1024 * 1024


def test_an_archive_whose_headers_understate_an_entry_is_refused_when_inflated(settings):
    content = bytearray(_docx({"word/media/pad.bin": b"\0" * (4 * 1024 * 1024)}))
    declared = 1000  # the sizes say 1000 bytes, a ratio of about 1:4: the directory alone would let it through
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = content.find(signature)
        while start >= 0:
            if content[start:].find(b"word/media/pad.bin") < 60:  # this entry's headers only
                content[start + size_at:start + size_at + 4] = declared.to_bytes(4, "little")
            start = content.find(signature, start + 4)
    tracemalloc.start()
    try:
        error = _refusal("bao-cao.docx", bytes(content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "archive_corrupt"
    assert peak < 2 * 1024 * 1024


def test_an_archive_past_the_uncompressed_size_is_refused(settings):
    settings.UPLOAD_ARCHIVE_MAX_BYTES = 50_000
    error = _refusal("du-toan.docx", _docx({"word/media/photo.bin": os.urandom(60_000)}))
    assert error.code == "archive_size" and "quá lớn" in error.messages[0]


def test_an_archive_with_too_many_entries_is_refused(settings):
    settings.UPLOAD_ARCHIVE_MAX_ENTRIES = 10
    error = _refusal("nhieu.docx", _docx({f"word/part{i}.xml": b"<p/>" for i in range(10)}))
    assert error.code == "archive_entries"


def test_a_chart_s_spreadsheet_inside_a_word_file_is_checked_and_accepted():
    content = _docx({"word/embeddings/Sheet1.xlsx": _docx()})
    assert check_upload(uploaded_file("bieu-do.docx", content)).extension == "docx"


def test_a_bomb_inside_an_embedded_spreadsheet_is_refused_like_one_in_the_document():
    inner_bomb = _docx({"xl/media/zeros.bin": b"\0" * (8 * 1024 * 1024)})
    error = _refusal("bieu-do.docx", _docx({"word/embeddings/Sheet1.xlsx": inner_bomb}))
    assert error.code == "archive_ratio"


def test_an_archive_two_levels_deep_or_another_compressed_stream_is_refused():
    twice = _docx({"word/embeddings/Sheet1.xlsx": _docx({"xl/embeddings/inner.docx": _docx()})})
    assert _refusal("long-nhau.docx", twice).code == "archive_nested"
    gzip_inside = _docx({"word/media/data.gz": b"\x1f\x8b\x08" + os.urandom(100)})
    assert _refusal("nen.docx", gzip_inside).code == "archive_nested"


def test_a_plain_document_is_stored_as_sent():
    content = _docx({"word/media/image1.png": _image("PNG")})
    checked = check_upload(uploaded_file("de-an.docx", content))
    assert checked.extension == "docx" and checked.sha256 == sha256(content) and checked.size == len(content)


# --- Images ------------------------------------------------------------------------------------------------------


def _image(fmt: str, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, fmt, **options)
    return out.getvalue()


def test_a_jpeg_header_followed_by_script_is_refused():
    error = _refusal("anh.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<script>alert(document.cookie)</script>")
    assert error.code == "bad_image" and "Không đọc được ảnh" in error.messages[0]


def test_a_real_jpeg_with_script_after_its_end_is_stored_re_encoded_without_it():
    checked = check_upload(uploaded_file("anh.jpg", _image("JPEG") + b"<script>alert(1)</script>"))
    stored = checked.file.read()
    assert b"<script>" not in stored and stored.endswith(b"\xff\xd9")
    assert (checked.content_type, checked.size, checked.sha256) == ("image/jpeg", len(stored), sha256(stored))
    assert Image.open(io.BytesIO(stored)).size == (16, 12)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_metadata_is_stripped_from_images(fmt):
    exif = Image.Exif()
    exif[0x010F] = "May anh cua can bo"  # Make
    exif[0x8825] = {2: (21.0, 1.0, 0.0)}  # GPS latitude: where the photo was taken
    checked = check_upload(uploaded_file(f"anh.{fmt.lower()}", _image(fmt, exif=exif)))
    assert not Image.open(checked.file).getexif()


def test_a_phone_photo_with_several_pictures_is_stored_as_its_first_jpeg():
    out = io.BytesIO()
    Image.new("RGB", (16, 12)).save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (8, 8))])
    checked = check_upload(uploaded_file("IMG_0001.JPG", out.getvalue()))
    stored = Image.open(checked.file)
    assert (checked.content_type, stored.format, stored.size) == ("image/jpeg", "JPEG", (16, 12))


def test_an_image_past_the_pixel_limit_is_refused(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 100
    assert _refusal("anh.png", _image("PNG")).code == "image_pixels"


def test_a_pdf_is_stored_as_sent():
    checked = check_upload(uploaded_file("to-trinh.pdf", PDF_BYTES))
    assert checked.sha256 == sha256(PDF_BYTES) and checked.file.read() == PDF_BYTES


# --- Virus scan (a fake clamd speaking INSTREAM) ----------------------------------------------------------------


class FakeClamd(threading.Thread):
    """Answers one INSTREAM scan with `reply` (or never, when None), keeping what it was sent."""

    def __init__(self, server: socket.socket, reply: bytes | None):
        super().__init__(daemon=True)
        self.server, self.reply, self.received = server, reply, b""

    def run(self):
        conn, _address = self.server.accept()
        with conn:
            command = conn.recv(len(b"zINSTREAM\0"), socket.MSG_WAITALL)
            assert command == b"zINSTREAM\0"
            while size := struct.unpack("!L", conn.recv(4, socket.MSG_WAITALL))[0]:
                self.received += conn.recv(size, socket.MSG_WAITALL)
            if self.reply is None:
                conn.recv(1)  # until the client gives up
            else:
                conn.sendall(self.reply)


@pytest.fixture
def clamd(settings, tmp_path):
    servers = []

    def start(reply: bytes | None, *, unix: bool = False) -> FakeClamd:
        if unix:
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(str(tmp_path / "clamd.ctl"))
            settings.CLAMAV_ADDRESS = f"unix://{tmp_path / 'clamd.ctl'}"
        else:
            server = socket.create_server(("127.0.0.1", 0))
            settings.CLAMAV_ADDRESS = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        server.listen(1)
        servers.append(server)
        fake = FakeClamd(server, reply)
        fake.start()
        return fake

    yield start
    for server in servers:
        server.close()


@pytest.mark.parametrize("unix", [False, True], ids=["tcp", "unix"])
def test_a_clean_file_is_scanned_whole_and_accepted(clamd, unix):
    fake = clamd(b"stream: OK\0", unix=unix)
    checked = check_upload(uploaded_file("to-trinh.pdf", PDF_BYTES))
    fake.join(5)
    assert fake.received == PDF_BYTES and checked.sha256 == sha256(PDF_BYTES)


def test_a_virus_found_refuses_the_upload(clamd):
    clamd(b"stream: Eicar-Test-Signature FOUND\0")
    error = _refusal("to-trinh.pdf", PDF_BYTES)
    assert error.code == "virus" and "Eicar-Test-Signature" in error.messages[0]


def test_a_silent_scanner_refuses_the_upload_after_the_timeout(clamd, settings, caplog):
    settings.CLAMAV_TIMEOUT = 0.2
    clamd(None)
    error = _refusal("to-trinh.pdf", PDF_BYTES)
    assert error.code == "virus_unchecked" and "Không kiểm tra được virus" in error.messages[0]
    assert "did not answer" in caplog.text


def test_an_unreachable_scanner_refuses_the_upload(settings, caplog):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    settings.CLAMAV_ADDRESS = f"tcp://127.0.0.1:{port}"
    error = _refusal("to-trinh.pdf", PDF_BYTES)
    assert error.code == "virus_unchecked"
    assert "did not answer" in caplog.text


def test_without_an_address_nothing_is_scanned(settings):
    settings.CLAMAV_ADDRESS = ""
    assert check_upload(uploaded_file("to-trinh.pdf", PDF_BYTES)).sha256 == sha256(PDF_BYTES)
