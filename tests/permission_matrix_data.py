"""The small world the permission matrix (tests/test_permission_matrix.py) runs in, and how each row is requested.

Two districts: XH, whose objects every URL's path parameters name, with the town JD below it; and OT, another
district whose supervisor is the matrix's "other centre" column. All applicants of a district share one
distinctive ID number, phone and address, so a substring check over a response body finds any leak of them;
request numbers, applicant and staff names of each district are kept as "marks" the other must never see.

XH holds requests in several states (applied, deficient, accepted as the front desk's own, an agency in progress
with a department's part, a pending extension and a key project, delivered with a poor rating, archived), one
of the town, a consultation, a complaint, issued documents, a ledger export, December's published rotation plan
and January's draft, a check-in, a pending and a filed substitution, an absence, trainings with attendance and a material,
a question bank, November's closed test with a paper and December's draft, a recommendation, a monthly report
and an integrity record.

Made through the services, with the clock at the moment each step happened. Rows that a service would only
make through a background task (a finished ledger export and monthly report, with their files) or a long story
(a recommendation after three failed months) are created directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from complaints.services import complaint_accept, complaint_investigate, complaint_register, complaint_respond
from hallservice.core.actors import CITIZEN, SYSTEM
from hallservice.core.identity import check_digit
from requests import services as req_svc
from requests.models import DeliveryMethod, DocumentKind, EvaluationPush, Kind, LedgerExport, MaterialStatus
from requests.services.appointments import appointment_book, appointment_capacity_set, appointment_check_in
from requests.services.documents import document_issue, track_token
from requests.services.public import COMPLAINT, REQUEST, status_token
from rosters import services as roster_svc
from rosters.models import BureauLeader, Duty, DutyDay, HelpAreaTurn, UnavailabilityKind
from staff.models import StaffKind
from staff.roles import Role
from supervision.models import MonthlyReport, SkillGap
from supervision.services import integrity_record_create
from supervision.services_inspections import difficult_point_record, inspection_record, notice_issue
from tests.signed_forms import keep_signed, pad_data_url
from training import services as training_svc
from training.models import QuestionImport, QuestionKind, Recommendation, SessionKind, TrainingProposal

from .conftest import make_department_worker, make_staff_user
from .factories import (
    DepartmentFactory,
    DistrictFactory,
    StaffMemberFactory,
    TownFactory,
    WindowFactory,
    land_registration_matter,
    online_complaint,
    records_query_matter,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The moment the matrix runs at: Wednesday 9 December 2026, 10:00 in the hall — a working day of the published
# December plan, after November's test closed.
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI)


def _id_number(first17: str) -> str:
    return first17 + check_digit(first17)


# Distinctive personal data: no page, list or export may show these to a role that should not see them.
XH_ID = _id_number("41040219880808666")
XH_PHONE = "13907771234"
XH_ADDRESS = "新华区保密路 77 号"
OT_ID = _id_number("11010519751111444")
OT_PHONE = "13606665432"
# A complainant's number: shown to the supervisors who call back, never to anyone else.
COMPLAINT_PHONE = "13508889876"
OT_NAMES = ("欧阳外区", "欧阳别处")


def moment(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def at(y, m, d, hh=10, mm=0):
    return time_machine.travel(moment(y, m, d, hh, mm), tick=False)


@dataclass
class World:
    """Everything the matrix needs: the users of each column, the objects of the path parameters, leak strings."""

    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    # Strings of XH (resp. OT) that must not show to the other district.
    xh_marks: list = field(default_factory=list)
    ot_marks: list = field(default_factory=list)
    # Session key of each column's login, made once for the module.
    sessions: dict = field(default_factory=dict)


def _register(actor, matter, *, name, helper=None, id_number=XH_ID, phone=XH_PHONE, provide_all=True, **kw):
    return req_svc.request_register(
        actor=actor,
        data=req_svc.RegistrationInput(
            kind=kw.pop("kind", Kind.ASSIST),
            matter_id=matter.pk,
            applicant_name=name,
            applicant_id_number=id_number,
            applicant_phone=phone,
            applicant_address=kw.pop("address", XH_ADDRESS),
            helper_id=helper.pk if helper else None,
            provided_material_ids=[m.pk for m in matter.materials.all()] if provide_all else [],
            **kw,
        ),
    )


def _people(w: World, district, town, other):
    bdc = DepartmentFactory(code="BDC", name="不动产登记中心", is_high_volume=True)
    quiet = DepartmentFactory(code="MZJ", name="民政局")
    tax = DepartmentFactory(code="SWJ", name="税务局")
    windows = [
        WindowFactory(centre=district, number=f"A0{i}", name=f"窗口{i}", department=bdc, min_staff=1, max_staff=2)
        for i in range(1, 5)
    ]
    desk_kind = {"kind": StaffKind.WINDOW_HELPER, "department": quiet}
    users = {
        "front_desk": make_staff_user(
            role=Role.FRONT_DESK,
            centre=district,
            username="m-desk",
            name="王前台",
            kind=StaffKind.FULL_TIME_HELPER,
            dispatch_company="平顶山市鹰城人力资源服务有限公司",
        ),
        "duty_leader": make_staff_user(
            role=Role.DUTY_LEADER, centre=district, username="m-leader", name="赵带班", kind=StaffKind.DUTY_LEADER
        ),
        "supervisor": make_staff_user(
            role=Role.SUPERVISOR, centre=district, username="m-sup", name="钱督查", **desk_kind
        ),
        "department_user": make_department_worker(centre=district, username="m-dept", department=tax),
        "admin": make_staff_user(role=Role.ADMIN, centre=district, username="m-admin", name="管理员", **desk_kind),
        "other_centre": make_staff_user(role=Role.SUPERVISOR, centre=other, username="m-ot-sup", name="外区督查"),
    }
    users["admin"].is_staff = True
    users["admin"].save(update_fields=["is_staff"])
    w.users.update(users)
    # Not a column: the dedicated helper of most XH requests, so the front desk column sees them as a colleague.
    helper = make_staff_user(
        role=Role.FRONT_DESK, centre=district, username="m-helper", name="李帮办", kind=StaffKind.FULL_TIME_HELPER
    )
    # The photo the public helper board shows (guide:helper-photo).
    helper.staff_member.photo = ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 32, name="face.png")
    helper.staff_member.save(update_fields=["photo"])
    w.objects["photo_helper"] = helper.staff_member
    helpers = [helper.staff_member, users["front_desk"].staff_member] + [
        StaffMemberFactory(centre=district, name=f"帮办{i}", kind=StaffKind.FULL_TIME_HELPER) for i in range(3, 8)
    ]
    leaders = [users["duty_leader"].staff_member] + [
        StaffMemberFactory(centre=district, name=f"带班{i}", kind=StaffKind.DUTY_LEADER) for i in (2, 3)
    ]
    chief = StaffMemberFactory(centre=district, name="局长甲", kind=StaffKind.DUTY_LEADER, is_party_member=True)
    BureauLeader.objects.create(staff=chief, title="副局长")
    for i in (1, 2):
        StaffMemberFactory(
            centre=district, name=f"窗口帮办{i}", kind=StaffKind.WINDOW_HELPER, department=bdc, window=windows[0]
        )
    town_desk = make_staff_user(role=Role.FRONT_DESK, centre=town, username="m-town-desk", name="周镇帮办")
    ot_desk = make_staff_user(role=Role.FRONT_DESK, centre=other, username="m-ot-desk", name="外区帮办")
    return {
        "bdc": bdc,
        "tax": tax,
        "windows": windows,
        "helper": helper,
        "helpers": helpers,
        "leaders": leaders,
        "town_desk": town_desk,
        "ot_desk": ot_desk,
    }


def _requests(w: World, p: dict, district, other):
    """Requests of XH in several states, one of the town, two of OT; a consultation, complaints, documents."""
    u, o = w.users, w.objects
    desk, helper, leader = u["front_desk"], p["helper"], u["duty_leader"]
    matter = land_registration_matter(p["bdc"])
    immediate = records_query_matter(p["bdc"])
    o["matter"] = matter
    hm = helper.staff_member

    with at(2026, 11, 30):
        consultation = req_svc.consultation_create(
            actor=desk, channel="phone", name="咨询人司马", contact=XH_PHONE, question="首次登记要带什么？"
        )
        o["consultation"] = consultation
        # No agent designated: a bureau leader would, and the linked request would move to the agent.
        project = req_svc.key_project_create(actor=leader, name="新华产业园重点项目", enterprise="新华科技有限公司")
        o["key_project"] = project

    with at(2026, 12, 1):
        # Agency in progress: hand-over, commission letter, a department's part, a pending extension, a key project.
        progress = _register(desk, matter, name="司马进行", helper=hm, kind=Kind.AGENCY)
        req_svc.request_record_handover(actor=helper, request_id=progress.pk, items="申请书原件 1 份")
        o["signature_scan"] = keep_signed(helper, progress)
        req_svc.request_accept(actor=helper, request_id=progress.pk)
        req_svc.request_start(actor=helper, request_id=progress.pk)
        req_svc.request_log_work(actor=helper, request_id=progress.pk, text="陪同到 A03 窗口递交材料")
        req_svc.request_report_progress(actor=helper, request_id=progress.pk, text="材料已递交窗口")
        # The department user's department takes part: its claim is open.
        req_svc.request_add_department_task(
            actor=helper, request_id=progress.pk, department_id=p["tax"].pk, description="核定税费"
        )
        req_svc.request_request_extension(actor=helper, request_id=progress.pk, working_days=3, reason="需现场勘验")
        req_svc.request_link_key_project(actor=leader, request_id=progress.pk, key_project_id=project.pk)
        o["request"] = progress
        o["commission_doc"] = document_issue(
            actor=helper, request_id=progress.pk, kind=DocumentKind.COMMISSION_LETTER, signing_copy=True
        )
        o["duties_doc"] = document_issue(actor=helper, request_id=progress.pk, kind=DocumentKind.NOTICE_OF_DUTIES)
        # The commission letter signed on the tablet: a masked signed copy, seen by everyone who sees the request.
        o["signature_tablet"] = req_svc.signature_sign_on_tablet(
            actor=helper, request_id=progress.pk, kind="commission_letter", signature=pad_data_url()
        )

    with at(2026, 12, 8):
        o["applied"] = _register(desk, matter, name="司马待审", helper=hm, provide_all=False)
        deficient = _register(desk, matter, name="司马缺件", helper=hm, provide_all=False)
        checks = list(deficient.material_checks.order_by("pk"))
        reviews = [{"check_id": c.pk, "status": MaterialStatus.PROVIDED} for c in checks[:-1]]
        reviews.append({"check_id": checks[-1].pk, "status": MaterialStatus.MISSING})
        req_svc.request_review_materials(actor=helper, request_id=deficient.pk, reviews=reviews)
        req_svc.request_issue_deficiency_notice(actor=helper, request_id=deficient.pk)
        o["deficient"] = deficient
        # The front desk's own request: as its dedicated helper the clerk sees the applicant's data unmasked.
        own = _register(desk, matter, name="司马自办", consultation_id=consultation.pk)
        req_svc.request_accept(actor=desk, request_id=own.pk)
        o["own"] = own
        delivered = _register(desk, immediate, name="司马当场", helper=hm)
        req_svc.request_accept(actor=helper, request_id=delivered.pk)
        req_svc.request_deliver(
            actor=helper,
            request_id=delivered.pk,
            method=DeliveryMethod.ON_THE_SPOT,
            signer="司马当场",
            result="查询结果",
        )
        req_svc.request_evaluate(actor=CITIZEN, request_id=delivered.pk, rating=2, comment="排队太久")
        o["delivered"] = delivered
        archived = _register(desk, matter, name="司马归档", helper=hm)
        req_svc.request_refuse(actor=helper, request_id=archived.pk, reason="不属于帮办代办范围")
        req_svc.request_write_summary(actor=helper, request_id=archived.pk, text="当场说明原因")
        req_svc.request_archive(actor=helper, request_id=archived.pk)
        o["archived"] = archived
        o["town_request"] = _register(p["town_desk"], matter, name="司马镇上")
        o["complaint"] = online_complaint(
            district, content="新华窗口态度不好", name="投诉人司马", contact=COMPLAINT_PHONE
        )
        # Another district's requests, consultation and complaint: XH's users must never see them.
        ot_desk = p["ot_desk"]
        ot_applied = _register(
            ot_desk, matter, name=OT_NAMES[0], id_number=OT_ID, phone=OT_PHONE, address="外区某路 1 号"
        )
        ot_done = _register(
            ot_desk, immediate, name=OT_NAMES[1], id_number=OT_ID, phone=OT_PHONE, address="外区某路 1 号"
        )
        o["ot_applied"] = ot_applied
        req_svc.request_accept(actor=ot_desk, request_id=ot_done.pk)
        req_svc.request_deliver(
            actor=ot_desk, request_id=ot_done.pk, method=DeliveryMethod.ON_THE_SPOT, signer=OT_NAMES[1], result="结果"
        )
        req_svc.request_evaluate(actor=CITIZEN, request_id=ot_done.pk, rating=1, comment="外区差评")
        req_svc.consultation_create(
            actor=ot_desk, channel="phone", name="欧阳咨询", contact=OT_PHONE, question="外区的问题"
        )
        ot_complaint = online_complaint(other, content="外区投诉", name="欧阳投诉", contact=OT_PHONE)
    for key in ("request", "applied", "deficient", "own", "delivered", "archived"):
        o[key].refresh_from_db()
    o["evaluation"] = o["delivered"].evaluation
    o["deficiency_doc"] = o["deficient"].documents.first()
    o["ledger_export"] = LedgerExport.objects.create(
        centre=district,
        date_from=date(2026, 12, 1),
        date_to=date(2026, 12, 8),
        status="done",
        requested_by=desk,
        file=ContentFile(b"%PDF-1.4 ledger", name="ledger.pdf"),
    )
    # A question bank imported in the background by the supervisor: only the one who asked follows it.
    o["question_import"] = QuestionImport.objects.create(
        centre=district,
        file=ContentFile(b"PK", name="bank.xlsx"),
        filename="bank.xlsx",
        status="done",
        requested_by=u["supervisor"],
    )
    o["tokens"] = {
        "request": status_token(kind=REQUEST, pk=o["request"].pk),
        "delivered": status_token(kind=REQUEST, pk=o["delivered"].pk),
        "complaint": status_token(kind=COMPLAINT, pk=o["complaint"].pk),
        "document": track_token(
            request_id=o["request"].pk, kind=DocumentKind.NOTICE_OF_DUTIES, version=o["duties_doc"].version
        ),
    }
    xh = [o[k] for k in ("request", "applied", "deficient", "own", "delivered", "archived", "town_request")]
    w.xh_marks += [r.number for r in xh] + [r.applicant_name for r in xh]
    w.xh_marks += [o["complaint"].number, "咨询人司马", "投诉人司马"]
    # Staff names too: another district's rosters, trainings and assessments are no business of OT's.
    w.xh_marks += [u[k].staff_member.name for k in ("front_desk", "duty_leader", "supervisor", "department_user")]
    w.xh_marks.append(helper.staff_member.name)
    w.ot_marks += [u["other_centre"].staff_member.name, p["ot_desk"].staff_member.name, "外区投诉", "外区的问题"]
    w.xh_marks += [project.name, "新华窗口态度不好"]
    w.ot_marks += [ot_applied.number, ot_done.number, *OT_NAMES, OT_ID, OT_PHONE, ot_complaint.number, "欧阳咨询"]


def _rosters(w: World, p: dict, district):
    u, o = w.users, w.objects
    sup, leader = u["supervisor"], u["duty_leader"]
    with at(2026, 11, 25):
        plan = roster_svc.rotation_plan_generate(actor=sup, centre_id=district.pk, month=date(2026, 12, 1))
        roster_svc.rotation_plan_publish(actor=sup, plan_id=plan.pk)
        draft = roster_svc.rotation_plan_generate(actor=sup, centre_id=district.pk, month=date(2027, 1, 1))
    o["plan"], o["draft_plan"] = plan, draft
    o["duty_day"] = DutyDay.objects.get(plan=plan, day=NOW.date())
    o["draft_duty_day"] = DutyDay.objects.filter(plan=draft).order_by("day").first()
    o["draft_turn"] = HelpAreaTurn.objects.filter(plan=draft).order_by("pk").first()
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        o["check_in"] = roster_svc.checkin_record(actor=u["front_desk"], badge_worn=True)
    with time_machine.travel(NOW, tick=False):
        later = DutyDay.objects.filter(plan=plan, day__gt=NOW.date()).order_by("day")
        mine, second = later.filter(leader=leader.staff_member)[:2]
        substitute = next(m for m in p["leaders"] if m.pk != leader.staff_member.pk)

        def leader_away(day, reason):
            return roster_svc.substitution_request(
                actor=leader,
                absent_id=leader.staff_member.pk,
                substitute_id=substitute.pk,
                day=day,
                duty=Duty.DUTY_LEADER,
                reason=reason,
            )

        # One waiting for approval (the hall's SUBSTITUTION_NEEDS_APPROVAL), one filed and in effect (the default).
        with override_settings(SUBSTITUTION_NEEDS_APPROVAL=True):
            o["substitution"] = leader_away(mine.day, "外出开会")
        o["filed_substitution"] = leader_away(second.day, "外出培训")
        o["unavailability"] = roster_svc.unavailability_record(
            actor=sup,
            staff_id=p["helpers"][3].pk,
            start=date(2026, 12, 28),
            end=date(2026, 12, 29),
            kind=UnavailabilityKind.LEAVE,
        )
        # Duty oversight: the day's record written by the front desk on duty, not yet reviewed by the duty leader.
        o["duty_record"] = roster_svc.duty_record_write(
            actor=u["front_desk"], duty_day_id=o["duty_day"].pk, content="受理帮办 2 件，均已转交窗口。"
        )
    # A bureau leader (not a column) patrolled the hall this morning. Made after the plans: the rota stays as is.
    bureau = make_staff_user(
        role=Role.BUREAU_LEADER, centre=district, username="m-bureau", name="局长乙", kind=StaffKind.DUTY_LEADER
    )
    BureauLeader.objects.create(staff=bureau.staff_member, title="局长")
    with time_machine.travel(NOW, tick=False):
        o["patrol"] = roster_svc.patrol_record_create(
            actor=bureau,
            centre_id=district.pk,
            patrolled_at=NOW - timedelta(hours=1),
            checked="一楼帮办代办区",
            findings="局长乙巡查发现",
        )
    w.xh_marks += [bureau.staff_member.name, "局长乙巡查发现"]


def _training(w: World, p: dict, district):
    u, o = w.users, w.objects
    sup, desk = u["supervisor"], u["front_desk"]

    def monthly_test(month, *, opens_on):
        """2026's test of ``month``: five questions, 30 minutes, open from 9:00 on ``opens_on`` to 18:00 two days on."""
        return training_svc.monthly_test_create(
            actor=sup,
            centre_id=district.pk,
            month=date(2026, month, 1),
            question_count=5,
            time_limit_minutes=30,
            opens_at=moment(2026, month, opens_on, 9),
            closes_at=moment(2026, month, opens_on + 2, 18),
        )

    with at(2026, 10, 28):
        topic = training_svc.topic_create(actor=sup, name="不动产登记")
        sessions = [
            training_svc.session_create(
                actor=sup,
                centre_id=district.pk,
                kind=SessionKind.WEEKLY,
                topic_id=topic.pk,
                title=f"不动产登记业务培训{i}",
                # One held in November (the test's month), one planned for December.
                starts_at=moment(2026, 11 + i, 3 + 13 * i, 14),
                trainer_name="李卫民",
                location="三楼培训室",
            )
            for i in range(2)
        ]
    for n in range(8):
        training_svc.question_create(
            actor=sup,
            centre_id=district.pk,
            kind=QuestionKind.SINGLE,
            text=f"第{n}题：题干",
            options=[f"甲{n}", f"乙{n}", f"丙{n}"],
            correct=[0],
            topic_id=topic.pk,
            session_id=sessions[0].pk,
        )
    with at(2026, 11, 4, 16):
        o["attendance"] = training_svc.attendance_record(
            actor=sup, session_id=sessions[0].pk, marks={desk.staff_member.pk: "present"}
        )[0]
        training_svc.session_complete(actor=sup, session_id=sessions[0].pk)
        o["material"] = training_svc.session_material_add(
            actor=sup,
            session_id=sessions[0].pk,
            title="讲义",
            file=SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides", content_type="application/pdf"),
        )
    with at(2026, 11, 20):
        test = monthly_test(11, opens_on=25)
        training_svc.monthly_test_publish(actor=sup, test_id=test.pk)
    with at(2026, 11, 25):
        attempt = training_svc.attempt_start(actor=desk, test_id=test.pk)
        training_svc.attempt_submit(actor=desk, attempt_id=attempt.pk, answers={})
    with at(2026, 11, 28):
        training_svc.monthly_test_close(actor=sup, test_id=test.pk)
    with at(2026, 12, 2):
        draft_test = monthly_test(12, opens_on=21)
    o.update(
        topic=topic,
        session=sessions[1],
        held_session=sessions[0],
        # A question drawn into the paper (the draw is random): deleting it deactivates it, always.
        question=attempt.questions.order_by("position").first().question,
        test=test,
        draft_test=draft_test,
        attempt=attempt,
    )
    o["recommendation"] = Recommendation.objects.create(
        staff=desk.staff_member,
        test=test,
        company=desk.staff_member.dispatch_company,
        months=[{"month": "2026-09", "score": "70.00"}, {"month": "2026-10", "score": "72.50"}],
    )


