"""Print the cold (first in process) and warm median render time of each printed form and of a 1,000-row ledger.

    .venv/bin/python benchmarks/pdf_render.py [--repeat 10]

Target on this machine: one-page forms warm ≤ 150 ms. Uses a scratch SQLite database under var/.

Needs the forms' fonts (`manage.py build_fonts`, run by `make install`): without them the forms fall back to the
system fonts and take the old times. Measured 2026-12-01 (2 vCPUs, --repeat 15): one-page forms warm 93–123 ms on
an idle machine (190–300 ms before the pre-subset fonts, the stylesheet parsed once and the fonts loaded once per
thread), the first form in a process 0.8–1.1 s, the 1,000-row ledger 12–14 s (106 pages). Another busy process on
the machine adds up to half again.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import date

from scratch_hall import agency_request_with_deficiency, demo_hall, scratch_database, timed

DB = scratch_database("bench-pdf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    DB.unlink(missing_ok=True)
    demo_hall()
    from django.contrib.auth import get_user_model

    from requests.documents import Stamp, render_blank, render_document, render_ledger
    from requests.models import DocumentKind, Matter

    desk = get_user_model().objects.get(username="frontdesk")
    matter = Matter.objects.filter(materials__isnull=False).distinct().first()
    req = agency_request_with_deficiency(actor=desk, matter=matter)
    stamp = Stamp(code=f"{req.number}-X01", version=1, track_url="https://hall.example.cn/track/d/token/")
    kinds = [
        DocumentKind.DEFICIENCY_NOTICE,
        DocumentKind.COMMISSION_LETTER,
        DocumentKind.NOTICE_OF_DUTIES,
        DocumentKind.ACCEPTANCE_FORM,
        DocumentKind.COMPLETION_FORM,
        DocumentKind.SUSPENSION_NOTICE,
        DocumentKind.TERMINATION_NOTICE,
    ]
    rows = [
        {
            "matter": f"不动产登记（国有建设用地使用权及房屋所有权首次登记）{i}",
            "reason": "申请人年老行动不便",
            "mode": "代办 · 大厅",
            "time": "2026-11-23 / 2026-11-24",
            "result": "已办结：不动产权证书",
            "applicant": f"张*（138****{i % 10000:04d}）",
            "rating": "非常满意",
            "remark": "按期办结",
        }
        for i in range(1000)
    ]

    first = True
    print(f"{'document':28s} {'cold ms':>9s} {'warm median ms':>15s}")
    for kind in kinds:
        cold = timed(lambda k=kind: render_document(k, req, stamp))
        label = "(first in process)" if first else ""
        first = False
        warm = statistics.median(timed(lambda k=kind: render_document(k, req, stamp)) for _ in range(args.repeat))
        print(f"{kind.value:28s} {cold:9.0f} {warm:15.0f} {label}")
    blank_warm = statistics.median(timed(lambda: render_blank(DocumentKind.COMMISSION_LETTER)) for _ in range(5))
    print(f"{'blank commission letter':28s} {'':9s} {blank_warm:15.0f}")
    ledger_times = [
        timed(
            lambda: render_ledger(
                centre_name="新华区政务服务中心", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), rows=rows
            )
        )
        for _ in range(3)
    ]
    pdf = render_ledger(
        centre_name="新华区政务服务中心", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), rows=rows
    )
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"{'ledger, 1,000 rows':28s} {ledger_times[0]:9.0f} {statistics.median(ledger_times):15.0f}"
        f"  ({pages} pages, {len(pdf) // 1024} KiB)"
    )


if __name__ == "__main__":
    main()
