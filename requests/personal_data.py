"""Searching requests by a full ID number or phone, kept out of URLs (issue 15 item 5).

Rules chosen (the seeds and SPEC do not decide them)
- A value "looks personal" when, without spaces and dashes, it is a full ID number (18 characters, 17 digits
  and a digit or X, or the old 15 digits) or a full mobile number (11 digits starting with 1). The last four
  phone digits, names and request numbers are ordinary searches.
- Only users who may see unmasked personal data of every request in their scope search by a full value:
  supervisors holding ``requests.view_personal_data`` and superusers (``can_see_personal_data`` also lets the
  dedicated helper see their own request, but a search runs over the whole queue, so it is not offered to them).
- Such a search is sent by POST only. The server keeps the keyed hashes (never the value) in the session under
  a short random token and redirects to ``?lookup=<token>``: the address bar, the browser history and the
  server's access log carry only the token. A token lives as long as the session (at most ``MAX_LOOKUPS``).
- A full value in ``?q=`` is never searched, for anyone: the page says why and shows no result. A page load
  with one goes back (302) to the same address without it; an htmx search answers with ``HX-Push-Url`` without
  it, so it does not stay in the browser history.
"""

from __future__ import annotations

import re
import secrets

from django.db.models import Q
from django.utils.translation import gettext as _

from hallservice.core.crypto import blind_index, normalise
from staff.roles import user_has_role

FULL_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")
FULL_MOBILE = re.compile(r"^1\d{10}$")
SESSION_KEY = "personal_lookups"
MAX_LOOKUPS = 10


def looks_personal(value: str) -> bool:
    value = normalise(value or "")
    return bool(FULL_ID.match(value) or FULL_MOBILE.match(value))


def may_search_personal_data(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("requests.view_personal_data") and user_has_role(user, "supervisor")


def refusal_message(user) -> str:
    if may_search_personal_data(user):
        return _(
            "A full ID number or phone number is not searched from the address: use the search by ID "
            "number or phone, which keeps it out of the address and the browser history."
        )
    return _(
        "Only supervisors may search by a full ID number or phone number. Search by the request "
        "number, the applicant's name or the last 4 digits of the phone."
    )


def personal_condition(hashes: dict) -> Q:
    """The requests whose applicant has this ID number or phone (by blind index)."""
    return Q(applicant_id_hash=hashes.get("id", "-")) | Q(applicant_phone_hash=hashes.get("phone", "-"))


def hashes_of(value: str) -> dict:
    return {"id": blind_index(value, purpose="id"), "phone": blind_index(value, purpose="phone")}


def store_lookup(session, value: str) -> str:
    """Keep the hashes of a searched value in the session; the token names them in the URL."""
    token = secrets.token_urlsafe(8)
    lookups = dict(session.get(SESSION_KEY, {}))
    while len(lookups) >= MAX_LOOKUPS:
        lookups.pop(next(iter(lookups)))
    lookups[token] = hashes_of(value)
    session[SESSION_KEY] = lookups
    return token


def stored_lookups(session) -> dict:
    return dict(session.get(SESSION_KEY, {})) if session is not None else {}
