"""Our hot pages beside django-helpdesk's, measured alternately in one run, with ratios.

    .venv/bin/python benchmarks/compare_peer.py [--rows 100000] [--n 30] [--warmup 5]
    .venv/bin/python benchmarks/compare_peer.py --rows 1000000
    .venv/bin/python benchmarks/compare_peer.py --database-url postgres://postgres@127.0.0.1:5432/bench_compare \\
        --peer-database-url postgres://peer:peer@127.0.0.1:5432/peer

Ours: fills its own database (SQLite ``var/bench-compare-<rows>.sqlite3`` unless --database-url; a PostgreSQL
database named there is created if missing) with the demo hall and --rows requests (benchmarks/requests_list.py's
fill, which a later run reuses). The peer: django-helpdesk through the harness in ../shared/peer-helpdesk
(setup.sh and fill.py, run when its database has no tickets; PostgreSQL through --peer-database-url, whose role
and database are created with the postgres superuser if missing), 100,000 tickets.

Each project runs in its own process with its own venv (benchmarks/pipe_pages.py: JSON lines over a pipe), with
DEBUG off and the in-process test client, as the harness's measure.py does. After --warmup requests per page,
the driver asks for one request at a time, going round all pages of both projects --n times, so the two are
measured in the same minutes; then a separate pass counts each page's queries (CaptureQueriesContext). Prints
median and p95 per page and how many times faster each of our pages is than the peer's datatables page (the
status page against the peer's public view, the ceilings against each other); saves JSON under var/bench/.
Prints figures only; no pass/fail threshold.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from pipe_pages import Page, Worker, claim_stdout, serve  # noqa: E402

OUR_PAGES = {
    "queue": "queue, 25 rows",
    "overdue": "overdue view",
    "api_list": "API list, 50 rows",
    "search_number": "search: request number",
    "search_tail": "search: phone tail",
    "search_name": "search: applicant name",
    "status": "citizen status page",
    "ceiling": "ceiling",
}
PEER_PAGES = {
    "datatables": "datatables, 25 rows",
    "datatables_new": "datatables, newest first",
    "public_view": "public view",
    "ceiling": "ceiling",
}
# What each of our pages is compared with: the staff list, the public page, the bare page.
COMPARED_WITH = {"status": "public_view", "ceiling": "ceiling"}

# The benchmark's own keys (production settings refuse SECRET_KEY as a field key): scratch data only, fixed so a
# database filled by one run can be read by the next.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "hallservice.settings_bench",
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-for-scratch-data-compare-peer-0123456789abcdef",
    "FIELD_ENCRYPTION_KEYS": "bench-only-field-encryption-key-compare-peer-0123",
    "FIELD_HASH_KEY": "bench-only-field-hash-key-compare-peer-0123456789",
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SMS_BACKEND": "none",
    "LOG_LEVEL": "WARNING",
}


# --- Our worker ---------------------------------------------------------------------------------------------


def our_worker(args) -> None:
    """Fill our database if needed, then serve our pages (runs in our venv, with BENCH_ENV)."""
    claim_stdout()
    pages, info = our_pages(args)
    serve(pages, info)


def our_pages(args) -> tuple[dict[str, Page], dict]:
    """Set our project up (migrate, the demo hall, --rows requests) and the pages to time, with what they run on.
    Also what benchmarks/profile_pages.py profiles."""
    import random

    from scratch_hall import demo_hall

    demo_hall()
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from requests_list import fill_requests

    from requests.models import ServiceRequest
    from requests.services.public import REQUEST, status_token
    from staff.models import StaffMember

    call_command("collectstatic", interactive=False, verbosity=0)
    fill_requests(args.rows)
    clerk = StaffMember.objects.select_related("user", "centre").get(user__username="frontdesk")
    rng = random.Random(args.seed)
    ids = ServiceRequest.objects.order_by("pk").values_list("pk", flat=True)
    low, high = ids.first(), ids.last()
    wanted = {rng.randint(low, high) for _ in range(args.sample * 4)}
    rows = list(
        ServiceRequest.objects.filter(pk__in=wanted).values_list("pk", "number", "applicant_name", "centre_id")
    )
    rng.shuffle(rows)
    sample = rows[: args.sample]
    # What the front desk searches for: its own hall's requests (what it may see), and any phone tail.
    at_hall = [row for row in rows if row[3] == clerk.centre_id][:10]
    tails = [f"{rng.randrange(10_000):04d}" for _ in range(10)]

    desk, citizen = Client(), Client()
    desk.force_login(clerk.user)
    queue = reverse("requests:queue")
    pages = {
        "queue": Page(desk, [queue]),
        "overdue": Page(desk, [f"{queue}?view=overdue"]),
        "api_list": Page(desk, ["/api/v1/requests/"]),
        "search_number": Page(desk, [f"{queue}?q={quote(number)}" for _pk, number, _name, _c in at_hall]),
        "search_tail": Page(desk, [f"{queue}?q={tail}" for tail in tails]),
        "search_name": Page(desk, [f"{queue}?q={quote(name)}" for _pk, _number, name, _c in at_hall]),
        "status": Page(citizen, [f"/track/r/{status_token(kind=REQUEST, pk=pk)}/" for pk, *_ in sample]),
        "ceiling": Page(citizen, [f"/bench/ceiling/{pk}/" for pk, *_ in sample]),
    }
    info = {
        "db": connection.vendor,
        "requests": ServiceRequest.objects.count(),
        "visible_to_front_desk": ServiceRequest.objects.restrict(clerk.user).count(),
        "django": django.get_version(),
        "debug": settings.DEBUG,
        "settings": os.environ["DJANGO_SETTINGS_MODULE"],
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }
    if connection.vendor == "sqlite":
        import sqlite3

        info["sqlite"] = sqlite3.sqlite_version
    else:
        info["postgresql"] = connection.cursor().connection.info.server_version
    return pages, info


# --- Starting the two workers -------------------------------------------------------------------------------


def ensure_postgres_database(url: str, *, owner_password: str | None = None) -> None:
    """Create the database of ``url`` (and its role, if it logs in with a password) on the same server, through
    the postgres superuser; nothing if they exist."""
    import psycopg

    parts = urlsplit(url)
    name, user = parts.path.lstrip("/"), parts.username or "postgres"
    admin = f"postgres://postgres@{parts.hostname}:{parts.port or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if user != "postgres" and not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user]).fetchone():
            password = owner_password or parts.password or user
            conn.execute(f"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}" OWNER "{user}"')
            print(f"created database {name} (owner {user})", flush=True)


def start_ours(args) -> Worker:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(BENCH_ENV)
    # Static files collected once (DEBUG off serves them from the manifest); no uploads happen.
    env.update(STATIC_ROOT=str(ROOT / "var" / "bench" / "static"), MEDIA_ROOT=str(ROOT / "var" / "bench" / "media"))
    if args.database_url:
        if args.database_url.startswith("postgres"):
            ensure_postgres_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / f'bench-compare-{args.rows}.sqlite3'}"
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    argv = [sys.executable, str(Path(__file__)), "--worker", "--rows", str(args.rows)]
    argv += ["--seed", str(args.seed), "--sample", str(args.sample)]
    return Worker("ours", argv, env, cwd=str(ROOT))


def peer_env(args) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env["PEER_ROOT"] = str(args.peer_root)
    if args.peer_database_url:
        env["DATABASE_URL"] = args.peer_database_url
    return env


def start_peer(args) -> Worker:
    """The peer's worker; sets the peer up and fills it first when its database has no tickets."""
    env = peer_env(args)
    python = args.peer_root / "venv" / "bin" / "python"
    if args.peer_database_url and args.peer_database_url.startswith("postgres"):
        ensure_postgres_database(args.peer_database_url)
    if not python.exists():
        harness_step(args, env, ["bash", "setup.sh"])
    argv = [str(python), str(HERE / "peer_pages.py"), "--harness", str(args.harness), "--sample", str(args.sample)]
    argv += ["--seed", str(args.seed)]
    worker = Worker("peer", argv, env)
    if worker.info["tickets"]:
        if worker.info["tickets"] != args.peer_tickets:
            print(f"note: the peer has {worker.info['tickets']:,} tickets, not {args.peer_tickets:,}", flush=True)
        return worker
    worker.close()
    harness_step(args, env, ["bash", "setup.sh"])
    harness_step(args, env, [str(python), "fill.py", str(args.peer_tickets)])
    return Worker("peer", argv, env)