def _supervision(w: World, p: dict, district):
    u, o = w.users, w.objects
    sup = u["supervisor"]
    o["report"] = MonthlyReport.objects.create(
        centre=district,
        month=date(2026, 11, 1),
        status="done",
        progress=100,
        requested_by=sup,
        xlsx=ContentFile(b"PK fake xlsx", name="report.xlsx"),
        pdf=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
    )
    with time_machine.travel(NOW, tick=False):
        o["integrity"] = integrity_record_create(
            actor=sup,
            staff_id=p["helper"].staff_member.pk,
            kind="gifts",
            occurred_on=date(2026, 12, 4),
            description="收受申请人购物卡一张",
            request_id=o["request"].pk,
        )
        o["inspection"] = inspection_record(
            actor=sup,
            centre_id=district.pk,
            inspected_on=date(2026, 12, 4),
            staff_id=p["helper"].staff_member.pk,
            findings="帮办代办台账记录不实",
            rectify_by=date(2026, 12, 20),
        )
        o["notice"] = notice_issue(
            actor=sup,
            centre_id=district.pk,
            title="关于台账记录不实的通报",
            body="现予通报。",
            inspection_ids=[o["inspection"].pk],
        )
        o["difficult_point"] = difficult_point_record(
            actor=sup, centre_id=district.pk, title="跨部门材料互认难", description="重复提交材料"
        )
    o["staff"] = p["helper"].staff_member
    # The XH rating's message to the national platform, refused there: the supervision section may send it again.
    o["evaluation_push"] = EvaluationPush.objects.get(evaluation=o["evaluation"], event="rated")
    EvaluationPush.objects.filter(pk=o["evaluation_push"].pk).update(
        status="failed", attempts=1, response_status=422, last_error="HTTP 422: 事项编码不存在"
    )
    # A substantiated complaint about policy knowledge, with its cause: it proposed training (issue 19 item 7).
    with time_machine.travel(NOW, tick=False):
        upheld = complaint_register(
            actor=sup, source="window", category="process", content="新华窗口不懂政策", name="投诉人欧阳"
        )
        for step in (complaint_accept, complaint_investigate):
            step(actor=sup, complaint_id=upheld.pk)
        complaint_respond(
            actor=sup,
            complaint_id=upheld.pk,
            response="已核实",
            findings="帮办不熟悉政策",
            substantiated=True,
            cause="policy",
        )
    o["proposal"] = TrainingProposal.objects.get(complaint=upheld)
    # An open skill gap of XH's helper at the land registry (issue 19 item 5), listed with the proposals.
    o["skill_gap"] = SkillGap.objects.create(
        staff=o["staff"], department=p["bdc"], topics=[{"id": None, "name": "新华技能缺口课题", "score": None}]
    )
    w.xh_marks += ["新华技能缺口课题"]
    w.xh_marks += [upheld.number, "新华窗口不懂政策", "投诉人欧阳"]
    w.xh_marks += [o["integrity"].description, o["session"].title, o["held_session"].title]
    w.xh_marks += [o["inspection"].findings, o["notice"].title, o["difficult_point"].title]


