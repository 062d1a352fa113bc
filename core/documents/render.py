"""A template to PDF bytes: the one renderer of every official document.

Layout: Decree 30/2020/NĐ-CP as described in shared/spec/documents.md, kept in the one stylesheet
`templates/documents/document.css`. A document is rendered in Vietnamese whatever the interface language: it
is an administrative document. The font is the vendored Tinos (Times New Roman metrics, full Vietnamese);
nothing else may be fetched while rendering, and a missing font stops the rendering instead of falling back
to a system font that mangles diacritics.

WeasyPrint needs Pango, a system library: it is imported only when a document is rendered, so Django
starts, migrates and serves every other page on a machine without it.
"""

import functools
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

STYLESHEET = "documents/document.css"
FONT_LICENSE = "fonts/tinos/OFL.txt"
DOCUMENT_LANGUAGE = "vi"


class DocumentRenderError(RuntimeError):
    """A document could not be rendered (WeasyPrint or Pango missing, the font missing, a forbidden URL).

    A server fault, never the user's: a service that issues a document lets it propagate, so its
    transaction rolls back and nothing is issued without its document.
    """


def _weasyprint():
    """The `weasyprint` package, imported on first use; a DocumentRenderError naming the cause if it cannot load."""
    try:
        import weasyprint
        import weasyprint.text.fonts
        import weasyprint.urls
    except (ImportError, OSError) as error:  # OSError: cffi could not open the Pango / GObject libraries
        raise DocumentRenderError(
            "PDF documents cannot be rendered: WeasyPrint could not be loaded, most likely because the Pango "
            f"library is not installed on this server (apt install libpango-1.0-0 libpangoft2-1.0-0). Cause: {error}"
        ) from error
    return weasyprint


@cache
def font_dir() -> Path:
    found = finders.find(FONT_LICENSE)
    if not found:
        raise DocumentRenderError(f"The document font is missing: static/{FONT_LICENSE} not found.")
    return Path(found).resolve().parent


@cache
def _fonts_only_fetcher_class():
    """A WeasyPrint URL fetcher that serves the vendored fonts and refuses every other URL."""
    urls = _weasyprint().urls
    URLFetcher, URLFetcherResponse = urls.URLFetcher, urls.URLFetcherResponse

    class FontsOnly(URLFetcher):
        def __init__(self, root: Path):
            super().__init__(fail_on_errors=True)
            self._root = root

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(url2pathname(parsed.path)).resolve()
                if path.is_relative_to(self._root) and path.suffix == ".ttf" and path.is_file():
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"})
            raise ValueError(f"Documents may only load the vendored fonts, not {url}")

    return FontsOnly


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render an HTML template with the document stylesheet to PDF bytes, in Vietnamese."""
    weasyprint = _weasyprint()
    CSS, HTML = weasyprint.CSS, weasyprint.HTML
    FontConfiguration = weasyprint.text.fonts.FontConfiguration
    FatalURLFetchingError = weasyprint.urls.FatalURLFetchingError

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(template_name, context)
        stylesheet = render_to_string(STYLESHEET)
    root = font_dir()
    base_url = root.as_uri() + "/"
    fetcher = _fonts_only_fetcher_class()(root)
    fonts = FontConfiguration()
    try:
        css = CSS(string=stylesheet, base_url=base_url, url_fetcher=fetcher, font_config=fonts)
        # NFC: text typed on some systems arrives decomposed; precomposed letters shape best.
        document = HTML(string=unicodedata.normalize("NFC", html), base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[css], font_config=fonts)
    except FatalURLFetchingError as error:  # a BaseException: turn it into an ordinary error
        raise DocumentRenderError(str(error)) from error


def in_vietnamese(function):
    """Run `function` with Vietnamese active, not only its template: a context builder computes gettext text
    (role names, a voting rule) that would otherwise be in the reader's language.

    A fresh `translation.override` each call: one shared instance (`@translation.override`) keeps the language to
    restore on itself, which concurrent requests would overwrite.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(DOCUMENT_LANGUAGE):
            return function(*args, **kwargs)

    return wrapper
