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

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌玉兰辉鹏飞晓燕海波凤琴春梅淑珍金凤子涵宇轩浩然欣怡梓萱一诺佳怡雨彤思远俊杰"


def fill_requests(rows: int, *, seed: int = 17, years: float = 2.0, batch_size: int = 5000) -> None:
    """Top the database up to ``rows`` requests, spread like a district's hall: three in four at
    the front desk's hall and the rest over the towns, a few forwarded up; the helpers of each centre; two years of
    applications in id order (numbered like the hall's: centre code, day, sequence of the day), recent ones mostly open (a few past their deadline), old ones mostly archived; random
    phone tails and two- or three-character names. Deterministic for a seed; prints progress.

    One model instance gives every column's database value once (defaults, the encrypted ID number and phone);
    each row changes only the columns that vary, and a batch goes in as one ``executemany`` in one transaction.
    Through ``bulk_create`` Django prepares ~50 values per row, which made a million rows take over half an hour
    on SQLite; this way it takes minutes. The database triggers (supervision figures) still see every row."""
    import math
    import random
    from datetime import datetime, timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from hallservice.core.crypto import blind_index, mask_id_number
    from requests.models import Matter, ServiceRequest, Status
    from staff.models import ServiceCentre, StaffMember

    existing = ServiceRequest.objects.count()
    missing = rows - existing
    if missing <= 0:
        if missing < 0:
            print(f"the database already has {existing:,} requests (more than --rows {rows:,})", flush=True)
        return
    clerk = StaffMember.objects.select_related("user", "centre").get(user__username="frontdesk")
    hall = clerk.centre
    towns = list(ServiceCentre.objects.exclude(pk=hall.pk).order_by("pk"))
    helpers_of: dict[int, list[int]] = {}
    for member in StaffMember.objects.order_by("pk"):
        helpers_of.setdefault(member.centre_id, []).append(member.pk)
    matters = list(Matter.objects.order_by("pk").values_list("pk", "department_id"))
    rng = random.Random(seed + existing)
    # Up to last midnight: a fill broken off and run again the same day gives the same dates and numbers, and
    # none collides with a number registered today.
    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(seconds=1)
    codes = dict(ServiceCentre.objects.values_list("pk", "code"))
    first_of_day: dict = {}
    span = timedelta(days=365 * years)

    template = ServiceRequest(
        number="",
        kind="assist",
        applicant_name="",
        applicant_id_number="410402199003150023",
        applicant_id_masked=mask_id_number("410402199003150023"),
        applicant_phone="13812345678",
        lookup_code="BENCH234",
        created_by=clerk.user,
        commission_signed=True,
        centre=hall,
        origin_centre=hall,
        applied_at=now,
    )
    fields = [f for f in ServiceRequest._meta.concrete_fields if not f.primary_key]
    values = {
        f.attname: f.get_db_prep_save(
            template.applied_at if f.attname == "applied_at" else f.pre_save(template, True), connection
        )
        for f in fields
    }
    varying = [
        "number",
        "kind",
        "status",
        "applicant_name",
        "applicant_id_hash",
        "applicant_phone_masked",
        "applicant_phone_tail",
        "matter_id",
        "lead_department_id",
        "centre_id",
        "origin_centre_id",
        "helper_id",
        "applied_at",
        "accepted_at",
        "completed_at",
        "deadline",
    ]
    fixed = [f.attname for f in fields if f.attname not in varying]
    by_name = {f.attname: f for f in fields}
    columns = ", ".join(connection.ops.quote_name(by_name[name].column) for name in varying + fixed)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(ServiceRequest._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * (len(varying) + len(fixed)))})"
    )
    fixed_values = tuple(values[name] for name in fixed)

    def db(name, value):
        return by_name[name].get_db_prep_save(value, connection) if value is not None else None

    print(f"filling {missing:,} requests in batches of {batch_size:,} …", flush=True)
    started = time.perf_counter()
    batch = []
    for i in range(missing):
        n = existing + i
        applied = now - span * (1 - (n + 1) / rows)
        age = (now - applied).days
        centre = hall.pk if not towns or rng.random() < 0.75 else rng.choice(towns).pk
        origin = rng.choice(towns).pk if towns and centre == hall.pk and rng.random() < 0.02 else centre
        status = _status_by_age(rng, age)
        matter_id, department_id = matters[rng.randrange(len(matters))]
        deadline = accepted = completed = None
        if status not in (Status.APPLIED, Status.DEFICIENT, Status.REFUSED):
            accepted = min(now, applied + timedelta(hours=rng.randint(1, 48)))
            deadline = (applied + timedelta(days=rng.randint(5, 30))).date()
            if status not in (Status.ACCEPTED, Status.IN_PROGRESS, Status.SUSPENDED):
                completed = min(now, accepted + timedelta(days=rng.randint(1, 25)))
        tail = f"{rng.randrange(10_000):04d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        day = timezone.localtime(applied).date()
        if day not in first_of_day:
            starts = timezone.make_aware(datetime.combine(day, datetime.min.time()))
            first_of_day[day] = max(0, math.ceil(rows * (1 - (now - starts) / span) - 1))
        # Numbered per day over all centres (a hall numbers per centre): unique, and below the demo's 9001.
        number = f"{codes[centre]}-{day:%Y%m%d}-{n - first_of_day[day] + 1:04d}"
        batch.append(
            (
                number,
                "assist" if rng.random() < 0.65 else "agency",
                status.value,
                name,
                blind_index(f"{n}", purpose="id"),
                f"1{rng.choice('3589')}{rng.randrange(10)}****{tail}",
                tail,
                matter_id,
                department_id,
                centre,
                origin,
                rng.choice(helpers_of.get(centre) or helpers_of[hall.pk]),
                db("applied_at", applied),
                db("accepted_at", accepted),
                db("completed_at", completed),
                db("deadline", deadline),
                *fixed_values,
            )
        )
        if len(batch) == batch_size or i == missing - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            batch.clear()
            done = i + 1
            if done % (batch_size * 10) == 0 or done == missing:
                elapsed = time.perf_counter() - started
                print(f"  {existing + done:>10,} requests ({elapsed:.0f} s, {done / elapsed:,.0f}/s)", flush=True)
    _analyze()
    print(f"filled {missing:,} requests in {time.perf_counter() - started:.0f} s", flush=True)


