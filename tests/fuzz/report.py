"""Print the API fuzzing run's table: per operation, how many requests reached a 2xx, as which users, and why not.

Run by tests/fuzz/run.sh after schemathesis (any Python 3; reads WORK_DIR/plan.json and the counts-*.json and
samples-*.json the hooks wrote):

    python3 tests/fuzz/report.py WORK_DIR

An operation with no 2xx shows the reason: the plan's note (nobody can reach it, nothing to act on) or, when the
requests went out, the answers they got (409s: the objects' states were used up; 400s: the input never fitted).
"""

from __future__ import annotations

import glob
import json
import os
import sys
from collections import Counter, defaultdict


def main(work: str) -> int:
    with open(os.path.join(work, "plan.json"), encoding="utf-8") as plan_file:
        plan = json.load(plan_file)
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for path in glob.glob(os.path.join(work, "counts-*.json")):
        with open(path, encoding="utf-8") as counts_file:
            for label, users in json.load(counts_file).items():
                for user, statuses in users.items():
                    counts[label][user].update({int(code): n for code, n in statuses.items()})
    samples: dict[str, dict[int, str]] = defaultdict(dict)
    for path in glob.glob(os.path.join(work, "samples-*.json")):
        with open(path, encoding="utf-8") as samples_file:
            for label, texts in json.load(samples_file).items():
                for code, text in texts.items():
                    samples[label].setdefault(int(code), text)

    rows, zero_unexplained, total, total_ok = [], 0, 0, 0
    for label in sorted(plan, key=lambda text: (text.split(" ", 1)[1], text)):
        users = counts.get(label, {})
        requests = sum(sum(s.values()) for s in users.values())
        ok = sum(n for s in users.values() for code, n in s.items() if 200 <= code < 300)
        total, total_ok = total + requests, total_ok + ok
        roles = ", ".join(
            f"{user} {sum(n for c, n in s.items() if 200 <= c < 300)}/{sum(s.values())}"
            for user, s in sorted(users.items())
        )
        note = plan[label].get("note", "")
        if ok == 0 and not note:
            answers = Counter()
            for s in users.values():
                answers.update(s)
            note = "no 2xx: " + ", ".join(f"{n}×{code}" for code, n in sorted(answers.items()))
            # The most frequent refusal's first answer says why (a used-up state, a rule).
            common = max(answers, key=lambda code: answers[code]) if answers else None
            if common in samples[label]:
                note += f"; first {common}: {' '.join(samples[label][common].split())[:160]}"
            zero_unexplained += 1
        refused = {code: sum(s.get(code, 0) for s in users.values()) for code in (400, 409)}
        rows.append((label, str(requests), str(ok), str(refused[400]), str(refused[409]), roles, note))

    # 400: the input did not fit (or a rule refused it); 409: the object's state did not allow it (any more).
    headers = ("Operation", "Requests", "2xx", "400", "409", "2xx/requests per user", "Note")
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(6)]
    line = "  ".join(f"{{:{'<' if i in (0, 5) else '>'}{w}}}" for i, w in enumerate(widths)) + "  {}"
    print(line.format(*headers))
    for row in rows:
        print(line.format(*row).rstrip())
    reached = sum(1 for row in rows if row[2] != "0")
    rejected = sum(int(row[3]) for row in rows)
    print(
        f"fuzz: {total} requests, {total_ok} answered 2xx, {rejected} answered 400;"
        f" {reached} of {len(rows)} operations reached a 2xx"
    )
    if zero_unexplained:
        print(f"fuzz: {zero_unexplained} operations reached no 2xx although they were tried (see their notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
