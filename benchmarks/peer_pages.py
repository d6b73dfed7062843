"""The django-helpdesk worker of benchmarks/compare_peer.py: runs in the peer's venv (/tmp/peer/venv) and serves
its pages over a pipe (benchmarks/pipe_pages.py).

    /tmp/peer/venv/bin/python benchmarks/peer_pages.py --harness ../shared/peer-helpdesk [--seed 7] [--sample 30]

The pages and their URLs are the harness's own (its measure.py): the datatables request the staff list makes on
load, the same newest first, the anonymous public view and the ceiling, each per-ticket page going round the
same random tickets. With no tickets (or no tables) it answers ``tickets: 0`` and no pages.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipe_pages import Page, claim_stdout, serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--harness", required=True, help="the peer-helpdesk directory (setup.sh, measure.py)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=30, help="tickets the per-ticket pages go round")
    parser.add_argument("--user", default="staff01")
    args = parser.parse_args()
    claim_stdout()

    sys.path.insert(0, str(Path(args.harness).resolve()))
    import _bootstrap

    _bootstrap.setup_django()
    import django
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError, connection
    from django.test import Client
    from helpdesk.models import Ticket
    from measure import _pkg_version, datatables_params

    info = {
        "db": connection.vendor,
        "django": django.get_version(),
        "django_helpdesk": _pkg_version("django-helpdesk"),
        "debug": settings.DEBUG,
    }
    try:
        info["tickets"] = Ticket.objects.count()
    except DatabaseError:
        info["tickets"] = 0
    if not info["tickets"]:
        serve({}, info)
        return

    # The same sample as measure.py's: random ids in the id range, fixed seed.
    rng = random.Random(args.seed)
    ids = Ticket.objects.order_by("id").values_list("id", flat=True)
    low, high = ids.first(), ids.last()
    wanted = sorted({rng.randint(low, high) for _ in range(args.sample * 2)})
    sample = list(
        Ticket.objects.filter(id__in=wanted).values_list("id", "queue__slug", "submitter_email", "secret_key")
    )
    rng.shuffle(sample)
    sample = sample[: args.sample]
    public_urls = [
        "/helpdesk/view/?" + urlencode({"ticket": f"{slug}-{pk}", "email": email, "key": key})
        for pk, slug, email, key in sample
    ]

    staff = Client()
    staff.force_login(get_user_model().objects.get(username=args.user))
    anonymous = Client()
    shell = staff.get("/helpdesk/tickets/")
    found = re.search(r"(/helpdesk/datatables_ticket_list/[A-Za-z0-9+/=]+)", shell.content.decode())
    if shell.status_code != 200 or not found:
        raise SystemExit("could not find the datatables URL in the peer's ticket list page")
    datatables = found.group(1)
    first_page = json.loads(staff.get(f"{datatables}?{datatables_params()}").content)
    info["open_tickets_in_default_list"] = first_page["recordsTotal"]
    pages = {
        "datatables": Page(staff, [f"{datatables}?{datatables_params()}"]),
        "datatables_new": Page(staff, [f"{datatables}?{datatables_params(order=(5, 'desc'))}"]),
        "public_view": Page(anonymous, public_urls),
        "ceiling": Page(anonymous, [f"/ceiling/{pk}/" for pk, _slug, _email, _key in sample]),
    }
    serve(pages, info)


if __name__ == "__main__":
    main()
