"""Applicants' identity documents: which numbers the desk accepts, and why.

The rule (issue 14: "when real data trips a check, fix the check, never the data"):

* **居民身份证** (resident ID, GB 11643): 17 digits and a check digit (0-9 or X). The first two digits must be
  a known province-level code (11 … 65 as in GB/T 2260, 71 Taiwan); the other four digits of the region code
  are *not* looked up. A number keeps the region code of the day it was issued, and codes are created,
  renamed and abolished: 410402 dates from 1983, yet people born there in 1955 carry it. A dated lookup (as
  python-stdnum's ``cn.ric`` does) refuses exactly the elderly residents the desk exists for. Digits 7-14 are
  the birth date, which must be a real date from 1900-01-01 to today. The last character is the ISO 7064
  MOD 11-2 check digit.
* **港澳台居民居住证** (residence permit for Hong Kong, Macau and Taiwan residents, 2018): the same structure,
  birth date and check digit; the region code is 810000 (Hong Kong), 820000 (Macau) or 830000 (Taiwan).
* **外国人永久居留身份证** (foreigner's permanent residence ID card, 2023 edition): 18 digits beginning with 9:
  9, two digits of the issuing province (a known province code), three digits of nationality, the birth date
  (1900 … today), a three-digit serial and the same ISO 7064 MOD 11-2 check digit. Older 15-character cards
  are registered as "passport or other".
* **护照或其他证件** (passport or another document): the document's name and its number as free text, at most
  30 characters (no check digit exists to verify); nobody is turned away for carrying an unusual document.

A 18-digit number of the wrong kind (a permit number entered as a resident ID, say) is refused with a message
naming the right document type, so the stored type always matches the number.

Every number, whatever its type, is stored like the resident ID numbers always were: encrypted, with a keyed
hash for search and a masked copy for lists (see ``hallservice.core.crypto``).
"""

from __future__ import annotations

import re
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from hallservice.core.crypto import mask_id_number, normalise
from hallservice.core.errors import DomainError

__all__ = [
    "EARLIEST_BIRTH",
    "FREE_TEXT_MAX_LENGTH",
    "HKMT_PREFIXES",
    "PROVINCE_CODES",
    "IdType",
    "age_on",
    "birth_date_of",
    "check_digit",
    "mask_document_number",
    "validate_document_number",
]


class IdType(models.TextChoices):
    """The document an applicant (a person) identifies with."""

    RESIDENT_ID = "resident_id", _("Resident ID card")
    HKMT_PERMIT = "hkmt_permit", _("Residence permit for Hong Kong, Macau and Taiwan residents")
    FOREIGNER_PR = "foreigner_pr", _("Foreigner's permanent residence ID card")
    OTHER = "other", _("Passport or other document")


# Province-level codes of GB/T 2260 (first two digits of a region code), and 71 for Taiwan.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",  # 北京 天津 河北 山西 内蒙古
        "21", "22", "23",  # 辽宁 吉林 黑龙江
        "31", "32", "33", "34", "35", "36", "37",  # 上海 江苏 浙江 安徽 福建 江西 山东
        "41", "42", "43", "44", "45", "46",  # 河南 湖北 湖南 广东 广西 海南
        "50", "51", "52", "53", "54",  # 重庆 四川 贵州 云南 西藏
        "61", "62", "63", "64", "65",  # 陕西 甘肃 青海 宁夏 新疆
        "71",  # 台湾
    }
)  # fmt: skip
HKMT_PREFIXES = {"810000": "Hong Kong", "820000": "Macau", "830000": "Taiwan"}
EARLIEST_BIRTH = date(1900, 1, 1)
FREE_TEXT_MAX_LENGTH = 30