def harness_step(args, env, argv: list[str]) -> None:
    print(f"peer: {' '.join(argv)} …", flush=True)
    started = time.perf_counter()
    subprocess.run(argv, cwd=args.harness, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"peer: done in {time.perf_counter() - started:.0f} s", flush=True)


# --- Measuring ----------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest rank, as the harness's measure.py."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def measure(workers: dict[str, Worker], args) -> dict:
    """Warm every page up, then go round all pages of both projects one request at a time, --n times."""
    schedule = []  # (project, page), ours and the peer's interleaved
    ours, peer = list(workers["ours"].pages), list(workers["peer"].pages)
    for i in range(max(len(ours), len(peer))):
        schedule += [("ours", ours[i])] if i < len(ours) else []
        schedule += [("peer", peer[i])] if i < len(peer) else []
    results = {project: {page: {"ms": []} for page in workers[project].pages} for project in workers}
    for project, page in schedule:
        answer = workers[project].call(cmd="time", page=page, n=args.warmup)
        if answer["status"] != 200:
            raise SystemExit(f"{project} {page}: answered {answer['status']}")
        results[project][page]["bytes"] = answer["bytes"]
    print(f"warmed up; timing {args.n} rounds of {len(schedule)} pages …", flush=True)
    started = time.perf_counter()
    for round_number in range(args.n):
        # Reverse every other round, so no page always follows the same one.
        for project, page in schedule if round_number % 2 == 0 else reversed(schedule):
            answer = workers[project].call(cmd="time", page=page, n=1)
            if answer["status"] != 200:
                raise SystemExit(f"{project} {page}: answered {answer['status']}")
            results[project][page]["ms"] += answer["ms"]
    print(f"timed in {time.perf_counter() - started:.0f} s; counting queries …", flush=True)
    for project, page in schedule:
        answer = workers[project].call(cmd="queries", page=page, n=args.query_passes)
        entry = results[project][page]
        entry.update(
            median_ms=statistics.median(entry["ms"]),
            p95_ms=percentile(entry["ms"], 95),
            queries=int(statistics.median(answer["queries"])),
            queries_range=[min(answer["queries"]), max(answer["queries"])],
            slowest_sql=answer["slowest"],
        )
    return results


