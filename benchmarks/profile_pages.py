"""Where our hot pages spend their time: the pages of benchmarks/compare_peer.py, on its database, one at a time.

    .venv/bin/python benchmarks/profile_pages.py [--rows 100000] [--database-url URL] [--only queue,overdue]
        [--n 30] [--profile 30] [--top 25] [--match REGEX] [--sql]

For each page: the median and p95 of --n requests after 5 warm-up ones (in-process test client, DEBUG off, the
benchmark's settings and keys, as compare_peer.py measures them); with --sql, each query of one request with its
time; with --profile N, cProfile over N requests, the --top functions by their own time and by cumulative time (with --match, of those whose path or name match).
It fills the database first when it has fewer than --rows requests (compare_peer.py's fill, which takes minutes).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: compare_peer.py's SQLite file for --rows")
    parser.add_argument("--only", default="", help="comma-separated pages (default: the staff pages)")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0, help="requests under cProfile (default none)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="", help="with --profile: only functions whose path or name match")
    parser.add_argument("--sql", action="store_true", help="print each query of one request with its time")
    parser.add_argument(
        "--explain", type=float, default=0, help="with --sql: the whole text and plan of a query over N ms"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=30)
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from compare_peer import BENCH_ENV, our_pages

    os.environ.pop("REDIS_URL", None)
    os.environ.update(BENCH_ENV)
    os.environ.update(
        STATIC_ROOT=str(ROOT / "var" / "bench" / "static"), MEDIA_ROOT=str(ROOT / "var" / "bench" / "media")
    )
    os.environ["DATABASE_URL"] = (
        args.database_url or f"sqlite:///{ROOT / 'var' / f'bench-compare-{args.rows}.sqlite3'}"
    )
    pages, info = our_pages(args)
    print(info, flush=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = args.only.split(",") if args.only else [p for p in pages if p not in ("status", "ceiling")]
    for name in names:
        page = pages[name]
        for _ in range(5):
            page.client.get(page.next_url())
        times = []
        for _ in range(args.n):
            started = time.perf_counter()
            response = page.client.get(page.next_url())
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        times.sort()
        with CaptureQueriesContext(connection) as captured:
            page.client.get(page.next_url())
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        print(
            f"{name}: median {statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times)) - 1]:.1f} ms, "
            f"{len(captured.captured_queries)} queries, {sql_ms:.1f} ms in SQL",
            flush=True,
        )
        if args.sql:
            for query in captured.captured_queries:
                print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:300]}")
                if args.explain and float(query["time"]) * 1000 >= args.explain:
                    print(query["sql"])
                    with connection.cursor() as cursor:
                        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
                        cursor.execute(prefix + query["sql"])
                        print("\n".join(" ".join(map(str, row)) for row in cursor.fetchall()))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.profile):
                page.client.get(page.next_url())
            profiler.disable()
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                restrictions = [args.match, args.top] if args.match else [args.top]
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restrictions)
                print(out.getvalue())


if __name__ == "__main__":
    main()