_EIGHTEEN = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of 17 digits: 0-9 or X (for 10)."""
    total = sum(int(d) * w for d, w in zip(first17[:17], _WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _kind_of(number: str) -> str:
    """Which 18-digit document a well-formed number is, from its first digits."""
    if number[:6] in HKMT_PREFIXES:
        return IdType.HKMT_PERMIT
    if number[0] == "9":
        return IdType.FOREIGNER_PR
    return IdType.RESIDENT_ID


def _birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _refuse(message: str):
    raise DomainError(message, field="applicant_id_number")


def _validate_eighteen(id_type: str, number: str, today: date) -> str:
    if not _EIGHTEEN.match(number):
        _refuse(gettext("An ID number has 18 characters: 17 digits and a check digit (a digit or X)."))
    kind = _kind_of(number)
    if kind != id_type:
        _refuse(gettext("This is the number of a %(kind)s: choose that document type.") % {"kind": IdType(kind).label})
    if kind == IdType.RESIDENT_ID and number[:2] not in PROVINCE_CODES:
        _refuse(
            gettext("The first two digits of an ID number are a province code; %(code)s is none.")
            % {"code": number[:2]}
        )
    if kind == IdType.FOREIGNER_PR and number[1:3] not in PROVINCE_CODES:
        _refuse(
            gettext("Digits 2 and 3 of a permanent residence ID are the issuing province; %(code)s is none.")
            % {"code": number[1:3]}
        )
    born = _birth_date(number[6:14])
    if born is None:
        _refuse(gettext("Digits 7 to 14 of the number are not a real date of birth."))
    if born > today:
        _refuse(gettext("The date of birth in the number (%(date)s) is in the future.") % {"date": born.isoformat()})
    if born < EARLIEST_BIRTH:
        _refuse(gettext("The date of birth in the number (%(date)s) is before 1900.") % {"date": born.isoformat()})
    if number[17] != check_digit(number):
        _refuse(gettext("The check digit (the last character) does not match: please check the number again."))
    return number


def validate_document_number(id_type: str, value: str, *, today: date | None = None) -> str:
    """The normalised number of a person's document of type ``id_type``, or DomainError with the reason."""
    if id_type not in IdType.values:
        raise DomainError(gettext("Choose the applicant's document type."), field="applicant_id_type")
    number = normalise(value)
    if not number:
        _refuse(gettext("Enter the applicant's ID number or credit code."))
    if id_type == IdType.OTHER:
        if len(number) > FREE_TEXT_MAX_LENGTH:
            _refuse(
                gettext("A document number has at most %(n)d characters; this one has %(len)d.")
                % {"n": FREE_TEXT_MAX_LENGTH, "len": len(number)}
            )
        if not number.isprintable():
            _refuse(gettext("The document number contains characters that cannot be printed."))
        return number
    return _validate_eighteen(id_type, number, today or timezone.localdate())


def mask_document_number(id_type: str, number: str) -> str:
    """The masked copy lists show: 18-digit numbers as before, short free-text numbers keep only four."""
    if id_type == IdType.OTHER and len(number) < 16:
        shown = min(4, len(number) // 2)
        return "*" * (len(number) - shown) + number[len(number) - shown :]
    return mask_id_number(number)


# The documents whose digits 7-14 are the holder's date of birth (the foreigner's card keeps the same place).
DATED_DOCUMENTS = frozenset({IdType.RESIDENT_ID, IdType.HKMT_PERMIT, IdType.FOREIGNER_PR})


def birth_date_of(id_type: str, number: str) -> date | None:
    """The date of birth a checked document number carries, or None for a document that carries none.

    Read with python-stdnum's ``cn.ric.get_birth_date`` (digits 7-14 only: no region lookup, see above). Only for
    deriving facts such as "elderly"; the date itself is never stored apart from the number, nor shown in lists.
    """
    if id_type not in DATED_DOCUMENTS or len(number or "") != 18:
        return None
    try:
        return ric.get_birth_date(number)
    except StdnumError:
        return None


def age_on(born: date, day: date) -> int:
    """Full years (周岁) on ``day``: one born on 29 February turns a year older on 1 March in other years."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
