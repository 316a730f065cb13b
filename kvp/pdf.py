"""The one way KVP-sak makes a PDF: `html_to_pdf()` on WeasyPrint, as PDF/A-2b (archival),
tagged for screen readers, with the title and language in the metadata and the fonts
(Source Sans 3, NAV's typeface, from the npm package @fontsource/source-sans-3 that
`make setup` installs) embedded. Print CSS lives in templates/pdf/print.css.

Used by the vedtaksbrev and deltakerbevis (decisions/documents.py); stipend payslips and
appeal cover letters are meant to use it too."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

PDF_VARIANT = "pdf/a-2b"
FONT_FAMILY = "Source Sans 3"
FONT_WEIGHTS = (400, 600, 700)
PRINT_CSS = Path(settings.BASE_DIR) / "templates" / "pdf" / "print.css"


def font_dir() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "@fontsource" / "source-sans-3" / "files"


def _font_face_css() -> str:
    folder = font_dir()
    faces = []
    for subset in ("latin", "latin-ext"):
        for weight in FONT_WEIGHTS:
            path = folder / f"source-sans-3-{subset}-{weight}-normal.woff"
            if not path.is_file():
                raise RuntimeError(
                    f"Fant ikke skrifttypen {path}. Kjør `make setup` (npm-pakken "
                    "@fontsource/source-sans-3)."
                )
            faces.append(
                f"@font-face {{ font-family: '{FONT_FAMILY}'; font-weight: {weight}; "
                f"font-style: normal; src: url('{path.as_uri()}') format('woff'); }}"
            )
    return "\n".join(faces)


@lru_cache(maxsize=1)
def _stylesheets() -> tuple[FontConfiguration, tuple[CSS, ...]]:
    """Parsed once per process: the fonts and the print CSS are the same for every document."""
    fonts = FontConfiguration()
    sheets = (
        CSS(string=_font_face_css(), font_config=fonts),
        CSS(filename=str(PRINT_CSS), font_config=fonts),
    )
    return fonts, sheets


def html_to_pdf(html: str, *, title: str, base_url: str | None = None, lang: str = "nb") -> bytes:
    """A finished HTML document in, PDF/A-2b bytes out (tagged, titled, fonts embedded)."""
    fonts, sheets = _stylesheets()
    options = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}
    document = HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).render(
        stylesheets=list(sheets), font_config=fonts, **options
    )
    document.metadata.title = title
    document.metadata.lang = lang
    return document.write_pdf(**options)
