"""The document engine of `core.documents` on its own: no stage app, no organisation model.

A throw-away template (tests/templates/document_engine/note.html) is rendered with a duck-typed unit, and kept
on a throw-away model (created for the test only, outside the app registry): stored once with its SHA-256,
served as stored, refused (409) when the file no longer matches its hash, served as a marked and recorded copy
when the file is missing. Last, `core.documents` imports no stage app.
"""

import ast
import dataclasses
import datetime
import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import translation

from core import documents
from core.documents import (
    REGENERATED_PREFIX,
    BackLink,
    DocumentRenderError,
    Filenames,
    IssuedDocument,
    StoredDocumentMismatch,
    ascii_name,
    display_name,
    download_issued,
    header,
    in_vietnamese,
    pdf_response,
    read_issued,
    render_pdf,
    store_issued,
)
from core.models import AuditEvent
from tests.factories import UserFactory
from tests.lifecycle import pdf_lines, pdf_text, sha256

pytestmark = pytest.mark.real_pdf  # reads the PDFs it issues: WeasyPrint lays them out

TEMPLATE = "document_engine/note.html"
TEST_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
REGENERATED = "BẢN TÁI TẠO — không phải bản gốc đã lưu"
SUBJECT = "Về việc dự hội nghị sơ kết đổi mới, sáng tạo"

# A unit as the layout helpers see it: anything with a name, a place and a parent (accounts.OrgUnit is one).
PROVINCE = SimpleNamespace(name="Ủy ban nhân dân tỉnh Quảng Ninh")
DEPARTMENT = SimpleNamespace(
    name="Sở Nội vụ tỉnh Quảng Ninh", place_name="Quảng Ninh", parent=PROVINCE, parent_id=1, print_parent_line=True,
)


