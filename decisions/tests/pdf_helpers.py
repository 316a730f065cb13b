"""Reading the stored PDFs back, as an archivist or a screen reader would."""

import io
import re

from pypdf import PdfReader


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(bytes(pdf)))


def text(pdf: bytes) -> str:
    """The PDF's text with runs of whitespace made single spaces (line breaks vary)."""
    raw = "\n".join(page.extract_text() or "" for page in read(pdf).pages)
    return re.sub(r"\s+", " ", raw)


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in read(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names