def _appointments(w: World, p: dict, district):
    """Appointments (issue 19): the land registry's places at XH, a booking for the matrix's morning made the day
    before, and one already checked in (its ticket)."""
    o = w.objects
    o["appt_department"] = p["bdc"]
    with at(2026, 12, 8):
        appointment_capacity_set(
            actor=SYSTEM,
            centre_id=district.pk,
            department_id=p["bdc"].pk,
            capacities={(d, h): 4 for d in range(5) for h in ("morning", "afternoon")},
        )

        def book(name, phone):
            return appointment_book(
                centre_id=district.pk,
                department_id=p["bdc"].pk,
                day=date(2026, 12, 9),
                half_day="morning",
                name=name,
                phone=phone,
                question="预约办理转移登记",
            )

        o["appointment"] = book("预约人司马", XH_PHONE)
        arrived = book("预约人欧阳", "13907775678")
    with at(2026, 12, 9, 9, 30):
        o["checked_in"] = appointment_check_in(actor=w.users["front_desk"], appointment_id=arrived.pk)
    w.xh_marks += ["预约人司马", "预约人欧阳"]


def build_world() -> World:
    w = World()
    district = DistrictFactory(code="XH", name="新华区政务服务中心")
    town = TownFactory(code="JD", name="焦店镇便民服务中心", parent=district)
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    w.objects.update(district=district, town=town, other=other)
    p = _people(w, district, town, other)
    _requests(w, p, district, other)
    _rosters(w, p, district)
    _training(w, p, district)
    _supervision(w, p, district)
    _appointments(w, p, district)
    return w


