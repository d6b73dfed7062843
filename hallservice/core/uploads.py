"""Checks on files people upload (training materials, question-bank spreadsheets): the name's extension must be an
allowed one, the size within the limit, and the first bytes must be what that extension claims, so a renamed
HTML page or program is refused. Office files are ZIP packages (checked for their main part and for a modest
uncompressed size, against ZIP bombs) or, for the old formats, OLE2 compound files.

Uploads are stored under MEDIA_ROOT, which is never served as such in production: each file goes out through a
view that checks who asks (see docs/operations.md).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import DomainError

__all__ = ["validate_upload"]

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".doc": (OLE2,),
    ".xls": (OLE2,),
    ".ppt": (OLE2,),
}
# The part every package of that kind holds (ECMA-376 / ISO 29500).
OOXML_MAIN_PART = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
# A package may expand to at most this many times its size, and never beyond 200 MB.
ZIP_MAX_RATIO = 100
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024


def validate_upload(file, *, extensions: set[str], max_bytes: int) -> str:
    """Check an uploaded file (Django UploadedFile); return its lower-case extension or raise DomainError."""
    if file is None:
        raise DomainError(_("Choose a file."), field="file")
    extension = Path(file.name or "").suffix.lower()
    if extension not in extensions:
        allowed = "、".join(sorted(e.lstrip(".").upper() for e in extensions))
        message = _("This type of file is not accepted. Allowed: %(allowed)s.") % {"allowed": allowed}
        raise DomainError(message, field="file")
    if file.size > max_bytes:
        raise DomainError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": f"{max_bytes / 1024 / 1024:g}"}, field="file"
        )
    if not _content_matches(file, extension):
        message = _("The file's content does not match its name (%(ext)s).") % {"ext": extension}
        raise DomainError(message, field="file")
    return extension


def _content_matches(file, extension: str) -> bool:
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if extension in MAGIC:
        return head.startswith(MAGIC[extension])
    if extension in OOXML_MAIN_PART:
        return head.startswith(b"PK\x03\x04") and _package_ok(file, OOXML_MAIN_PART[extension])
    if extension == ".txt":
        return b"\x00" not in head and _decodes(head)
    return False


def _package_ok(file, main_part: str) -> bool:
    try:
        with zipfile.ZipFile(file) as package:
            names = package.namelist()
            expanded = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    limit = min(ZIP_MAX_UNCOMPRESSED, max(file.size, 1) * ZIP_MAX_RATIO)
    return "[Content_Types].xml" in names and any(n.startswith(main_part) for n in names) and expanded <= limit


def _decodes(head: bytes) -> bool:
    # Text from hall PCs is UTF-8 or GB18030 (GBK); a multi-byte character may be cut at the end of the sample.
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:
                return True
    return False
