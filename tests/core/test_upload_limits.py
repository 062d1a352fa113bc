"""An upload over the limits is refused before its body is read, or as soon as it passes them (issue 11 §4)."""

import io

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from proposals.models import Attachment
from tests.lifecycle import as_, draft_proposal, uploaded_file

FIFTY_MB = 50 * 1024 * 1024


class UnreadableInput:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


class CountingInput(io.BytesIO):
    """A request body that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


@pytest.fixture
def upload_url(friday, proposer):
    return reverse("proposals:attachment_upload", args=[draft_proposal(proposer=proposer).pk])


def test_a_50_mb_upload_is_refused_from_its_content_length_without_reading_the_body(upload_url, proposer):
    response = as_(proposer).generic(
        "POST", upload_url, CONTENT_TYPE=MULTIPART_CONTENT,
        **{"CONTENT_LENGTH": str(FIFTY_MB), "wsgi.input": UnreadableInput()},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in html and "50,0" in html and "22,0" in html  # sent 50 MB, limit 22 MB
    assert f'href="{upload_url}"' in html  # back to the form, in the site's own page
    assert not Attachment.objects.exists()


def test_a_script_caller_gets_a_short_text(upload_url, proposer):
    response = as_(proposer).generic(
        "POST", upload_url, CONTENT_TYPE=MULTIPART_CONTENT, HTTP_ACCEPT="application/json",
        **{"CONTENT_LENGTH": str(FIFTY_MB), "wsgi.input": UnreadableInput()},
    )
    assert response.status_code == 413 and response["Content-Type"].startswith("text/plain")
    assert "quá lớn" in response.content.decode()


def test_a_file_over_its_limit_inside_an_allowed_request_is_stopped_as_it_arrives(upload_url, proposer, settings, tmp_path):
    settings.ATTACHMENT_MAX_BYTES = settings.IMPORT_MAX_UPLOAD_BYTES = 100_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # to a temporary file past 1 kB, as a large upload goes
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = encode_multipart(BOUNDARY, {"file": uploaded_file("lon.pdf", b"%PDF-1.4\n" + b"0" * 2_000_000)})
    stream = CountingInput(body)

    response = as_(proposer).generic("POST", upload_url, body, content_type=MULTIPART_CONTENT, **{"wsgi.input": stream})

    assert response.status_code == 413 and "mỗi tệp tối đa 97,7" in response.content.decode()
    assert stream.bytes_read < 300_000  # of 2 MB: the limit and one chunk
    assert list(tmp_path.iterdir()) == []  # the partial temporary file is gone
    assert not Attachment.objects.exists()


def test_without_a_content_length_nothing_of_the_body_is_read(upload_url, proposer):
    body = encode_multipart(BOUNDARY, {"file": uploaded_file("a.pdf", b"%PDF-1.4\n" + b"0" * 100_000)})
    stream = CountingInput(body)
    environ = {"wsgi.input": stream}
    client = as_(proposer)
    request = client._base_environ(REQUEST_METHOD="POST", PATH_INFO=upload_url, CONTENT_TYPE=MULTIPART_CONTENT, **environ)
    request.pop("CONTENT_LENGTH", None)  # as a chunked request reaches Django under gunicorn
    response = client.request(**request)
    assert response.status_code == 200 and stream.bytes_read == 0
    assert not Attachment.objects.exists()


def test_an_upload_within_the_limits_is_stored(upload_url, proposer):
    response = as_(proposer).post(upload_url, {"file": uploaded_file("a.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 302 and Attachment.objects.count() == 1