@pytest.fixture(autouse=True)
def _test_templates(settings):
    """The project's templates, and the tests' own: a stage app's template is just a template to the engine."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]


def note_pdf(note, *, regenerated: bool = False) -> bytes:
    """A context builder as a stage app writes one."""
    context = {
        "header": header(DEPARTMENT, number=note.number, day=note.issued_on),
        "subject": SUBJECT,
        "text": note.text,
        "regenerated": regenerated,
    }
    return render_pdf(TEMPLATE, context)


# --- Rendering ---------------------------------------------------------------------------------------------------


def test_any_template_renders_to_a_decree_30_pdf_in_vietnamese_whatever_the_interface_language():
    note = SimpleNamespace(number="7/GM-SNV", issued_on=datetime.date(2026, 2, 5), text="Mời đồng chí dự hội nghị.")

    with translation.override("en"):
        lines = pdf_lines(note_pdf(note))
        assert translation.get_language() == "en"  # left as it was

    assert lines[:3] == ["UBND TỈNH QUẢNG NINH", "SỞ NỘI VỤ", "Số: 7/GM-SNV"]
    text = " ".join(lines)
    assert "Quảng Ninh, ngày 05 tháng 02 năm 2026" in text
    assert "GIẤY MỜI" in text.upper() and SUBJECT in text and "Mời đồng chí dự hội nghị." in text
    assert REGENERATED not in text


def test_a_context_builder_in_vietnamese_computes_its_text_in_vietnamese_and_restores_the_language():
    @in_vietnamese
    def builder():
        return translation.get_language()

    with translation.override("en"):
        assert builder() == "vi"
        assert translation.get_language() == "en"


def test_the_render_error_of_core_is_the_only_one():
    """The generic action view catches `core.documents.DocumentRenderError`: no app may raise a class of its own."""
    root = Path(django_settings.BASE_DIR)
    defined = [
        path.relative_to(root).as_posix()
        for app in sorted(STAGE_APPS | {"core"}) if (root / app).is_dir()
        for path in sorted((root / app).rglob("*.py"))
        if any(isinstance(node, ast.ClassDef) and node.name == "DocumentRenderError"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    ]
    assert defined == ["core/documents/render.py"]
    assert documents.DocumentRenderError is documents.render.DocumentRenderError
    assert issubclass(DocumentRenderError, RuntimeError)


def test_file_names_are_ascii_for_old_clients_and_vietnamese_for_the_others():
    names = Filenames(ascii=f"GM-{ascii_name('7/GM-SNV')}.pdf", display=display_name("Giấy mời 7/GM-SNV.pdf"))

    assert names == Filenames(ascii="GM-7-GM-SNV.pdf", display="Giấy mời 7-GM-SNV.pdf")
    assert names.regenerated() == Filenames(
        ascii=f"{REGENERATED_PREFIX}GM-7-GM-SNV.pdf", display=f"{REGENERATED_PREFIX}Giấy mời 7-GM-SNV.pdf"
    )
    assert ascii_name("Đề xuất: số 12/QĐ-UBND") == "De-xuat-so-12-QD-UBND"


# --- Issued documents kept as evidence ---------------------------------------------------------------------------


@pytest.fixture
def note_model(transactional_db):
    """A model of the shape every issued document has (a FileField and its SHA-256), in its own table for the test.

    Outside the app registry (isolate_apps): migrations and the other tests never see it. Its table needs the
    schema editor, which SQLite refuses inside a transaction: hence `transactional_db`.
    """
    with isolate_apps("core"):

        class EngineNote(models.Model):
            number = models.CharField(max_length=20)
            issued_on = models.DateField()
            text = models.TextField()
            pdf = models.FileField(upload_to="notes/", max_length=255, blank=True)
            pdf_sha256 = models.CharField(max_length=64, blank=True)

            class Meta:
                app_label = "core"

            def __str__(self):
                return self.number

        with connection.schema_editor() as editor:
            editor.create_model(EngineNote)
        try:
            yield EngineNote
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(EngineNote)


class Renders:
    """`note_pdf`, counting its calls: an issued document is rendered once, never again while its file is kept."""

    def __init__(self):
        self.calls: list[bool] = []

    def __call__(self, note, *, regenerated: bool) -> bytes:
        self.calls.append(regenerated)
        return note_pdf(note, regenerated=regenerated)


@pytest.fixture
def renders() -> Renders:
    return Renders()


@pytest.fixture
def note_document(renders) -> IssuedDocument:
    return IssuedDocument(
        file_field="pdf", sha256_field="pdf_sha256", render=renders,
        filenames=lambda note: Filenames(ascii=f"GM-{ascii_name(note.number)}.pdf",
                                         display=display_name(f"Giấy mời {note.number}.pdf")),
        what=lambda note: f"note {note.pk} ({note.number})",
        number=lambda note: note.number,
        audit_payload=lambda note: {"subject": SUBJECT},
        audit_unit=lambda note: None,
    )


@pytest.fixture
def note(note_model):
    return note_model.objects.create(number="7/GM-SNV", issued_on=datetime.date(2026, 2, 5), text="Mời dự hội nghị.")


@pytest.fixture
def reader(transactional_db):
    return UserFactory(username="nguoidoc")


def stored_bytes(note) -> bytes:
    with note.pdf.storage.open(note.pdf.name, "rb") as handle:
        return handle.read()


def get(rf, user):
    request = rf.get("/van-ban/")
    request.user = user
    return request


def serve(document, note, reader):
    return lambda: download_issued(document, note, by=reader)


def test_an_issued_document_is_stored_once_with_its_sha256(note_document, note, renders, settings):
    digest = store_issued(note_document, note)

    note.refresh_from_db()
    content = stored_bytes(note)
    assert content.startswith(b"%PDF") and note.pdf.name.startswith("notes/")
    assert note.pdf_sha256 == digest == sha256(content)
    assert renders.calls == [False]  # rendered once, as the original (no regeneration mark)
    assert REGENERATED not in pdf_text(content)
    with pytest.raises(RuntimeError, match="already stored"):
        store_issued(note_document, note)
    note.refresh_from_db()
    assert (stored_bytes(note), note.pdf_sha256, renders.calls) == (content, digest, [False])


def test_a_stored_document_is_served_as_stored_never_rendered_again(note_document, note, renders, reader, rf):
    store_issued(note_document, note)
    note.refresh_from_db()

    response = pdf_response(get(rf, reader), serve(note_document, note, reader), note_document.filenames(note))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == stored_bytes(note)
    assert renders.calls == [False]
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"GM-7-GM-SNV.pdf\"; filename*=UTF-8''{quote('Giấy mời 7-GM-SNV.pdf')}"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert not AuditEvent.objects.filter(action="pdf_regenerated").exists()


def test_a_tampered_file_is_refused_with_the_409_page(note_document, note, renders, reader, rf, caplog):
    store_issued(note_document, note)
    note.refresh_from_db()
    with note.pdf.storage.open(note.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.4 altered")

    with pytest.raises(StoredDocumentMismatch):
        read_issued(note_document, note)
    back = BackLink(url="/giay-moi/7/#muc", label="Quay lại giấy mời", crumb="Giấy mời 7/GM-SNV", crumb_url="/giay-moi/7/")
    with caplog.at_level(logging.ERROR, logger="core.documents"):
        response = pdf_response(get(rf, reader), serve(note_document, note, reader), note_document.filenames(note),
                                back=back)

    assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "altered" not in html
    assert "Văn bản tạm thời không cung cấp được" in html and "không khớp với mã kiểm tra SHA-256" in html
    assert '<a class="btn btn-link" href="/giay-moi/7/#muc">Quay lại giấy mời</a>' in html
    assert '<a href="/giay-moi/7/">Giấy mời 7/GM-SNV</a>' in html
    assert any("does not match" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert renders.calls == [False]  # never rendered again in the altered file's place
    assert not AuditEvent.objects.filter(action="pdf_regenerated").exists()
    # The page needs no record to lead back to.
    bare = pdf_response(get(rf, reader), serve(note_document, note, reader), note_document.filenames(note))
    assert bare.status_code == 409 and "btn-link" not in bare.content.decode()


@pytest.mark.parametrize("loss", ["deleted", "never stored"])
def test_a_missing_file_is_served_as_a_marked_copy_recorded_in_the_audit_log(
    note_document, note, renders, reader, rf, caplog, loss
):
    recorded = store_issued(note_document, note)
    note.refresh_from_db()
    if loss == "deleted":
        note.pdf.storage.delete(note.pdf.name)
    else:  # issued before documents were kept
        type(note).objects.filter(pk=note.pk).update(pdf="", pdf_sha256="")
        note.refresh_from_db()
        recorded = ""

    with caplog.at_level(logging.WARNING, logger="core.documents"):
        response = pdf_response(get(rf, reader), serve(note_document, note, reader), note_document.filenames(note))

    assert response.status_code == 200
    assert REGENERATED in pdf_text(response.content)
    assert response["Content-Disposition"].startswith(f'attachment; filename="{REGENERATED_PREFIX}GM-7-GM-SNV.pdf"; ')
    assert f"filename*=UTF-8''{REGENERATED_PREFIX}" in response["Content-Disposition"]
    assert renders.calls == [False, True]
    assert any(r.levelno == logging.WARNING and "regenerated copy" in r.getMessage() for r in caplog.records)
    event = AuditEvent.objects.for_object(note).get(action="pdf_regenerated")
    assert (event.actor, event.unit) == (reader, None)
    assert event.payload == {
        "subject": SUBJECT, "number": "7/GM-SNV", "recorded_sha256": recorded, "served_sha256": sha256(response.content),
    }
    note.refresh_from_db()
    assert note.pdf_sha256 == recorded  # the copy is never kept as the evidence
    assert not note.pdf or not note.pdf.storage.exists(note.pdf.name)


def test_a_copy_that_cannot_be_rendered_raises_the_engines_error_and_records_nothing(note_document, note, reader):
    def no_pango(*args, **kwargs):
        raise DocumentRenderError("Pango is not installed")

    broken = dataclasses.replace(note_document, render=no_pango)
    with pytest.raises(DocumentRenderError):
        download_issued(broken, note, by=reader)
    assert not AuditEvent.objects.filter(action="pdf_regenerated").exists()


# --- No stage app in core ------------------------------------------------------------------------------------------

STAGE_APPS = {"accounts", "proposals", "approvals", "implementation", "evaluation", "protection", "reports"}


def _module_file(name: str) -> Path | None:
    """The source file of module `name`; None for a name imported from a module (`core.audit.audit_record`)."""
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def _imports(path: Path, package: str) -> set[str]:
    """Every module `path` imports (top level or inside a function), relative imports made absolute."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import audit` imports a module
    return names


def test_core_documents_imports_no_stage_app_not_even_through_core():
    """The engine and every `core` module it reaches: units are duck-typed, declarations come from the apps."""
    root = Path(django_settings.BASE_DIR)
    queue = [root / "core" / "documents" / "__init__.py", *sorted((root / "core" / "documents").glob("*.py"))]
    seen, offending = set(), []
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        package = module.removesuffix(".__init__") if path.name == "__init__.py" else module.rpartition(".")[0]
        for name in _imports(path, package):
            if name.split(".")[0] in STAGE_APPS:
                offending.append((module, name))
            elif name.split(".")[0] == "core" and (found := _module_file(name)) is not None:
                queue.append(found)

    assert offending == []
    reached = {path.relative_to(root).as_posix() for path in seen}
    assert {"core/documents/issued.py", "core/documents/render.py", "core/audit.py", "core/models.py"} <= reached
