"""Checks on rendered pages that every user relies on, whatever the app: each visible form control has a label."""

from __future__ import annotations

import re

CONTROL = re.compile(r"<(input|select|textarea)\b[^>]*\bid=\"([^\"]+)\"")
LABEL_FOR = re.compile(r'<label[^>]*\bfor="([^"]+)"')
LABEL_AROUND = re.compile(r'<label[^>]*>\s*<input[^>]*\bid="([^"]+)"')


def labelled_controls(content: str) -> tuple[set[str], set[str]]:
    """The ids of a page's visible form controls, and the ids its labels name (by for="…" or by wrapping one)."""
    controls = {m.group(2) for m in CONTROL.finditer(content) if 'type="hidden"' not in m.group(0)}
    labelled = set(LABEL_FOR.findall(content)) | set(LABEL_AROUND.findall(content))
    return controls, labelled