def _status_by_age(rng, age_days: int):
    """Recent requests are still being worked on; old ones are mostly archived, with a few left open past their
    deadline (the overdue view's rows)."""
    from requests.models import Status

    r = rng.random()
    if age_days < 3:
        return rng.choice((Status.APPLIED, Status.APPLIED, Status.DEFICIENT, Status.ACCEPTED, Status.IN_PROGRESS))
    if age_days < 40:
        if r < 0.55:
            return rng.choice((Status.ACCEPTED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.SUSPENDED))
        if r < 0.6:
            return rng.choice((Status.DEFICIENT, Status.REFUSED))
        return rng.choice((Status.COMPLETED, Status.DELIVERED, Status.DELIVERED))
    if r < 0.004:
        return Status.IN_PROGRESS
    if r < 0.04:
        return rng.choice((Status.REFUSED, Status.TERMINATED))
    return Status.ARCHIVED if r < 0.85 else Status.DELIVERED


def _analyze() -> None:
    """Statistics for the planner; on PostgreSQL also VACUUM, as autovacuum would have done on a live database: a
    freshly filled table has no visibility map, so every index-only scan (the queue's bounded count) reads the heap
    too: the front desk's bounded count took 25 ms at 100,000 rows on a loaded machine, under 13 ms after VACUUM."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    demo_hall()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from requests.models import ServiceRequest
    from staff.models import StaffMember

    clerk = StaffMember.objects.select_related("user", "centre").get(user__username="frontdesk")
    fill_requests(args.rows)

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