# --- What each row of the matrix requests ----------------------------------------------------------------


class Slug(str):
    """A literal path segment (an action, a document kind), not a key of World.objects."""


@dataclass(frozen=True)
class Target:
    """How to request one row of the matrix: the URL name, its path arguments taken from the world's objects, the
    method, and what the leak checks must know about the page."""

    name: str
    args: tuple = ()  # in path order: keys of World.objects (their pk), ("tokens", key), or a Slug
    method: str = "get"
    query: str = ""  # "{key}" stands for the pk of World.objects[key]
    # The object whose row must not change when a forbidden role posts (counts of every table are checked too).
    watch: str | None = None
    # Roles that may see XH applicants' unmasked data in this response (the dedicated helper and supervisors).
    personal: frozenset = frozenset()
    # A citizen page opened with a signed token: whoever holds the link sees that request, whatever their district.
    public: bool = False
    api: bool = False
    # Input sent with a POST ("{key}" stands for the pk of World.objects[key]); rows with input must change
    # nothing when refused with a 400 either.
    data: dict = field(default_factory=dict)

    def post_data(self, objects: dict) -> dict:
        pks = {k: v.pk for k, v in objects.items() if hasattr(v, "pk")}
        return {name: value.format(**pks) for name, value in self.data.items()}

    def query_string(self, objects: dict) -> str:
        return self.query.format(**{k: v.pk for k, v in objects.items() if hasattr(v, "pk")})

    def path_args(self, objects: dict) -> list:
        values = []
        for arg in self.args:
            if isinstance(arg, Slug):
                values.append(str(arg))
            elif isinstance(arg, tuple):
                values.append(objects[arg[0]][arg[1]])
            else:
                values.append(objects[arg].pk)
        return values


SUP = frozenset({"supervisor"})
SUP_AND_OWN_HELPER = frozenset({"supervisor", "front_desk"})


def _page(name, *args, **kw) -> Target:
    return Target(name, tuple(args), **kw)


def _post(name, *args, watch=None, **kw) -> Target:
    return Target(name, tuple(args), method="post", watch=watch, **kw)


def _api(name, *args, method="get", watch=None, **kw) -> Target:
    return Target(f"api:{name}", tuple(args), method=method, watch=watch, api=True, **kw)


