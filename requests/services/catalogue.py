"""Writes to the service catalogue."""

from __future__ import annotations

from django.db import transaction
from pypinyin import lazy_pinyin

from ..models import Matter


def matter_pinyin(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of a Chinese name, lower case, without spaces: 不动产 → ("bdc", "budongchan")."""
    syllables = lazy_pinyin(text, errors="ignore")
    initials = "".join(s[0] for s in syllables if s)
    return initials.lower(), "".join(syllables).lower()


@transaction.atomic
def matter_save(*, matter: Matter) -> Matter:
    """Validate and store a matter, keeping its pinyin search keys in step with its name."""
    matter.pinyin_initials, matter.pinyin_full = matter_pinyin(f"{matter.main_item}{matter.sub_item}")
    matter.full_clean()
    matter.save()
    return matter
