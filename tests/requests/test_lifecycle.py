"""Both flows end to end through the services: assist and agency, with every detour the seeds describe."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from hallservice.core.actors import CITIZEN
from hallservice.core.crypto import blind_index
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.workdays import add_working_days
from requests import services as svc
from requests.models import (
    DeliveryMethod,
    Kind,
    MaterialStatus,
    RequestEvent,
    ServiceRequest,
    Status,
    SuspensionReason,
    TaskStatus,
)
from requests.services import timers
from requests.services.documents import document_issue
from tests.factories import VALID_ID_NUMBERS, posted_by_ems
from tests.signed_forms import keep_signed

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    return time_machine.travel(datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


def review_all(req, actor, status=MaterialStatus.PROVIDED, **overrides):
    reviews = []
    for check in req.material_checks.all():
        review = {"check_id": check.pk, "status": overrides.get(check.name, status)}
        if review["status"] == MaterialStatus.WAIVED:
            review["promised_by"] = overrides.get("promised_by")
        reviews.append(review)
    return svc.request_review_materials(actor=actor, request_id=req.pk, reviews=reviews)


def verbs(req):
    return list(req.events.values_list("verb", flat=True))


# --- Registration ----------------------------------------------------------------------------------------


def test_registration_numbers_masks_and_encrypts(register, people):
    with at(2026, 11, 23):
        req = register()
        second = register()
    assert req.number == "XH-20261123-0001" and second.number == "XH-20261123-0002"
    assert req.status == Status.APPLIED
    assert len(req.lookup_code) == 8
    assert req.applicant_id_masked == "4104**********0023"
    assert req.applicant_phone_masked == "138****5678"
    assert [c.name for c in req.material_checks.all()] == ["不动产登记申请书", "身份证明", "完税证明"]
    assert all(c.status == MaterialStatus.PROVIDED for c in req.material_checks.all())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT applicant_id_number, applicant_phone, applicant_address FROM requests_servicerequest WHERE id = %s",
            [req.pk],
        )
        raw = cursor.fetchone()
    assert VALID_ID_NUMBERS[0] not in raw[0] and "13812345678" not in raw[1] and "建设路" not in raw[2]
    assert ServiceRequest.objects.get(pk=req.pk).applicant_id_number == VALID_ID_NUMBERS[0]
    by_hash = ServiceRequest.objects.filter(applicant_id_hash=blind_index(VALID_ID_NUMBERS[0], purpose="id"))
    assert set(by_hash) == {req, second}
    event = req.events.get()
    assert event.verb == "registered" and event.public and event.actor == people["desk"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"applicant_id_number": "410402199003150024"}, "applicant_id_number"),  # wrong check digit
        ({"applicant_id_number": ""}, "applicant_id_number"),
        ({"applicant_phone": "12345"}, "applicant_phone"),
        ({"applicant_name": "  "}, "applicant_name"),
        ({"kind": "magic"}, "kind"),
        (
            {"applicant_type": "organisation", "applicant_id_number": "91320102MA1N2X3Y4A", "contact_person": "李"},
            "applicant_id_number",
        ),
        ({"applicant_type": "organisation", "applicant_id_number": "91320102MA1N2X3Y4H"}, "contact_person"),
    ],
)
def test_registration_refuses_bad_input(register, fields, field):
    with pytest.raises(DomainError) as err:
        register(**fields)
    assert err.value.field == field
    assert not ServiceRequest.objects.exists()


def test_organisation_with_credit_code(register):
    req = register(
        applicant_type="organisation",
        applicant_name="平顶山某某有限公司",
        applicant_id_number="91320102MA1N2X3Y4H",
        contact_person="李经理",
    )
    assert req.applicant_id_masked == "9132**********Y4H"[:4] + "*" * 10 + "X3Y4H"[-4:]


def test_role_without_permission_cannot_register(register, people):
    with pytest.raises(PermissionDenied):
        register(actor=people["nobody"])


def test_consultation_converts_into_a_request(register, people, matter):
    consultation = svc.consultation_create(
        actor=people["desk"], channel="phone", name="张三", contact="13812345678", question="首次登记要带什么？"
    )
    assert consultation.owner.user == people["desk"] and consultation.contact_masked == "138****5678"
    svc.consultation_answer(actor=people["desk"], consultation_id=consultation.pk, answer="申请书、身份证明、完税证明")
    req = register(consultation_id=consultation.pk)
    consultation.refresh_from_db()
    assert consultation.outcome == "converted" and consultation.request == req
    with pytest.raises(TransitionNotAllowed):
        register(consultation_id=consultation.pk)


# --- The assist flow ---------------------------------------------------------------------------------------


def test_assist_flow_from_application_to_archive(register, people):
    desk = people["desk"]
    with at(2026, 11, 23):
        req = register()
        svc.request_accept(actor=desk, request_id=req.pk)
        req.refresh_from_db()
        assert req.status == Status.ACCEPTED
        assert req.deadline == add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 30)
        svc.request_start(actor=desk, request_id=req.pk)
        svc.request_log_work(actor=desk, request_id=req.pk, text="陪同到 A03 窗口递交材料")
        svc.request_report_progress(actor=desk, request_id=req.pk, text="材料已递交窗口，等待审核")
    with at(2026, 11, 26):
        svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书 1 本")
        # The applicant signs the printed completion form on taking the result.
        document_issue(actor=desk, request_id=req.pk, kind="completion_form")
        keep_signed(desk, req, "completion_form")
        svc.request_deliver(actor=desk, request_id=req.pk, method=DeliveryMethod.IN_PERSON, signer="张三")
        svc.request_evaluate(actor=desk, request_id=req.pk, rating=5, comment="很快")
        with pytest.raises(DomainError) as err:
            svc.request_archive(actor=desk, request_id=req.pk)
        assert err.value.field == "summary"
        svc.request_write_summary(actor=desk, request_id=req.pk, text="材料齐全，三个工作日办结。")
        svc.request_archive(actor=desk, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.ARCHIVED
    assert verbs(req) == [
        "registered",
        "accepted",
        "started",
        "work_logged",
        "progress_reported",
        "completed",
        "document_issued",
        "signature_kept",
        "delivered",
        "delivery_follow_up_due",
        "evaluated",
        "summary_written",
        "archived",
    ]
    public = list(req.events.filter(public=True).values_list("verb", flat=True))
    assert "work_logged" not in public and "progress_reported" in public
    transitions = list(req.events.exclude(to_status="").values_list("from_status", "to_status"))
    assert transitions[1:] == [
        ("applied", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
        ("completed", "delivered"),
        ("delivered", "archived"),
    ]


def test_archived_request_is_read_only(register, people):
    desk = people["desk"]
    req = register()
    svc.request_refuse(actor=desk, request_id=req.pk, reason="不属于帮办代办范围")
    svc.request_write_summary(actor=desk, request_id=req.pk, text="当场说明原因")
    svc.request_archive(actor=desk, request_id=req.pk)
    before = RequestEvent.objects.count()
    for call in [
        lambda: svc.request_log_work(actor=desk, request_id=req.pk, text="x"),
        lambda: svc.request_write_summary(actor=desk, request_id=req.pk, text="改写"),
        lambda: svc.request_reassign(actor=people["leader"], request_id=req.pk, helper_id=1, reason="x"),
    ]:
        with pytest.raises(TransitionNotAllowed):
            call()
    assert RequestEvent.objects.count() == before
    assert req.summary.text == "当场说明原因"


def test_immediate_assist_is_delivered_on_the_spot(register, people, immediate_matter):
    desk = people["desk"]
    req = register(matter=immediate_matter)
    svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_deliver(
        actor=desk, request_id=req.pk, method=DeliveryMethod.ON_THE_SPOT, signer="张三", result="查询结果 1 份"
    )
    req.refresh_from_db()
    assert req.status == Status.DELIVERED and req.result == "查询结果 1 份" and req.completed_at


def test_pending_matter_cannot_skip_to_delivery(register, people):
    req = register()
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    with pytest.raises(TransitionNotAllowed):
        svc.request_deliver(
            actor=people["desk"], request_id=req.pk, method=DeliveryMethod.ON_THE_SPOT, signer="张三", result="x"
        )
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED


# --- Materials ---------------------------------------------------------------------------------------------


def test_deficiency_then_supply_then_accept(register, people):
    desk = people["desk"]
    req = register(provide_all=False)
    with pytest.raises(DomainError):  # the one-time notice needs every material reviewed
        svc.request_issue_deficiency_notice(actor=desk, request_id=req.pk)
    review_all(req, desk, **{"身份证明": MaterialStatus.MISSING, "完税证明": MaterialStatus.NEEDS_CORRECTION})
    with pytest.raises(DomainError) as err:
        svc.request_accept(actor=desk, request_id=req.pk)
    assert "身份证明" in str(err.value)
    svc.request_issue_deficiency_notice(actor=desk, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.DEFICIENT
    notice = req.events.get(verb="deficiency_notice")
    assert notice.public and "身份证明（申请人自备）" in notice.note and "完税证明（税务窗口开具）" in notice.note
    missing = list(req.material_checks.exclude(status=MaterialStatus.PROVIDED).values_list("pk", flat=True))
    svc.request_supply_materials(actor=desk, request_id=req.pk, check_ids=missing)
    svc.request_accept(actor=desk, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED and req.deadline


def test_deficient_request_can_be_terminated(register, people):
    desk = people["desk"]
    req = register(provide_all=False)
    review_all(req, desk, status=MaterialStatus.MISSING)
    svc.request_issue_deficiency_notice(actor=desk, request_id=req.pk)
    svc.request_terminate(actor=desk, request_id=req.pk, reason="materials_not_supplied")
    req.refresh_from_db()
    assert req.status == Status.TERMINATED


def test_tolerant_acceptance_and_reminder(register, people):
    desk = people["desk"]
    with at(2026, 11, 23):
        req = register(provide_all=False)
        with pytest.raises(DomainError):  # a non-waivable material cannot be waived
            review_all(req, desk, **{"身份证明": MaterialStatus.WAIVED, "promised_by": date(2026, 11, 30)})
        with pytest.raises(DomainError):  # the promised date must be in the future
            review_all(req, desk, **{"完税证明": MaterialStatus.WAIVED, "promised_by": date(2026, 11, 23)})
        review_all(req, desk, **{"完税证明": MaterialStatus.WAIVED, "promised_by": date(2026, 11, 26)})
        svc.request_accept(actor=desk, request_id=req.pk)
    assert "完税证明" in req.events.get(verb="accepted").note
    assert timers.remind_tolerant_materials(date(2026, 11, 26)) == []
    reminded = timers.remind_tolerant_materials(date(2026, 11, 27))
    assert len(reminded) == 1
    assert timers.remind_tolerant_materials(date(2026, 11, 28)) == []  # once only
    assert req.events.filter(verb="material_reminder", public=True).count() == 1


# --- Agency ------------------------------------------------------------------------------------------------


def test_agency_needs_handover_and_commission(register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    with pytest.raises(DomainError) as err:
        svc.request_accept(actor=desk, request_id=req.pk)
    assert err.value.field == "handover_items"
    with pytest.raises(DomainError) as err:
        svc.request_accept(actor=desk, request_id=req.pk, handover_items="申请书原件 1 份")
    assert err.value.field == "commission_signed"
    req.refresh_from_db()
    assert req.status == Status.APPLIED
    keep_signed(desk, req)
    svc.request_accept(actor=desk, request_id=req.pk, handover_items="申请书原件 1 份")
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED and req.commission_signed
    assert req.handovers.count() == 1  # the refused attempt left nothing behind


def test_agency_flow_with_suspension_resume_and_postal_delivery(register, people):
    desk = people["desk"]
    with at(2026, 11, 23):  # Monday
        req = register(kind=Kind.AGENCY)
        svc.request_record_handover(actor=desk, request_id=req.pk, items="申请书、身份证复印件、完税证明")
        keep_signed(desk, req)
        svc.request_accept(actor=desk, request_id=req.pk)
        svc.request_start(actor=desk, request_id=req.pk)
        req.refresh_from_db()
        assert req.deadline == date(2026, 11, 30)
        svc.request_suspend(
            actor=desk,
            request_id=req.pk,
            reason=SuspensionReason.FEES_UNPAID,
            resume_by=date(2026, 12, 10),
            note="请缴纳登记费 80 元",
        )
    with at(2026, 11, 26):  # Thursday: Tue, Wed, Thu paused
        svc.request_resume(actor=desk, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS
    assert req.paused_working_days == 3
    assert req.deadline == add_working_days(date(2026, 11, 30), 3) == date(2026, 12, 3)
    assert "2026-12-03" in req.events.get(verb="resumed").note
    with at(2026, 11, 27):
        svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书")
        svc.request_deliver(actor=desk, request_id=req.pk, **posted_by_ems(address="建设路 1 号"))
        req.refresh_from_db()
        assert req.status == Status.COMPLETED  # posted, not yet received
        keep_signed(desk, req, "post_receipt")
        svc.request_confirm_receipt(actor=desk, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.DELIVERED and req.delivery.receipt_confirmed_at
    assert req.delivery.address == "建设路 1 号"


def test_suspension_past_its_deadline_terminates(in_handling, people):
    desk = people["desk"]
    with at(2026, 11, 23):
        req = in_handling()
        with pytest.raises(DomainError):
            svc.request_suspend(actor=desk, request_id=req.pk, reason="applicant_asked", resume_by=date(2026, 11, 23))
        svc.request_suspend(actor=desk, request_id=req.pk, reason="applicant_asked", resume_by=date(2026, 11, 27))
    assert timers.expire_suspensions(date(2026, 11, 27)) == []
    assert timers.expire_suspensions(date(2026, 11, 28)) == [req.pk]
    assert timers.expire_suspensions(date(2026, 11, 29)) == []
    req.refresh_from_db()
    assert req.status == Status.TERMINATED and req.termination_reason == "suspension_expired"
    event = req.events.get(verb="terminated")
    assert event.actor is None and event.actor_kind == "system" and event.public
    assert req.suspensions.get().ended_on == date(2026, 11, 28)


def test_assist_converts_to_agency(register, people):
    desk = people["desk"]
    req = register()
    svc.request_accept(actor=desk, request_id=req.pk)
    with pytest.raises(DomainError):
        svc.request_convert_to_agency(actor=desk, request_id=req.pk, reason="申请人年老行动不便")
    keep_signed(desk, req)
    svc.request_convert_to_agency(
        actor=desk, request_id=req.pk, reason="申请人年老行动不便", handover_items="全部材料"
    )
    req.refresh_from_db()
    assert req.kind == Kind.AGENCY
    assert req.events.filter(verb="converted_to_agency", public=True).exists()
    with pytest.raises(TransitionNotAllowed):
        svc.request_convert_to_agency(actor=desk, request_id=req.pk, reason="again")


# --- People and departments ----------------------------------------------------------------------------------


def test_reassignment_needs_a_reason_and_a_helper_of_the_centre(register, people):
    req = register()
    leader = people["leader"]
    new_helper = people["desk2"].staff_member
    with pytest.raises(DomainError):
        svc.request_reassign(actor=leader, request_id=req.pk, helper_id=new_helper.pk, reason="")
    with pytest.raises(DomainError):
        svc.request_reassign(
            actor=leader, request_id=req.pk, helper_id=people["town_desk"].staff_member.pk, reason="调岗"
        )
    with pytest.raises(PermissionDenied):  # front desk may not reassign
        svc.request_reassign(actor=people["desk"], request_id=req.pk, helper_id=new_helper.pk, reason="调岗")
    svc.request_reassign(actor=leader, request_id=req.pk, helper_id=new_helper.pk, reason="王帮办轮岗至三楼")
    req.refresh_from_db()
    assert req.helper == new_helper
    assignment = req.assignments.get()
    assert assignment.previous_helper == people["desk"].staff_member and assignment.by == leader
    event = req.events.get(verb="reassigned")
    assert event.public and "李帮办" in event.note and "轮岗" in event.note


def test_multi_department_claim_and_joint_meeting(in_handling, people):
    desk, dept_user = people["desk"], people["dept_user"]
    req = in_handling()
    task = svc.request_add_department_task(
        actor=desk, request_id=req.pk, department_id=people["other_dept"].pk, description="核定契税"
    )
    with pytest.raises(PermissionDenied):  # a front-desk clerk does not claim for a department
        svc.department_task_claim(actor=desk, task_id=task.pk)
    svc.department_task_claim(actor=dept_user, task_id=task.pk)
    with pytest.raises(TransitionNotAllowed):
        svc.department_task_claim(actor=dept_user, task_id=task.pk)
    with pytest.raises(DomainError):
        svc.request_complete(actor=desk, request_id=req.pk, result="证书")
    svc.department_task_finish(actor=dept_user, task_id=task.pk, done=False, note="缺少评估报告")
    with pytest.raises(PermissionDenied):  # only the duty leader or a supervisor convenes
        svc.request_record_joint_meeting(
            actor=desk, request_id=req.pk, held_on=date(2026, 11, 20), attendees="x", minutes="y"
        )
    svc.request_record_joint_meeting(
        actor=people["leader"],
        request_id=req.pk,
        held_on=date(2026, 11, 20),
        attendees="不动产、税务",
        minutes="评估报告由申请人补交",
        decisions="税务局当日核定",
    )
    svc.department_task_finish(actor=dept_user, task_id=task.pk, done=True, note="已核定")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.claimed_by == dept_user.staff_member
    svc.request_complete(actor=desk, request_id=req.pk, result="证书")
    assert req.joint_meetings.count() == 1


def test_extension_needs_a_supervisor(register, people):
    desk, supervisor = people["desk"], people["supervisor"]
    with at(2026, 11, 23):
        req = register()
        svc.request_accept(actor=desk, request_id=req.pk)
        extension = svc.request_request_extension(actor=desk, request_id=req.pk, working_days=3, reason="需现场勘验")
        with pytest.raises(PermissionDenied):
            svc.extension_decide(actor=desk, extension_id=extension.pk, approve=True)
        with pytest.raises(DomainError):
            svc.request_request_extension(actor=desk, request_id=req.pk, working_days=2, reason="again")
        svc.extension_decide(actor=supervisor, extension_id=extension.pk, approve=True, note="同意")
    req.refresh_from_db()
    assert req.deadline == add_working_days(date(2026, 11, 30), 3) and req.extension_working_days == 3
    assert req.events.filter(verb="extension_approved", public=True).exists()
    with pytest.raises(TransitionNotAllowed):
        svc.extension_decide(actor=supervisor, extension_id=extension.pk, approve=False, note="no")


def test_poor_evaluation_opens_a_follow_up(register, people, immediate_matter):
    desk = people["desk"]
    req = register(matter=immediate_matter)
    svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_deliver(actor=desk, request_id=req.pk, method="on_the_spot", signer="张三", result="查询结果")
    evaluation = svc.request_evaluate(actor=CITIZEN, request_id=req.pk, rating=2, comment="排队太久")
    assert evaluation.needs_follow_up
    with pytest.raises(TransitionNotAllowed):
        svc.request_evaluate(actor=CITIZEN, request_id=req.pk, rating=5)
    with pytest.raises(PermissionDenied):
        svc.evaluation_follow_up(actor=desk, request_id=req.pk, note="x")
    svc.evaluation_follow_up(actor=people["supervisor"], request_id=req.pk, note="电话回访，已致歉并说明原因")
    evaluation.refresh_from_db()
    assert evaluation.followed_up_at and evaluation.followed_up_by == people["supervisor"]


def test_village_forwards_to_its_town_and_keeps_seeing_the_request(hall, people, village_desk, register_at_village):
    req = register_at_village(category="special_care")
    assert req.number.startswith("JDC-")
    svc.request_forward(actor=village_desk, request_id=req.pk, note="代收材料送镇中心")
    req.refresh_from_db()
    assert req.centre == hall["town"] and req.origin_centre == hall["village"]
    assert ServiceRequest.objects.restrict(village_desk).filter(pk=req.pk).exists()
    assert ServiceRequest.objects.restrict(people["town_desk"]).filter(pk=req.pk).exists()
    with pytest.raises(PermissionDenied):  # the village keeps a read-only trace; the town acts now
        svc.request_forward(actor=village_desk, request_id=req.pk)
    svc.request_forward(actor=people["town_desk"], request_id=req.pk)
    req.refresh_from_db()
    assert req.centre == hall["district"]
    with pytest.raises(TransitionNotAllowed):
        svc.request_forward(actor=people["desk"], request_id=req.pk)


def test_other_centre_cannot_act(register, people):
    req = register()
    with pytest.raises(PermissionDenied):
        svc.request_accept(actor=people["town_desk"], request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.APPLIED


# --- Timers ----------------------------------------------------------------------------------------------


def test_deadline_warning_overdue_and_missing_summary_are_flagged_once(register, people, settings):
    settings.DEADLINE_WARNING_WORKING_DAYS = 2
    desk = people["desk"]
    with at(2026, 11, 23):
        late = register()
        svc.request_accept(actor=desk, request_id=late.pk)  # deadline 2026-11-30
        done = register()
        svc.request_accept(actor=desk, request_id=done.pk)
        svc.request_start(actor=desk, request_id=done.pk)
        svc.request_complete(actor=desk, request_id=done.pk, result="证书")
    assert timers.warn_deadlines(date(2026, 11, 25)) == []  # 3 working days left
    assert timers.warn_deadlines(date(2026, 11, 26)) == [late.pk]
    assert timers.warn_deadlines(date(2026, 11, 27)) == []
    assert timers.flag_overdue(date(2026, 11, 30)) == []
    assert timers.flag_overdue(date(2026, 12, 1)) == [late.pk]
    assert timers.flag_overdue(date(2026, 12, 2)) == []
    assert ServiceRequest.objects.overdue(date(2026, 12, 1)).get() == late
    # Completed on Monday 23rd: the summary is due Wednesday 25th.
    assert timers.flag_missing_summaries(date(2026, 11, 25)) == []
    assert timers.flag_missing_summaries(date(2026, 11, 26)) == [done.pk]
    assert timers.flag_missing_summaries(date(2026, 11, 27)) == []
    assert late.events.get(verb="overdue").actor is None