# The HTML request actions checked here, one per permission the transition table names (the API rows below
# take every action: both go through the same `check_action`).
HTML_REQUEST_ACTIONS = {
    "accept": "applied",
    "start": "own",
    "log_work": "request",
    "claim_task": "request",
    "record_joint_meeting": "request",
    "reassign": "request",
    "decide_extension": "request",
    "link_key_project": "applied",
    "mark_urgent": "request",
    "follow_up": "delivered",
    "record_follow_up": "delivered",
    "archive": "delivered",
}
# Every action of the API, on a request in a state that allows it where the world has one.
API_REQUEST_ACTIONS = {
    "review_materials": "applied",
    "record_handover": "applied",
    "accept": "applied",
    "issue_deficiency_notice": "applied",
    "refuse": "applied",
    "supply_materials": "deficient",
    "convert_to_agency": "applied",
    "forward": "applied",
    "start": "own",
    "log_work": "request",
    "report_progress": "request",
    "ask_correction": "request",
    "add_department_task": "request",
    "claim_task": "request",
    "finish_task": "request",
    "record_joint_meeting": "request",
    "suspend": "request",
    "resume": "request",
    "request_extension": "request",
    "decide_extension": "request",
    "reassign": "request",
    "link_key_project": "applied",
    "mark_urgent": "request",
    "unmark_urgent": "request",
    "set_priority_groups": "request",
    "complete": "request",
    "deliver": "own",
    "confirm_receipt": "request",
    "terminate": "request",
    "evaluate": "delivered",
    "follow_up": "delivered",
    "record_follow_up": "delivered",
    "write_summary": "delivered",
    "archive": "delivered",
}
COMPLAINT_ACTIONS = (
    "accept",
    "reject",
    "investigate",
    "respond",
    "record_feedback",
    "close",
    "reopen",
    "link",
    "note",
)
EVALUATION_ACTIONS = ("return_visit", "rectify", "appeal", "decide_appeal")


# API collections that are listed (GET) and added to (POST).
API_COLLECTIONS = (
    "consultation-list",
    "rotation-plan-list",
    "duty-day-list",
    "substitution-list",
    "check-in-list",
    "unavailability-list",
    "patrol-list",
    "duty-record-list",
    "training-session-list",
    "training-question-list",
    "training-test-list",
    "inspection-list",
    "notice-list",
    "difficult-point-list",
)
# API actions posted on one object of the world, which a refusal must leave alone: (route name, object).
API_OBJECT_ACTIONS = (
    ("rotation-plan-assign", "draft_plan"),
    ("rotation-plan-publish", "draft_plan"),
    ("rotation-plan-regenerate", "draft_plan"),
    ("duty-day-set-leader", "draft_duty_day"),
    ("substitution-approve", "substitution"),
    ("substitution-reject", "substitution"),
    ("substitution-withdraw", "substitution"),
    ("substitution-reverse", "filed_substitution"),
    ("duty-record-edit", "duty_record"),
    ("duty-record-review", "duty_record"),
    ("training-session-cancel", "session"),
    ("training-session-complete", "session"),
    ("training-test-close", "test"),
    ("training-test-publish", "draft_test"),
    ("training-test-start", "test"),
    ("training-paper-answer", "attempt"),
    ("training-paper-submit", "attempt"),
)


