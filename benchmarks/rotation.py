"""Time the roster generator: twelve months for 300 full-time helpers × 40 windows, with history and leave.

    .venv/bin/python benchmarks/rotation.py [--helpers 300] [--windows 40] [--months 12] [--history 24] [--repeat 5]

Each helper starts with ``--history`` months of random past windows (not a tidy rotation, so the generator's
repair step has work to do), about 5 % of helpers have a few days of leave each month and 1 % are away all
month. Every month runs everything a plan needs — the rotation, the day covers, the full rule check, 30 duty
leaders, 4 bureau leaders and the help-area turns of 4 departments — and feeds its result into the next
month's history. Pure Python (rosters.planning), no database. Target: the twelve months in ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallservice.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

TARGET_SECONDS = 1.0


def month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    days = [first + timedelta(days=i) for i in range(31)]
    return [d for d in days if d.month == month and d.weekday() < 5]


def build(args, rnd: random.Random):
    from rosters.planning import PersonSpec, WindowSpec

    windows = []
    share = args.helpers / args.windows
    for i in range(args.windows):
        low = max(0, int(share) - rnd.randint(1, 3))
        windows.append(WindowSpec(i + 1, f"W{i + 1:02d}", low, int(share) + rnd.randint(1, 3)))
    history = {1000 + h: [rnd.choice(windows).id for _ in range(args.history)] for h in range(args.helpers)}
    leaders = [PersonSpec(5000 + i, f"L{i}", past=rnd.randint(0, 40)) for i in range(30)]
    bureau = [PersonSpec(6000 + i, f"B{i}", past=rnd.randint(0, 10)) for i in range(4)]
    departments = [
        (7000 + d, f"D{d}", [PersonSpec(7100 + d * 10 + k, f"WH{d}{k}") for k in range(3)]) for d in range(4)
    ]
    return windows, history, leaders, bureau, departments


def run_year(args, seed: int) -> tuple[float, dict]:
    from rosters.planning import (
        HelperSpec,
        check_plan,
        month_turn,
        propose_duty_leaders,
        propose_help_area,
        propose_rotation,
        propose_week_leaders,
    )

    rnd = random.Random(seed)
    windows, history, leaders, bureau, departments = build(args, rnd)
    # Leave is drawn before the clock starts: only the planning is timed.
    months = []
    for m in range(args.months):
        year, month = 2027 + m // 12, m % 12 + 1
        days = month_days(year, month)
        away = {}
        for helper in history:
            roll = rnd.random()
            if roll < 0.01:
                away[helper] = frozenset(days)
            elif roll < 0.06:
                start = rnd.randrange(len(days))
                away[helper] = frozenset(days[start : start + rnd.randint(1, 4)])
        months.append((date(year, month, 1), days, away))

    stats = {"repeats": 0, "unplaced": 0, "shortfalls": 0, "covers": 0, "errors": 0}
    started = time.perf_counter()
    for first, days, away in months:
        turn = month_turn(first)
        helpers = [HelperSpec(h, str(h), tuple(ws), away.get(h, frozenset())) for h, ws in history.items()]
        proposal = propose_rotation(windows=windows, helpers=helpers, working_days=days, turn=turn)
        assignments = {h: p.window_id for h, p in proposal.placements.items()}
        duty, _gaps = propose_duty_leaders(leaders=leaders, working_days=days, turn=turn)
        propose_week_leaders(bureau_leaders=bureau, working_days=days, turn=turn)
        turns, _gaps = propose_help_area(departments=departments, working_days=days, turn=turn)
        problems, covers = check_plan(
            windows=windows,
            helpers=helpers,
            assignments=assignments,
            working_days=days,
            leaders=leaders,
            duty={d: leader for d, (leader, _r) in duty.items()},
            turns=[(d, dep, h) for d, dep, h, _r in turns],
            turn=turn,
        )
        for helper, window in assignments.items():
            history[helper].append(window)
        stats["repeats"] += sum(p.is_repeat for p in proposal.placements.values())
        stats["unplaced"] += len(proposal.unplaced)
        stats["shortfalls"] += len(proposal.shortfalls)
        stats["covers"] += len(covers)
        stats["errors"] += sum(p.is_error for p in problems)
    return time.perf_counter() - started, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helpers", type=int, default=300)
    parser.add_argument("--windows", type=int, default=40)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--history", type=int, default=24, help="months of past windows per helper")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()

    times = []
    for seed in range(args.repeat):
        seconds, stats = run_year(args, seed)
        times.append(seconds)
        print(
            f"run {seed + 1}: {seconds:.3f} s for {args.months} months "
            f"({args.helpers} helpers × {args.windows} windows, {args.history} months of history) — "
            f"repeats {stats['repeats']}, unplaced {stats['unplaced']}, short windows {stats['shortfalls']}, "
            f"day covers {stats['covers']}, blocking problems {stats['errors']}",
            flush=True,
        )
    median = statistics.median(times)
    verdict = "within" if median <= TARGET_SECONDS else "OVER"
    print(f"median {median:.3f} s, worst {max(times):.3f} s — {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
