"""Fill 100,000 requests and print the median time of the queue page and the API list.

    .venv/bin/python benchmarks/requests_list.py [--rows 100000] [--repeat 15]

Uses its own database (``var/bench-requests.sqlite3``) unless DATABASE_URL is set, so the demo data of
`make run` is left alone. Prints figures only; there is no pass/fail threshold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from scratch_hall import demo_hall, scratch_database, timed

scratch_database("bench-requests", keep_given=True)
os.environ.setdefault("DJANGO_DEBUG", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    demo_hall()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from hallservice.core.crypto import blind_index, encrypt, mask_id_number, mask_phone
    from requests.models import Matter, ServiceRequest, Status
    from staff.models import StaffMember

    clerk = StaffMember.objects.select_related("user", "centre").get(user__username="frontdesk")
    missing = args.rows - ServiceRequest.objects.count()
    if missing > 0:
        print(f"filling {missing} requests …", flush=True)
        started = time.perf_counter()
        matters = list(Matter.objects.all())
        helpers = list(StaffMember.objects.filter(centre=clerk.centre))
        statuses = [
            Status.APPLIED,
            Status.ACCEPTED,
            Status.IN_PROGRESS,
            Status.COMPLETED,
            Status.DELIVERED,
            Status.ARCHIVED,
        ]
        # Encrypting every row would dominate the fill time; the list pages never decrypt, so one token is reused.
        id_token, phone_token = encrypt("410402199003150023"), encrypt("13812345678")
        from datetime import date, timedelta

        batch, base = [], ServiceRequest.objects.count()
        for i in range(missing):
            n = base + i
            status = statuses[n % len(statuses)]
            batch.append(
                ServiceRequest(
                    number=f"BENCH-{n:07d}",
                    kind="assist" if n % 3 else "agency",
                    status=status,
                    applicant_name=f"申请人{n}",
                    applicant_id_masked=mask_id_number("410402199003150023"),
                    applicant_id_hash=blind_index(f"{n}", purpose="id"),
                    applicant_phone_masked=mask_phone(f"138{n:08d}"[:11]),
                    applicant_phone_tail=f"138{n:08d}"[7:11],
                    matter=matters[n % len(matters)],
                    centre=clerk.centre,
                    origin_centre=clerk.centre,
                    helper=helpers[n % len(helpers)],
                    lead_department_id=matters[n % len(matters)].department_id,
                    lookup_code="BENCH234",
                    created_by=clerk.user,
                    commission_signed=True,
                    deadline=date(2026, 11, 1) + timedelta(days=n % 90) if status != Status.APPLIED else None,
                )
            )
            if len(batch) == 5000:
                ServiceRequest.objects.bulk_create(batch)
                batch.clear()
        ServiceRequest.objects.bulk_create(batch)
        ServiceRequest.objects.filter(number__startswith="BENCH-", applicant_id_number="").update(
            applicant_id_number=id_token, applicant_phone=phone_token
        )
        print(f"filled in {time.perf_counter() - started:.1f} s", flush=True)

    client = Client()
    client.force_login(clerk.user)
    targets = {
        "queue page (/requests/, 25 rows)": reverse("requests:queue"),
        "queue page, overdue view": reverse("requests:queue") + "?view=overdue",
        "API list (/api/v1/requests/, 50 rows)": "/api/v1/requests/",
        "API list, search by phone tail": "/api/v1/requests/?q=5678",
    }
    print(f"{ServiceRequest.objects.count()} requests in {connection.vendor}")
    for label, url in targets.items():
        client.get(url)  # warm up
        queries: list[str] = []

        def count(execute, sql, params, many, context, seen=queries):
            seen.append(sql)
            return execute(sql, params, many, context)

        # Count with a wrapper: Django clears connection.queries at the start of every request.
        with connection.execute_wrapper(count):
            response = client.get(url)
        times = [timed(lambda url=url: client.get(url)) for _ in range(args.repeat)]
        assert response.status_code == 200, (url, response.status_code)
        print(
            f"{label:45s} median {statistics.median(times):7.1f} ms  "
            f"(min {min(times):6.1f}, max {max(times):6.1f}, {len(queries)} queries)"
        )


if __name__ == "__main__":
    main()
