"""Finding what a citizen's number and lookup code name: a request or a complaint, the same answer either way."""

from __future__ import annotations

import secrets

from django.db.models import CharField, Value

from complaints.models import Complaint

from ..models import ServiceRequest
from ..services.intake import normalise_number
from ..services.public import normalise_code

REQUEST, COMPLAINT = "r", "c"


def lookup(*, number: str, code: str) -> ServiceRequest | Complaint | None:
    """The request or complaint with this number and lookup code, or None — the same None whether the number
    is unknown or the code is wrong, and with a comparison of the same cost either way.

    One query asks both tables at once (a UNION ALL of two lookups by their unique number), so a hit and a miss
    cost the same; what comes back is an unsaved-looking instance holding only the key, which is all the redirect
    to the status page needs."""
    number, code = normalise_number(number), normalise_code(code)
    kind = Value(REQUEST, output_field=CharField())
    requests = ServiceRequest.objects.filter(number=number).order_by().values_list(kind, "pk", "lookup_code")
    complaints = (
        Complaint.objects.filter(number=number)
        .order_by()
        .values_list(Value(COMPLAINT, output_field=CharField()), "pk", "lookup_code")
    )
    # Numbers of requests and complaints never collide (their prefixes differ); were they to, the request wins.
    rows = sorted(requests.union(complaints, all=True), key=lambda row: row[0] != REQUEST)
    found = rows[0] if rows else None
    expected = found[2] if found is not None else secrets.token_hex(4).upper()
    if secrets.compare_digest(expected.encode(), code.encode()) and found is not None:
        kind, pk, _code = found
        return ServiceRequest(pk=pk) if kind == REQUEST else Complaint(pk=pk)
    return None
