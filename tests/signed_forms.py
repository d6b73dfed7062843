"""Signed forms kept as files (issue 18) for tests: a scan of the signed paper, and a drawing from the tablet's pad."""

from __future__ import annotations

import base64
import io

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_SCAN = b"%PDF-1.4\n% a scan of the signed paper form\n1 0 obj << >> endobj\n%%EOF\n"


def scan(name: str = "scan.pdf", content: bytes = PDF_SCAN) -> SimpleUploadedFile:
    """An uploaded scan of a signed paper form (a small PDF unless told otherwise)."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def keep_signed(actor, req, kind: str = "commission_letter"):
    """Keep a scan of the signed ``kind`` for ``req`` as ``actor`` (the helper at the desk)."""
    from requests.services import signature_upload

    return signature_upload(actor=actor, request_id=req.pk, kind=kind, file=scan())


def pad_png(width: int = 600, height: int = 200, *, drawn: bool = True) -> bytes:
    """What the signature pad sends: a PNG with a stroke of ink across it (or a blank one)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if drawn:
        pen = ImageDraw.Draw(image)
        pen.line(
            [(20, height - 40), (width // 3, 30), (width // 2, height - 50), (width - 30, 40)], fill="black", width=5
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pad_data_url(**options) -> str:
    return "data:image/png;base64," + base64.b64encode(pad_png(**options)).decode()
