"""Demo records of the supervision section (seed 001 八, seed 003 三(一) and 三(四)): inspections of the district hall,
one of them rectified and circulated in a notice, and two difficult points, one worked through a coordination
meeting and one resolved. Written through the services, so each carries its events; found again by their text, so a
second run creates nothing. Dates count back from today, so the supervisor's pages show recent work whenever the demo
is seeded."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from staff.models import Department, Qualification, ServiceCentre, StaffMember
from supervision.models import DifficultPoint, Inspection, Notice
from supervision.services_inspections import (
    difficult_point_add_meeting,
    difficult_point_record,
    difficult_point_resolve,
    inspection_record,
    inspection_record_rectification,
    notice_issue,
)
from supervision.skills import recompute

from .writing import Tally

# (days ago, department code, staff username, findings, days to rectify, rectified days ago and how)
INSPECTIONS = [
    (
        24,
        None,
        "zhaoxuemei01",
        "帮办代办台账中 3 件代办事项缺少办结时间，专属帮办代办员未按时更新办理进度。",
        7,
        (15, "已补录办结时间并逐件核对台账；帮办代办员作出书面说明，纳入当月考核。"),
    ),
    (9, "BDC", None, "不动产综合窗口首席代表未在岗，窗口帮办代办员仅 1 人，群众等候超过 30 分钟。", 10, None),
    (3, None, None, "", None, None),  # an inspection that found nothing wrong
]
NOTICE_TITLE = "关于帮办代办台账记录不及时问题的通报"
NOTICE_BODY = (
    "近期，督查指导科对区政务服务中心帮办代办工作开展了督查，发现个别帮办代办员未按要求及时记录办理进度和办结时间。"
    "\n\n请各窗口对照《帮办代办工作制度》，做到一件一档、全程留痕；督查指导科将持续跟踪整改情况。"
)
POINTS = [
    (
        "二手房转移登记与契税缴纳需分别排队",
        "群众办理存量房转移登记时，需先到税务窗口缴税，再回不动产窗口排队，往返两次。",
        ["BDC", "SWJ"],
        (
            6,
            "不动产登记中心、税务局窗口负责人，督查指导科",
            "试行“一窗受理、并联办理”，税务窗口派员进驻不动产综合窗口。",
        ),
        None,
    ),
    (
        "公积金提取需重复提交婚姻状况证明",
        "同一申请人同月内办理两项公积金提取，需两次提交婚姻状况证明原件。",
        ["GJJ", "MZJ"],
        (20, "住房公积金管理中心、民政局，督查指导科", "民政局开放婚姻登记信息共享查询。"),
        "已实现婚姻登记信息共享，申请人书面承诺即可，不再提交证明原件。",
    ),
]


def seed_supervision(
    tally: Tally,
    centres: dict[str, ServiceCentre],
    departments: dict[str, Department],
    staff: dict[str, StaffMember],
) -> None:
    supervisor = staff["supervisor"].user
    hall = centres["XH"]
    today = timezone.localdate()
    cited = []
    for days_ago, department, username, findings, to_rectify, rectified in INSPECTIONS:
        day = today - timedelta(days=days_ago)
        found = Inspection.objects.filter(centre=hall, findings=findings, department__code=department)
        if not findings:
            found = found.filter(inspected_on__gte=today - timedelta(days=31))
        inspection = found.first()
        tally.note("inspections", inspection is None)
        if inspection is None:
            inspection = inspection_record(
                actor=supervisor,
                centre_id=hall.pk,
                inspected_on=day,
                findings=findings,
                department_id=departments[department].pk if department else None,
                staff_id=staff[username].pk if username else None,
                rectify_by=day + timedelta(days=to_rectify) if to_rectify else None,
            )
            if rectified:
                rectified_ago, result = rectified
                inspection_record_rectification(
                    actor=supervisor,
                    inspection_id=inspection.pk,
                    result=result,
                    rectified_on=today - timedelta(days=rectified_ago),
                )
        if rectified:
            cited.append(inspection.pk)
    created = not Notice.objects.filter(centre=hall, title=NOTICE_TITLE).exists()
    tally.note("circulated notices", created)
    if created:
        notice_issue(
            actor=supervisor,
            centre_id=hall.pk,
            title=NOTICE_TITLE,
            body=NOTICE_BODY,
            inspection_ids=cited,
            issued_on=today - timedelta(days=14),
        )
    for title, description, codes, meeting, resolution in POINTS:
        created = not DifficultPoint.objects.filter(centre=hall, title=title).exists()
        tally.note("difficult points", created)
        if not created:
            continue
        point = difficult_point_record(
            actor=supervisor,
            centre_id=hall.pk,
            title=title,
            description=description,
            department_ids=[departments[code].pk for code in codes],
        )
        held_ago, attendees, outcome = meeting
        difficult_point_add_meeting(
            actor=supervisor,
            point_id=point.pk,
            held_on=today - timedelta(days=held_ago),
            attendees=attendees,
            outcome=outcome,
        )
        if resolution:
            # Resolved today: a point is never resolved before it was recorded, and the demo records it today.
            difficult_point_resolve(actor=supervisor, point_id=point.pk, outcome=resolution)


def seed_skills(tally: Tally, centres: dict[str, ServiceCentre]) -> None:
    """The skills matrix graded from the demo's year of rosters, requests, ratings and tests (issue 19 item 5), as the
    nightly task would: run last, once everything it reads is there. Grading again gives the same rows."""
    ids = [centre.pk for centre in centres.values()]
    first = not Qualification.objects.filter(staff__centre_id__in=ids).exists()
    result = recompute(centre_ids=ids)
    tally.note("qualifications", first and result["qualifications"] > 0)
