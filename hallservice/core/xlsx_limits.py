"""Bounds on an uploaded xlsx checked before openpyxl parses it (a zip bomb must not hold a worker for minutes).

An xlsx is a zip archive; its central directory states every member's uncompressed size, so a file whose
``xl/sharedStrings.xml`` (or any member) would expand past the limits is refused in milliseconds, without
inflating anything. Rule chosen: shared strings at most 5 MB, any member at most 20 MB, all members at most 50 MB
uncompressed — far above a hall's real question bank or catalogue (a few hundred rows ≈ 100 KB).
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import BinaryIO

from django.utils.translation import gettext as _

MAX_SHARED_STRINGS = 5 * 1024 * 1024
MAX_MEMBER = 20 * 1024 * 1024
MAX_TOTAL = 50 * 1024 * 1024


class XlsxTooLarge(ValueError):
    pass


def check_xlsx_archive(source: bytes | BinaryIO) -> None:
    """Raise XlsxTooLarge (with a message for the user) when the archive would expand past the limits.

    A file that is not a zip archive passes: openpyxl then reports it as not an xlsx file.
    """
    stream = BytesIO(source) if isinstance(source, bytes | bytearray) else source
    position = stream.tell() if hasattr(stream, "tell") else 0
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    try:
        infos = archive.infolist()
    finally:
        archive.close()
        if hasattr(stream, "seek"):
            stream.seek(position)
    total = sum(info.file_size for info in infos)
    for info in infos:
        limit = MAX_SHARED_STRINGS if info.filename.lower().endswith("sharedstrings.xml") else MAX_MEMBER
        if info.file_size > limit:
            raise XlsxTooLarge(
                _("The spreadsheet is too large once unpacked (%(part)s: %(size)d MB, at most %(limit)d MB).")
                % {"part": info.filename, "size": info.file_size // (1024 * 1024), "limit": limit // (1024 * 1024)}
            )
    if total > MAX_TOTAL:
        raise XlsxTooLarge(
            _("The spreadsheet is too large once unpacked (%(size)d MB, at most %(limit)d MB).")
            % {"size": total // (1024 * 1024), "limit": MAX_TOTAL // (1024 * 1024)}
        )