def _targets() -> dict[str, Target]:
    t: dict[str, Target] = {
        # Site
        "home": _page("home"),
        "healthz": _page("healthz"),
        # The SMS gateway's callback: no login, a signature; an unsigned POST is a 403 to everyone.
        "sms-callback": _post("sms-callback", public=True),
        "login": _page("login"),
        "logout": _post("logout"),
        "password-change": _page("password-change"),
        "password-change[post]": _post("password-change"),
        "api-schema": _page("api-schema"),
        "api-docs": _page("api-docs"),
        # Catalogue, queue, registration, the request page
        "requests:matter-list": _page("requests:matter-list"),
        "requests:matter-detail": _page("requests:matter-detail", "matter"),
        "requests:matter-search": _page("requests:matter-search", query="q=bdc"),
        "requests:matter-materials": _page("requests:matter-materials", "matter"),
        "requests:queue": _page("requests:queue"),
        "requests:queue[xh]": _page("requests:queue", query="centre={district}"),
        # A full ID number in the address is never searched nor drawn back, for anyone (issue 15 item 5).
        "requests:queue[full-id]": _page("requests:queue", query=f"q={XH_ID}"),
        "requests:lookup": _post("requests:lookup"),
        "requests:register": _page("requests:register"),
        "requests:register[post]": _post("requests:register"),
        "requests:ledger": _page("requests:ledger"),
        "requests:ledger[xlsx]": _page("requests:ledger", query="format=xlsx"),
        "requests:detail": _page("requests:detail", "request", personal=SUP),
        "requests:detail[own]": _page("requests:detail", "own", personal=SUP_AND_OWN_HELPER),
        "requests:detail[town]": _page("requests:detail", "town_request", personal=SUP),
        "requests:archive-zip": _page("requests:archive-zip", "request", personal=SUP),
        "requests:document-issue": _post(
            "requests:document-issue", "request", Slug("notice_of_duties"), watch="request", personal=SUP
        ),
        "requests:document-download": _page("requests:document-download", "duties_doc"),
        "requests:document-download[signing]": _page("requests:document-download", "commission_doc", personal=SUP),
        # Signed forms kept as files (issue 18).
        "requests:signature-upload": _post("requests:signature-upload", "request", watch="request", personal=SUP),
        "requests:signature-pad": _page("requests:signature-pad", "request", Slug("commission_letter"), personal=SUP),
        "requests:signature-pad[post]": _post(
            "requests:signature-pad", "request", Slug("commission_letter"), watch="request", personal=SUP
        ),
        "requests:signature-download": _page("requests:signature-download", "signature_tablet"),
        "requests:signature-download[scan]": _page("requests:signature-download", "signature_scan", personal=SUP),
        "requests:blank-forms": _page("requests:blank-forms"),
        "requests:blank-form": _page("requests:blank-form", Slug("deficiency_notice")),
        "requests:ledger-pdf": _page("requests:ledger-pdf"),
        "requests:ledger-pdf[post]": _post("requests:ledger-pdf"),
        "requests:ledger-export": _page("requests:ledger-export", "ledger_export"),
        "requests:ledger-export-download": _page("requests:ledger-export-download", "ledger_export"),
        "requests:key-projects": _page("requests:key-projects"),
        "requests:key-projects[post]": _post("requests:key-projects"),
        "requests:key-project-detail": _page("requests:key-project-detail", "key_project"),
        # Only a bureau leader designates the agent (seed 000 三.4): no column of the matrix holds that role.
        "requests:key-project-designate": _post("requests:key-project-designate", "key_project", watch="key_project"),
        "requests:consultations": _page("requests:consultations"),
        "requests:consultation-create": _page("requests:consultation-create"),
        "requests:consultation-create[post]": _post("requests:consultation-create"),
        "requests:consultation-answer": _post("requests:consultation-answer", "consultation", watch="consultation"),
        "requests:consultation-detail": _page("requests:consultation-detail", "consultation"),
        "requests:consultation-handover": _post(
            "requests:consultation-handover", "consultation", watch="consultation"
        ),
        "requests:consultation-notice": _post("requests:consultation-notice", "consultation", watch="consultation"),
        "requests:consultation-record": _page("requests:consultation-record"),
        "requests:consultation-record[pdf]": _page("requests:consultation-record", query="format=pdf"),
        # Appointments (issue 19): the desk's check-in page, its actions and the ticket; the places page.
        "requests:appointments": _page("requests:appointments"),
        "requests:appointments[code]": _page("requests:appointments", query="q=5678"),
        "requests:appointment-check-in": _post("requests:appointment-check-in", "appointment", watch="appointment"),
        "requests:appointment-no-show": _post("requests:appointment-no-show", "appointment", watch="appointment"),
        "requests:appointment-ticket": _page("requests:appointment-ticket", "checked_in"),
        "requests:appointment-capacity": _page("requests:appointment-capacity"),
        "requests:appointment-capacity[xh]": _page("requests:appointment-capacity", query="centre={district}"),
        "requests:appointment-capacity[post]": _post("requests:appointment-capacity"),
        # Complaints and poor ratings
        "complaints:list": _page("complaints:list"),
        "complaints:create": _page("complaints:create"),
        "complaints:create[post]": _post("complaints:create"),
        "complaints:dashboard": _page("complaints:dashboard"),
        "complaints:detail": _page("complaints:detail", "complaint", personal=SUP),
        "requests:evaluations": _page("requests:evaluations"),
        # Rosters
        "rosters:plans": _page("rosters:plans"),
        "rosters:plans[xh]": _page("rosters:plans", query="centre={district}"),
        "rosters:plans[post]": _post("rosters:plans"),
        "rosters:plan-detail": _page("rosters:plan-detail", "plan"),
        "rosters:plan-detail[draft]": _page("rosters:plan-detail", "draft_plan"),
        "rosters:plan-assign": _post("rosters:plan-assign", "draft_plan", watch="draft_plan"),
        "rosters:plan-duty-leader": _post(
            "rosters:plan-duty-leader", "draft_plan", "draft_duty_day", watch="draft_duty_day"
        ),
        "rosters:plan-week-leader": _post("rosters:plan-week-leader", "draft_plan", watch="draft_plan"),
        "rosters:plan-turn": _post("rosters:plan-turn", "draft_plan", "draft_turn", watch="draft_turn"),
        "rosters:plan-publish": _post("rosters:plan-publish", "draft_plan", watch="draft_plan"),
        "rosters:plan-regenerate": _post("rosters:plan-regenerate", "draft_plan", watch="draft_plan"),
        "rosters:plan-export": _page("rosters:plan-export", "plan"),
        "rosters:duty-schedule-export": _page("rosters:duty-schedule-export"),
        "rosters:coverage": _page("rosters:coverage"),
        "rosters:dashboard": _page("rosters:dashboard"),
        "rosters:dashboard[xh]": _page("rosters:dashboard", query="centre={district}"),
        "rosters:record-check-in": _post("rosters:record-check-in"),
        "rosters:check-in": _page("rosters:check-in"),
        "rosters:check-in[post]": _post("rosters:check-in"),
        "rosters:substitutions": _page("rosters:substitutions"),
        "rosters:substitution-create": _page("rosters:substitution-create"),
        "rosters:substitution-create[post]": _post("rosters:substitution-create"),
        "rosters:unavailability": _page("rosters:unavailability"),
        "rosters:unavailability[post]": _post("rosters:unavailability"),
        "rosters:unavailability-delete": _post(
            "rosters:unavailability-delete", "unavailability", watch="unavailability"
        ),
        "rosters:attendance": _page("rosters:attendance"),
        "rosters:duty-summary": _page("rosters:duty-summary", "duty_day"),
        "rosters:duty-summary[post]": _post("rosters:duty-summary", "duty_day", watch="duty_day"),
        "rosters:duty-records": _page("rosters:duty-records"),
        "rosters:duty-record": _page("rosters:duty-record", "duty_day"),
        "rosters:duty-record[post]": _post("rosters:duty-record", "duty_day", watch="duty_record"),
        "rosters:duty-record-review": _post("rosters:duty-record-review", "duty_day", watch="duty_record"),
        # Only a bureau leader records patrols: no column holds that role, so every POST is refused.
        "rosters:patrols": _page("rosters:patrols"),
        "rosters:patrols[post]": _post("rosters:patrols", watch="patrol"),
        # Training
        "training:home": _page("training:home"),
        "training:notices-read": _post("training:notices-read"),
        "training:sessions": _page("training:sessions"),
        "training:sessions[xh]": _page("training:sessions", query="centre={district}"),
        "training:sessions[post]": _post("training:sessions"),
        "training:session-detail": _page("training:session-detail", "session"),
        "training:session-detail[post]": _post("training:session-detail", "session", watch="session"),
        "training:session-edit": _page("training:session-edit", "session"),
        "training:session-edit[post]": _post("training:session-edit", "session", watch="session"),
        "training:material": _page("training:material", "material"),
        "training:bank": _page("training:bank"),
        "training:bank[post]": _post("training:bank"),
        "training:bank-import": _page("training:bank-import"),
        "training:bank-import[post]": _post("training:bank-import"),
        "training:bank-import-status": _page("training:bank-import-status", "question_import"),
        "training:bank-template": _page("training:bank-template"),
        "training:question-edit": _page("training:question-edit", "question"),
        "training:question-edit[post]": _post("training:question-edit", "question", watch="question"),
        "training:tests": _page("training:tests"),
        "training:tests[post]": _post("training:tests"),
        "training:test-detail": _page("training:test-detail", "test"),
        "training:test-detail[draft]": _page("training:test-detail", "draft_test"),
        "training:test-detail[post]": _post("training:test-detail", "draft_test", watch="draft_test"),
        "training:test-detail[post-published]": _post("training:test-detail", "test", watch="test"),
        "training:test-start": _post("training:test-start", "test", watch="test"),
        "training:attempt": _page("training:attempt", "attempt"),
        "training:attempt-answer": _post("training:attempt-answer", "attempt", watch="attempt"),
        "training:attempt-submit": _post("training:attempt-submit", "attempt", watch="attempt"),
        "training:report-scores": _page("training:report-scores"),
        "training:report-scores[xh]": _page("training:report-scores", query="centre={district}"),
        "training:report-attendance": _page("training:report-attendance"),
        "training:person": _page("training:person", "staff"),
        "training:recommendations": _page("training:recommendations"),
        "training:recommendation-letter": _page("training:recommendation-letter", "recommendation"),
        "training:recommendation-sent": _post(
            "training:recommendation-sent", "recommendation", watch="recommendation"
        ),
        # Training proposed by complaints and poor ratings (issue 19 item 7): the supervision section decides.
        "training:proposals": _page("training:proposals"),
        "training:proposal": _page("training:proposal", "proposal"),
        "training:proposal-accept": _post("training:proposal-accept", "proposal", watch="proposal"),
        "training:proposal-dismiss": _post("training:proposal-dismiss", "proposal", watch="proposal"),
        "api:training-proposal-list": _api("training-proposal-list"),
        "api:training-proposal-detail": _api("training-proposal-detail", "proposal"),
        "api:training-proposal-accept": _api("training-proposal-accept", "proposal", method="post", watch="proposal"),
        "api:training-proposal-dismiss": _api(
            "training-proposal-dismiss", "proposal", method="post", watch="proposal"
        ),
        # Supervision
        "supervision:statistics": _page("supervision:statistics"),
        "supervision:statistics[xh]": _page("supervision:statistics", query="centre={district}"),
        "supervision:statistics-csv": _page("supervision:statistics-csv", query="chart=department"),
        "supervision:reports": _page("supervision:reports"),
        "supervision:reports[post]": _post("supervision:reports"),
        "supervision:report": _page("supervision:report", "report"),
        "supervision:report-download": _page("supervision:report-download", "report", Slug("xlsx")),
        "supervision:report-download[pdf]": _page("supervision:report-download", "report", Slug("pdf")),
        "supervision:assessment": _page("supervision:assessment"),
        "supervision:assessment-export": _page("supervision:assessment-export"),
        "supervision:assessment-person": _page("supervision:assessment-person", "staff"),
        "supervision:integrity": _page("supervision:integrity"),
        "supervision:integrity[post]": _post("supervision:integrity"),
        "supervision:integrity-revoke": _post("supervision:integrity-revoke", "integrity", watch="integrity"),
        "supervision:audit": _page("supervision:audit"),
        "supervision:skills": _page("supervision:skills"),
        "supervision:skills-recompute": _post("supervision:skills-recompute"),
        "supervision:skills-person": _page("supervision:skills-person", "staff"),
        "supervision:skill-gap-plan": _post("supervision:skill-gap-plan", "skill_gap"),
        "supervision:access-log": _page("supervision:access-log"),
        "supervision:inspections": _page("supervision:inspections"),
        "supervision:inspection-create": _page("supervision:inspection-create"),
        "supervision:inspection-create[post]": _post("supervision:inspection-create"),
        "supervision:inspection": _page("supervision:inspection", "inspection"),
        "supervision:inspection-rectify": _post("supervision:inspection-rectify", "inspection", watch="inspection"),
        "supervision:notices": _page("supervision:notices"),
        "supervision:notice-create": _page("supervision:notice-create"),
        "supervision:notice-create[post]": _post("supervision:notice-create"),
        "supervision:notice": _page("supervision:notice", "notice"),
        "supervision:notice-pdf": _page("supervision:notice-pdf", "notice"),
        "supervision:difficult-points": _page("supervision:difficult-points"),
        "supervision:difficult-point-create": _page("supervision:difficult-point-create"),
        "supervision:difficult-point-create[post]": _post("supervision:difficult-point-create"),
        "supervision:difficult-point": _page("supervision:difficult-point", "difficult_point"),
        "supervision:difficult-point-meeting": _post(
            "supervision:difficult-point-meeting", "difficult_point", watch="difficult_point"
        ),
        "supervision:difficult-point-resolve": _post(
            "supervision:difficult-point-resolve", "difficult_point", watch="difficult_point"
        ),
        "api:inspection-detail": _api("inspection-detail", "inspection"),
        "api:inspection-rectify": _api("inspection-rectify", "inspection", method="post", watch="inspection"),
        "api:notice-detail": _api("notice-detail", "notice"),
        "api:notice-pdf": _api("notice-pdf", "notice"),
        "api:difficult-point-detail": _api("difficult-point-detail", "difficult_point"),
        "api:difficult-point-meetings": _api(
            "difficult-point-meetings", "difficult_point", method="post", watch="difficult_point"
        ),
        "api:difficult-point-resolve": _api(
            "difficult-point-resolve", "difficult_point", method="post", watch="difficult_point"
        ),
        "supervision:evaluation-push": _page("supervision:evaluation-push"),
        "supervision:sms": _page("supervision:sms"),
        "supervision:sms-opt-out": _post("supervision:sms-opt-out"),
        "supervision:evaluation-push-retry": _post(
            "supervision:evaluation-push-retry", "evaluation_push", watch="evaluation_push"
        ),
        # Citizens
        "track:home": _page("track:home", public=True),
        "track:home[post]": _post("track:home", public=True),
        "track:request": _page("track:request", ("tokens", "request"), public=True),
        "track:evaluate": _page("track:evaluate", ("tokens", "delivered"), public=True),
        "track:evaluate[post]": _post("track:evaluate", ("tokens", "delivered"), watch="evaluation", public=True),
        "track:complaint": _page("track:complaint", ("tokens", "complaint"), public=True),
        "track:complaint[post]": _post("track:complaint", ("tokens", "complaint"), watch="complaint", public=True),
        "track:document": _page("track:document", ("tokens", "document"), public=True),
        "track:consult": _page("track:consult", public=True),
        "track:consult[post]": _post("track:consult", public=True),
        "track:consult-done": _page("track:consult-done", public=True),
        "track:complain": _page("track:complain", public=True),
        "track:complain[post]": _post("track:complain", public=True),
        "track:complain-done": _page("track:complain-done", public=True),
        "track:mode": _post("track:mode", public=True),
        # Appointments (issue 19): booking a half-day of XH's land registry, the page after it, lookup and cancel.
        "track:book": _page("track:book", query="centre={district}&department={appt_department}", public=True),
        "track:book[post]": _post("track:book", query="centre={district}&department={appt_department}", public=True),
        "track:book-done": _page("track:book-done", public=True),
        "track:booking": _page("track:booking", public=True),
        "track:booking[post]": _post("track:booking", public=True),
        "track:booking-cancel": _post("track:booking-cancel", public=True),
        # Public display: the service guide, the helper board, the signs (two districts here: the board is asked
        # for XH by its code; without it the page asks the citizen to pick a centre).
        "guide:home": _page("guide:home", query="q=bdc", public=True),
        "guide:matter": _page("guide:matter", Slug("BDC-001"), public=True),
        "guide:checklist": _page("guide:checklist", Slug("BDC-001"), public=True),
        "guide:helpers": _page("guide:helpers", query="centre=XH", public=True),
        "guide:helpers[pick]": _page("guide:helpers", public=True),
        "guide:helper-photo": _page("guide:helper-photo", "photo_helper", public=True),
        "guide:service-sign": _page("guide:service-sign", query="size=A3&centre=XH", public=True),
        "guide:service-sign[no-centre]": _page("guide:service-sign", public=True),
        "guide:complaint-sign": _page("guide:complaint-sign", query="centre=XH", public=True),
        # The hall display board of XH, and of a centre code that does not exist.
        "board": _page("board", Slug("XH"), public=True),
        "board[unknown]": _page("board", Slug("NOPE"), public=True),
        "board-live": _page("board-live", Slug("XH"), public=True),
        "board-live[unknown]": _page("board-live", Slug("NOPE"), public=True),
        # API
        "api:api-root": _api("api-root"),
        "api:api-logout-all": _api("api-logout-all", method="post"),
        "api:matter-list": _api("matter-list"),
        "api:matter-detail": _api("matter-detail", "matter"),
        "api:guide-matter-list": _api("guide-matter-list", public=True),
        "api:guide-matter-detail": _api("guide-matter-detail", Slug("BDC-001"), public=True),
        "api:consultation-detail": _api("consultation-detail", "consultation"),
        "api:consultation-answer": _api("consultation-answer", "consultation", method="post", watch="consultation"),
        "api:consultation-hand-over": _api(
            "consultation-hand-over", "consultation", method="post", watch="consultation"
        ),
        "api:consultation-notice": _api("consultation-notice", "consultation", method="post", watch="consultation"),
        "api:consultation-record": _api("consultation-record"),
        "api:appointment-list": _api("appointment-list"),
        "api:appointment-detail": _api("appointment-detail", "appointment"),
        "api:appointment-check-in": _api("appointment-check-in", "appointment", method="post", watch="appointment"),
        "api:appointment-no-show": _api("appointment-no-show", "appointment", method="post", watch="appointment"),
        "api:consultation-record[pdf]": _api("consultation-record", query="file_type=pdf"),
        "api:request-list": _api("request-list"),
        "api:request-list[xh]": _api("request-list", query="centre={district}"),
        "api:request-list[post]": _api("request-list", method="post"),
        "api:request-list[full-id]": _api("request-list", query=f"q={XH_ID}"),
        "api:request-search": _api("request-search", method="post"),
        "api:request-detail": _api("request-detail", "request", personal=SUP),
        "api:request-detail[own]": _api("request-detail", "own", personal=SUP_AND_OWN_HELPER),
        "api:request-events": _api("request-events", "request"),
        # The summary's draft from the history (issue 19 item 6): whoever may write the summary, nothing personal.
        "api:request-summary-draft": _api("request-summary-draft", "delivered"),
        "api:request-documents": _api("request-documents", "request"),
        "api:request-issue-document": _api(
            "request-issue-document", "request", Slug("notice_of_duties"), method="post", watch="request"
        ),
        "api:document-list": _api("document-list"),
        "api:key-project-list": _api("key-project-list"),
        "api:key-project-detail": _api("key-project-detail", "key_project"),
        "api:key-project-designate": _api("key-project-designate", "key_project", method="post", watch="key_project"),
        "api:document-detail": _api("document-detail", "duties_doc"),
        "api:document-download": _api("document-download", "duties_doc"),
        "api:document-download[signing]": _api("document-download", "commission_doc", personal=SUP),
        "api:request-signatures": _api("request-signatures", "request"),
        "api:request-signature-upload": _api("request-signature-upload", "request", method="post", watch="request"),
        "api:request-signature-sign": _api("request-signature-sign", "request", method="post", watch="request"),
        "api:rotation-plan-detail": _api("rotation-plan-detail", "plan"),
        "api:rotation-plan-detail[draft]": _api("rotation-plan-detail", "draft_plan"),
        "api:rotation-plan-problems": _api("rotation-plan-problems", "draft_plan"),
        "api:duty-day-detail": _api("duty-day-detail", "duty_day"),
        "api:substitution-detail": _api("substitution-detail", "substitution"),
        "api:check-in-detail": _api("check-in-detail", "check_in"),
        "api:unavailability-detail": _api("unavailability-detail", "unavailability"),
        "api:patrol-detail": _api("patrol-detail", "patrol"),
        "api:patrol-missing": _api("patrol-missing"),
        "api:duty-record-detail": _api("duty-record-detail", "duty_record"),
        "api:unavailability-detail[delete]": _api(
            "unavailability-detail", "unavailability", method="delete", watch="unavailability"
        ),
        "api:training-session-detail": _api("training-session-detail", "session"),
        "api:training-session-attendance": _api("training-session-attendance", "held_session"),
        "api:training-session-attendance[post]": _api(
            "training-session-attendance", "held_session", method="post", watch="held_session"
        ),
        "api:training-attendance-list": _api("training-attendance-list"),
        "api:training-attendance-detail": _api("training-attendance-detail", "attendance"),
        "api:training-question-detail": _api("training-question-detail", "question"),
        "api:training-question-detail[patch]": _api(
            "training-question-detail", "question", method="patch", watch="question"
        ),
        "api:training-question-detail[delete]": _api(
            "training-question-detail", "question", method="delete", watch="question"
        ),
        "api:training-test-detail": _api("training-test-detail", "test"),
        "api:training-test-detail[draft]": _api("training-test-detail", "draft_test"),
        "api:training-paper-list": _api("training-paper-list"),
        "api:training-paper-detail": _api("training-paper-detail", "attempt"),
        "api:training-score-list": _api("training-score-list"),
        "api:training-score-detail": _api("training-score-detail", "attempt"),
    }
    for name in API_COLLECTIONS:
        t[f"api:{name}"] = _api(name)
        t[f"api:{name}[post]"] = _api(name, method="post")
    for name, obj in API_OBJECT_ACTIONS:
        t[f"api:{name}"] = _api(name, obj, method="post", watch=obj)
    for action, obj in HTML_REQUEST_ACTIONS.items():
        personal = SUP_AND_OWN_HELPER if obj == "own" else SUP
        t[f"requests:act[{action}]"] = _post("requests:act", obj, Slug(action), watch=obj, personal=personal)
    for action, obj in API_REQUEST_ACTIONS.items():
        personal = SUP_AND_OWN_HELPER if obj == "own" else SUP
        name = f"request-{action.replace('_', '-')}"
        t[f"api:{name}"] = _api(name, obj, method="post", watch=obj, personal=personal)
    # The other district's own request linked to the first district's key project (issue 15): refused, and the
    # form shown back to the other district's supervisor does not offer it.
    foreign_project = {"key_project_id": "{key_project}"}
    t["requests:act[link_key_project][foreign]"] = _post(
        "requests:act", "ot_applied", Slug("link_key_project"), watch="ot_applied", data=foreign_project
    )
    t["api:request-link-key-project[foreign]"] = _api(
        "request-link-key-project", "ot_applied", method="post", watch="ot_applied", data=foreign_project
    )
    for action in COMPLAINT_ACTIONS:
        t[f"complaints:act[{action}]"] = _post(
            "complaints:act", "complaint", Slug(action), watch="complaint", personal=SUP
        )
    for action in EVALUATION_ACTIONS:
        t[f"requests:evaluation-act[{action}]"] = _post(
            "requests:evaluation-act", "evaluation", Slug(action), watch="evaluation"
        )
    for action in ("approve", "reject", "withdraw"):
        t[f"rosters:substitution-act[{action}]"] = _post(
            "rosters:substitution-act", "substitution", Slug(action), watch="substitution"
        )
    t["rosters:substitution-act[reverse]"] = _post(
        "rosters:substitution-act", "filed_substitution", Slug("reverse"), watch="filed_substitution"
    )
    for action in ("complete", "cancel", "attendee", "material"):
        t[f"training:session-act[{action}]"] = _post("training:session-act", "session", Slug(action), watch="session")
    for action in ("activate", "deactivate", "delete"):
        t[f"training:question-act[{action}]"] = _post(
            "training:question-act", "question", Slug(action), watch="question"
        )
    for action, obj in (
        ("publish", "draft_test"),
        ("close", "test"),
        ("consequences", "test"),
        ("excuse", "draft_test"),
    ):
        t[f"training:test-act[{action}]"] = _post("training:test-act", obj, Slug(action), watch=obj)
    return t


TARGETS = _targets()
