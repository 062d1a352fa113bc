import pytest

from tests.lifecycle import blank_pdf


@pytest.fixture(autouse=True)
def _documents_laid_out_blank(monkeypatch):
    """The demo's lifecycle drives its proposals through the services, which issue minutes, decisions and reports as
    PDFs: WeasyPrint's layout was most of each seeding's time, and no demo test reads a PDF. The documents' templates
    are still rendered and parsed (a broken one still fails the seeding); only the layout is a blank page.
    tests/test_run_dev.py seeds the demo for real, PDFs included."""
    import weasyprint

    blank = blank_pdf()
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *args, **kwargs: blank)
