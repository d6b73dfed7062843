"""PDF rendering for every printed text (request forms, the training letter, monthly reports): WeasyPrint with
the pre-subset CJK fonts (hallservice.core.fonts), always in Simplified Chinese, bidi controls stripped.

Pure functions from a template and a context to bytes: storing, numbering and hashing a copy is a service of
the app that issues it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io

import qrcode
from django.template.loader import render_to_string
from django.utils import translation

from .bidi import strip_bidi
from .fonts import weasyprint_fonts
from .safe_cache import cache_get, cache_set


def qr_image(url: str) -> str:
    """An <img> with the QR code as an inline PNG (generated locally; no network).

    A raster image costs WeasyPrint a few milliseconds; the same code as SVG costs ~100 ms of vector drawing.
    8 px per module prints at over 300 dpi in the 22 mm box.
    """
    image = qrcode.make(url, border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img class="qr-code" alt="QR" src="data:image/png;base64,{data}">'


@functools.lru_cache
def stylesheet_digest(name: str) -> str:
    """The digest of a static stylesheet's text, read once per process like ``stylesheet``."""
    return hashlib.sha256(render_to_string(name).encode()).hexdigest()


@functools.lru_cache
def stylesheet(name: str):
    """A static stylesheet parsed once per process (~22 ms for the forms'); a parsed CSS is never changed.

    An edit to the file shows after a restart of the process (runserver restarts on .py changes only).
    """
    from weasyprint import CSS

    return CSS(string=render_to_string(name))


def render_pdf(template: str, context: dict, *, stylesheets: tuple[str, ...] = (), cache_seconds: int = 0) -> bytes:
    """Render a template to PDF with the pre-subset fonts (hallservice.core.fonts) and the given static stylesheets.

    The template's own <style> holds only what changes per document (the @page header with number and
    version, a form's page size).

    ``cache_seconds``: for the pages anyone may fetch without a login (the public guide's checklist and signs), the
    PDF is kept in Django's cache under the digest of its HTML, so a visitor reloading a sign costs a template
    render (milliseconds), not a layout (a few hundred): the same HTML is the same PDF, and any change of what it
    prints (a helper's desk, a material) is another key. A cache that is down is skipped with a warning.
    """
    with translation.override("zh-hans"):
        html = strip_bidi(render_to_string(template, context))  # no RLO & co. on paper (hallservice/core/bidi.py)
    key = ""
    if cache_seconds:
        sheets = [stylesheet_digest(name) for name in stylesheets]  # a deploy that changes a sheet changes the key
        digest = hashlib.sha256("\0".join((template, *sheets, html)).encode()).hexdigest()
        key = f"pdf:{digest}"
        data = cache_get(key)
        if isinstance(data, bytes):
            return data
    data = _write_pdf(html, stylesheets)
    if key:
        cache_set(key, data, cache_seconds)
    return data


def _write_pdf(html: str, stylesheets: tuple[str, ...]) -> bytes:
    from weasyprint import HTML

    font_config, font_faces = weasyprint_fonts()
    sheets = [font_faces, *(stylesheet(name) for name in stylesheets)]
    return HTML(string=html).write_pdf(stylesheets=sheets, font_config=font_config)
