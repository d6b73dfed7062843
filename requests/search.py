"""The queue's free-text search, routed by the shape of what the clerk typed so each search is an index lookup.

Shapes and their routes (issue 17 item 2)
- A request number or its beginning (``XH-20261123-0007``, ``XH-2026``; numbers are ``<centre code>-<date>-<seq>``,
  see requests/services/intake.py) → a prefix of ``number`` (unique index).
- Exactly four digits → the phone's last four digits (``applicant_phone_tail``, indexed; on SQLite marked as
  rare, see ``_Rare``).
- A full ID number or mobile → refused here: it is only searched by POST, through the keyed hashes, by the
  roles allowed to (requests.personal_data); the filter form says why.
- A bare ASCII word that could be a centre code or an enterprise name (``XH``, ``ABC``) → number prefix OR name,
  each by its own index.
- Anything else → the applicant's (person's or enterprise's) name, stored in clear with its own indexes:
  on PostgreSQL a name containing the text (a ``pg_trgm`` GIN index, migration 0017) once three characters are
  typed, since a trigram index cannot help with fewer; with one or two characters, names beginning with them
  (the surname a clerk types first). On SQLite, always names beginning with the text: SQLite has no trigram
  index, and a prefix is what a clerk types.

Prefixes are written as a range on SQLite (``col >= p AND col < p'``): its ``LIKE`` ignores ASCII case, so it
cannot use the column's (binary) index, while the range can. SQLite compares text by UTF-8 bytes, i.e. code
points, so the range holds exactly the strings beginning with the prefix. On PostgreSQL a range would follow the
database's collation, which need not be code-point order, so prefixes are ``LIKE 'p%'`` there, answered by the
``varchar_pattern_ops`` index Django creates beside every indexed ``CharField``.
"""

from __future__ import annotations

import enum
import re

from django.db.models import BooleanField, F, Func, Q
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThan

from .personal_data import looks_personal

# A request number or its beginning: a centre code, a dash, then digits and dashes.
NUMBER_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,11}-[0-9-]*$")
# A centre code alone, or a short ASCII enterprise name: both readings are searched.
CODE_OR_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,11}$")
PHONE_TAIL = re.compile(r"^\d{4}$")
# pg_trgm's LIKE support needs a whole trigram from the pattern; shorter text would scan the table.
TRIGRAM_MIN_LENGTH = 3


class Route(enum.Enum):
    """Which index answers a search."""

    NONE = "none"
    NUMBER = "number"
    NUMBER_OR_NAME = "number_or_name"
    PHONE_TAIL = "phone_tail"
    PERSONAL = "personal"
    NAME = "name"


def search_route(value: str) -> Route:
    """The route for a search text (already stripped of surrounding spaces)."""
    if not value:
        return Route.NONE
    if looks_personal(value):
        return Route.PERSONAL
    if PHONE_TAIL.match(value):
        return Route.PHONE_TAIL
    if NUMBER_PREFIX.match(value):
        return Route.NUMBER
    if CODE_OR_WORD.match(value):
        return Route.NUMBER_OR_NAME
    return Route.NAME


def search_condition(value: str, *, vendor: str) -> Q | None:
    """The condition for a search text on a database of this vendor; ``None`` for no search, ``Q(pk__in=[])``
    for one that must find nothing (a full ID number or phone typed into the free-text box)."""
    value = value.strip()
    route = search_route(value)
    if route is Route.NONE:
        return None
    if route is Route.PERSONAL:
        return Q(pk__in=[])
    if route is Route.PHONE_TAIL:
        if vendor == "postgresql":
            return Q(applicant_phone_tail=value)
        return Q(_Rare(Exact(F("applicant_phone_tail"), value)))
    if route is Route.NUMBER:
        return _number_condition(value, vendor=vendor)
    if route is Route.NUMBER_OR_NAME:
        return _number_condition(value, vendor=vendor) | _name_condition(value, vendor=vendor)
    return _name_condition(value, vendor=vendor)


def _number_condition(value: str, *, vendor: str) -> Q:
    # Centre codes are written in capitals; a clerk may type them in lower case.
    condition = Q()
    for prefix in dict.fromkeys([value, value.upper()]):
        condition |= _prefix("number", prefix, vendor=vendor)
    return condition


def _name_condition(value: str, *, vendor: str) -> Q:
    if vendor == "postgresql" and len(value) >= TRIGRAM_MIN_LENGTH:
        # Matches the GIN index on UPPER(applicant_name::text) gin_trgm_ops (migration 0017).
        return Q(applicant_name__icontains=value)
    return _prefix("applicant_name", value, vendor=vendor)


class _Selective(Func):
    """SQLite's ``likelihood(condition, 0.001)``: the same condition, marked as keeping few rows.

    Without statistics (a hall's database is seldom ANALYZEd) SQLite guesses that an equality on an indexed column
    keeps ten rows and a range far more, so it would walk the whole centre through the visibility predicate's
    ``centre_id = ?`` index and test each row. The hint lets it take the prefix's index; with statistics it
    picks that index anyway.
    """

    function = "likelihood"
    template = "%(function)s(%(expressions)s, 0.001)"
    output_field = BooleanField()


class _Rare(_Selective):
    """``likelihood(condition, 0.000001)``: a phone's last four digits, which match almost no request.

    The queue's pages read each centre newest first, which the centre's indexes give without sorting. With the
    sampled statistics ``PRAGMA optimize`` leaves (a few hundred rows an index) SQLite took a centre of 750,000
    requests for a few hundred, and walked it, or its open requests for the urgent ones, to find the tail's rows
    (125 and 70 ms at 1,000,000 requests, issue 17). A tail keeps one request in ten thousand; the hint is set
    lower so that it outweighs such statistics: the tail's index is read, its ~100 rows sorted (under 1 ms).
    """

    template = "%(function)s(%(expressions)s, 0.000001)"


def _prefix(field: str, prefix: str, *, vendor: str) -> Q:
    if vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    condition = Q(_Selective(GreaterThanOrEqual(F(field), prefix)))
    following = _next_string(prefix)
    if following is not None:
        condition &= Q(_Selective(LessThan(F(field), following)))
    return condition


def _next_string(prefix: str) -> str | None:
    """The least string above every string beginning with ``prefix`` in code-point order (``None``: no such)."""
    stem = prefix.rstrip(chr(0x10FFFF))
    if not stem:
        return None
    following = ord(stem[-1]) + 1
    # Skip the surrogates, which cannot appear in UTF-8 text.
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000
    return stem[:-1] + chr(following)