def report(results: dict, env: dict) -> list[str]:
    ours, peer = results["ours"], results["peer"]
    lines = [
        f"{env['date']} · {env['machine']} · load average before {env['load_before']}, after {env['load_after']}",
        f"ours: {env['ours']['requests']:,} requests ({env['ours']['visible_to_front_desk']:,} in the front desk's "
        f"scope), {env['ours']['db']}; peer: django-helpdesk {env['peer']['django_helpdesk']}, "
        f"{env['peer']['tickets']:,} tickets, {env['peer']['db']}; in-process test client, DEBUG off, "
        f"{env['warmup']} warm-up + {env['n']} timed requests a page, alternating",
        "",
        "| page | median ms | p95 ms | queries | compared with the peer's | times faster |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for page, label in PEER_PAGES.items():
        if page in peer:
            row = peer[page]
            lines.append(f"| peer: {label} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries']} | | |")
    for page, label in OUR_PAGES.items():
        if page not in ours:
            continue
        row = ours[page]
        against = COMPARED_WITH.get(page, "datatables")
        ratio = peer[against]["median_ms"] / row["median_ms"] if against in peer else float("nan")
        lines.append(
            f"| ours: {label} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries']} | "
            f"{PEER_PAGES[against]} | {ratio:.1f}× |"
        )
    if "status" in ours and "ceiling" in ours:
        share = ours["ceiling"]["median_ms"] / ours["status"]["median_ms"]
        lines.append("")
        lines.append(f"our status page takes {1 / share:.1f}× our ceiling's time ({share:.0%} of its speed)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="our requests (default 100,000)")
    parser.add_argument("--peer-tickets", type=int, default=100_000, help="the peer's tickets (default 100,000)")
    parser.add_argument("--n", type=int, default=30, help="timed requests a page (default 30)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--query-passes", type=int, default=5, help="requests a page under CaptureQueriesContext")
    parser.add_argument("--sample", type=int, default=30, help="requests/tickets the per-row pages go round")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="ours (default SQLite)")
    parser.add_argument("--peer-database-url", default="", help="the peer's (default its SQLite file)")
    parser.add_argument("--redis-url", default="", help="our cache (default: none, the in-process cache)")
    parser.add_argument("--harness", type=Path, default=default_harness(), help="the peer-helpdesk directory")
    parser.add_argument("--peer-root", type=Path, default=Path(os.environ.get("PEER_ROOT", "/tmp/peer")))
    parser.add_argument("--out", type=Path, help="JSON file (default var/bench/compare-<db>-<rows>-<time>.json)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        our_worker(args)
        return
    if args.harness is None or not (args.harness / "setup.sh").exists():
        parser.error("the peer-helpdesk harness was not found: give --harness")

    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    workers = {}
    try:
        workers["peer"] = start_peer(args)
        workers["ours"] = start_ours(args)
        results = measure(workers, args)
    finally:
        for worker in workers.values():
            worker.close()
    env = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "load_before": load_before,
        "load_after": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "n": args.n,
        "warmup": args.warmup,
        "query_passes": args.query_passes,
        "ours": workers["ours"].info,
        "peer": workers["peer"].info,
    }
    lines = report(results, env)
    print("\n".join(lines))
    out = args.out or ROOT / "var" / "bench" / (
        f"compare-{env['ours']['db']}-{args.rows}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"env": env, "results": results, "table": lines}, indent=2, ensure_ascii=False))
    print(f"saved {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def default_harness() -> Path | None:
    # ../shared/peer-helpdesk from the main checkout; one more level up from a worktree under /work/wt/.
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "peer-helpdesk" / "setup.sh").exists():
            return base / "shared" / "peer-helpdesk"
    return None


if __name__ == "__main__":
    main()
