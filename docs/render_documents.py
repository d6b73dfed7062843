"""Render every printed form for a demo request and save page images under docs/screenshots/.

    .venv/bin/python docs/render_documents.py

Uses a scratch SQLite database and media folder under var/, never the demo data of `make run`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date

from screenshot_session import OUT, ROOT

sys.path.insert(0, str(ROOT))
from benchmarks.scratch_hall import agency_request_with_deficiency, demo_hall, scratch_database  # noqa: E402
from tests.signed_forms import keep_signed  # noqa: E402

DB = scratch_database("docs-render")
os.environ["MEDIA_ROOT"] = str(ROOT / "var" / "docs-media")


def png(pdf: bytes, stem: str, pages: int = 1) -> None:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(pages), tmp.name, str(OUT / stem)], check=True
        )


def main() -> None:
    DB.unlink(missing_ok=True)
    demo_hall()
    from django.contrib.auth import get_user_model

    from requests import services as svc
    from requests.documents import BLANK_KINDS, render_blank
    from requests.models import Matter
    from requests.services.documents import document_issue
    from tests.factories import VALID_ID_NUMBERS, posted_by_ems, registration_input

    desk = get_user_model().objects.get(username="frontdesk")
    issued = {}

    def issue(req, kind: str, **choices) -> None:
        """Print ``kind`` for ``req`` now, while the request is in the state the form belongs to."""
        issued[kind] = document_issue(actor=desk, request_id=req.pk, kind=kind, **choices)

    matter = Matter.objects.filter(code__startswith="BDC", materials__isnull=False).distinct().first()
    req = agency_request_with_deficiency(
        actor=desk,
        matter=matter,
        category="special_care",
        applicant_address="新华区建设路 1 号",
        reason="申请人年老行动不便，委托全程代办",
    )
    svc.request_issue_deficiency_notice(actor=desk, request_id=req.pk)
    issue(req, "deficiency_notice")
    svc.request_supply_materials(actor=desk, request_id=req.pk, check_ids=[c.pk for c in req.material_checks.all()])
    issue(
        req,
        "commission_letter",
        pickup_method="post",
        pickup_recipient="欧阳𠮷堃",
        pickup_address="平顶山市新华区建设路 1 号",
        pickup_phone="13812345678",
    )
    issue(req, "notice_of_duties")
    keep_signed(desk, req)
    svc.request_accept(actor=desk, request_id=req.pk, handover_items="申请书、身份证复印件")
    issue(req, "acceptance_form")
    svc.request_start(actor=desk, request_id=req.pk)
    svc.request_suspend(
        actor=desk,
        request_id=req.pk,
        reason="fees_unpaid",
        resume_by=date(2099, 1, 1),
        note="请于一楼 A05 税务窗口缴纳契税后告知帮办员。",
    )
    issue(req, "suspension_notice")
    svc.request_resume(actor=desk, request_id=req.pk)
    svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书 1 本")
    posted = posted_by_ems(recipient="欧阳𠮷堃", address="平顶山市新华区建设路 1 号")
    svc.request_deliver(actor=desk, request_id=req.pk, **posted)
    issue(req, "completion_form")
    li_si = {"applicant_name": "李四", "applicant_id_number": VALID_ID_NUMBERS[1], "applicant_phone": "13900001111"}
    everything = [m.pk for m in matter.materials.all()]
    other = svc.request_register(
        actor=desk, data=registration_input(matter, kind="agency", provided_material_ids=everything, **li_si)
    )
    keep_signed(desk, other)
    svc.request_accept(actor=desk, request_id=other.pk, handover_items="全部材料")
    svc.request_terminate(actor=desk, request_id=other.pk, reason="withdrawn", note="申请人于窗口书面撤回委托。")
    issue(other, "termination_notice")

    from requests.documents import render_ledger

    rows = [
        {
            "matter": matter.name,
            "reason": "申请人年老行动不便" if i % 2 else "企业开办全程代办",
            "mode": "代办（大厅）",
            "time": "2026-11-02 / 2026-11-03",
            "result": "已办结：不动产权证书",
            "applicant": f"张{i}* 138****{i:04d}",
            "rating": "非常满意",
            "remark": "期限 2026-11-10；新华区政务服务中心",
        }
        for i in range(60)
    ]
    ledger = render_ledger(
        centre_name="新华区政务服务中心", date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), rows=rows
    )

    OUT.mkdir(parents=True, exist_ok=True)
    png(ledger, "document-ledger", pages=2)
    for kind, document in issued.items():
        with document.file.open("rb") as f:
            png(f.read(), f"document-{kind}")
    for kind in BLANK_KINDS:
        png(render_blank(kind), f"blank-{kind}")
    print("written to", OUT)


if __name__ == "__main__":
    main()
