"""Writes of the supervision section's inspections (督查), circulated notices (通报) and difficult points (难点堵点).

Seed 003 三(四): "定期对全区各服务大厅深化政务服务帮办代办落实情况进行监督检查，对于存在机制不健全、服务不到位等问题予以
通报批评"; seed 001 八: "对流于形式，服务不到位、台账记录不实等问题予以通报批评"; seed 003 三(一): "对……帮办代办服务中
遇到的难点、堵点问题，及时召开协调会议，明确解决问题的途径".

Every write checks the permission and the centre, changes its rows and writes one SupervisionEvent (actor, time)
in one transaction; a step the record's state does not allow is a TransitionNotAllowed (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.sequences import sequence_next
from hallservice.core.statuses import status_move
from hallservice.core.text_limits import check_lengths
from staff.models import Department, ServiceCentre, StaffMember

from .choices import DIFFICULT_POINT_TRANSITIONS, DifficultPointStatus, SupervisionVerb
from .models import CoordinationMeeting, DifficultPoint, Inspection, Notice, SupervisionEvent

MANAGE = "supervision.manage_inspections"


def ensure_inspector(actor) -> None:
    """Only the supervision section records inspections, notices and difficult points (bureau leaders read them)."""
    if not actor.has_perm(MANAGE):
        raise PermissionDenied(_("Only the supervision section may record inspections, notices and difficult points."))


def _visible_centre(actor, centre_id: int) -> ServiceCentre:
    centre = ServiceCentre.objects.restrict(actor).filter(pk=centre_id).first()
    if centre is None:
        raise DomainError(_("You cannot see this centre."), field="centre")
    return centre


def _required(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


# No record of the supervision section predates this day; an earlier one is a typing error (year 1 in the hall's zone
# is stored before year 1 in UTC, which PostgreSQL cannot read back).
EARLIEST = date(2000, 1, 1)


def _not_future(day: date, *, field: str) -> None:
    if day > timezone.localdate():
        raise DomainError(_("This date cannot be in the future."), field=field)
    if day < EARLIEST:
        raise DomainError(_("Choose a date from %(year)d on.") % {"year": EARLIEST.year}, field=field)


# --- Inspections ---------------------------------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    actor,
    centre_id: int,
    inspected_on: date,
    findings: str = "",
    department_id: int | None = None,
    staff_id: int | None = None,
    rectify_by: date | None = None,
) -> Inspection:
    """Record an inspection of a centre (seed 003 三(四) "定期……进行监督检查"), of one of its departments or staff.

    Findings need a rectification deadline on or after the visit; an inspection that found nothing has none.
    """
    ensure_inspector(actor)
    centre = _visible_centre(actor, centre_id)
    _not_future(inspected_on, field="inspected_on")
    findings = (findings or "").strip()
    check_lengths(Inspection, findings=findings)
    member = None
    if staff_id is not None:
        member = StaffMember.objects.filter(pk=staff_id, centre=centre).first()
        if member is None:
            raise DomainError(_("Choose a staff member of the centre inspected."), field="staff")
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise DomainError(_("No such department."), field="department")
    if findings and rectify_by is None:
        raise DomainError(_("Set the deadline for putting the findings right."), field="rectify_by")
    if not findings and rectify_by is not None:
        raise DomainError(_("An inspection that found nothing has no rectification deadline."), field="rectify_by")
    if rectify_by is not None and rectify_by < inspected_on:
        raise DomainError(_("The deadline cannot be before the inspection."), field="rectify_by")
    inspection = Inspection.objects.create(
        centre=centre,
        inspected_on=inspected_on,
        department=department,
        staff=member,
        findings=findings,
        rectify_by=rectify_by,
        recorded_by=user_of(actor),
    )
    SupervisionEvent.record(
        verb=SupervisionVerb.INSPECTION_RECORDED, actor=actor, centre=centre, inspection=inspection
    )
    return inspection


@transaction.atomic
def inspection_record_rectification(*, actor, inspection_id: int, result: str, rectified_on: date) -> Inspection:
    """Record how the findings were put right, once; an inspection without findings has nothing to rectify."""
    ensure_inspector(actor)
    Inspection.objects.ensure_visible(actor, inspection_id, refusal=_("No such inspection in your centres."))
    # Re-read under a row lock: two supervisors must not record the result at once.
    inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
    if not inspection.findings:
        raise TransitionNotAllowed(_("This inspection found nothing to rectify."))
    if inspection.rectified:
        raise TransitionNotAllowed(
            _("The rectification was already recorded on %(date)s.") % {"date": f"{inspection.rectified_on:%Y-%m-%d}"}
        )
    result = _required(result, field="result", message=_("Say how the findings were put right."))
    check_lengths(Inspection, rectification=result)
    _not_future(rectified_on, field="rectified_on")
    if rectified_on < inspection.inspected_on:
        raise DomainError(_("The rectification cannot be before the inspection."), field="rectified_on")
    inspection.rectification = result
    inspection.rectified_on = rectified_on
    inspection.rectification_recorded_by = user_of(actor)
    inspection.save(update_fields=["rectification", "rectified_on", "rectification_recorded_by"])
    late = inspection.rectify_by is not None and rectified_on > inspection.rectify_by
    SupervisionEvent.record(
        verb=SupervisionVerb.RECTIFICATION_RECORDED,
        actor=actor,
        centre_id=inspection.centre_id,
        inspection=inspection,
        note=_("after the deadline") if late else "",
    )
    return inspection


# --- Circulated notices ----------------------------------------------------------------------------------------


@transaction.atomic
def notice_issue(
    *,
    actor,
    centre_id: int,
    title: str,
    body: str,
    inspection_ids: Iterable[int] = (),
    staff_ids: Iterable[int] = (),
    issued_on: date | None = None,
) -> Notice:
    """Issue a circulated notice (通报批评, seed 001 八 and seed 003 三(四)), numbered 督查通报〔year〕n号 per centre
    and year, from inspections of the centres the actor sees or standalone.

    The staff it names are those given and the staff of its inspections: the notice counts on their annual
    assessment page (supervision/assessment.py).
    """
    ensure_inspector(actor)
    centre = _visible_centre(actor, centre_id)
    title = _required(title, field="title", message=_("Give the notice a title."))
    body = _required(body, field="body", message=_("Write the body of the notice."))
    check_lengths(Notice, title=title, body=body)
    issued_on = issued_on or timezone.localdate()
    _not_future(issued_on, field="issued_on")
    inspection_ids, staff_ids = set(inspection_ids), set(staff_ids)
    # The notice is the issuing centre's: what it cites and names belongs to that centre or the centres below it.
    own = ServiceCentre.objects.subtree_of(centre)
    inspections = list(Inspection.objects.restrict(actor).filter(pk__in=inspection_ids, centre__in=own))
    if len(inspections) != len(inspection_ids):
        raise DomainError(_("Choose inspections of your centres."), field="inspections")
    members = list(StaffMember.objects.restrict(actor).filter(pk__in=staff_ids, centre__in=own))
    if len(members) != len(staff_ids):
        raise DomainError(_("Choose staff members of your centres."), field="staff")
    named = {m.pk for m in members} | {i.staff_id for i in inspections if i.staff_id is not None}
    sequence = sequence_next(key=f"supervision-notice:{centre.code}:{issued_on.year}")
    notice = Notice.objects.create(
        centre=centre,
        year=issued_on.year,
        sequence=sequence,
        title=title,
        body=body,
        issued_on=issued_on,
        issued_by=user_of(actor),
    )
    notice.inspections.set(inspections)
    notice.named_staff.set(named)
    SupervisionEvent.record(
        verb=SupervisionVerb.NOTICE_ISSUED, actor=actor, centre=centre, notice=notice, note=notice.number
    )
    return notice


# --- Difficult points --------------------------------------------------------------------------------------------


def _departments(department_ids: Iterable[int]) -> list[Department]:
    ids = set(department_ids)
    departments = list(Department.objects.filter(pk__in=ids))
    if len(departments) != len(ids):
        raise DomainError(_("No such department."), field="departments")
    return departments


@transaction.atomic
def difficult_point_record(
    *, actor, centre_id: int, title: str, description: str, department_ids: Iterable[int] = ()
) -> DifficultPoint:
    """Register a difficult point (难点堵点, seed 003 三(一)) met in a centre's help-and-agency work."""
    ensure_inspector(actor)
    centre = _visible_centre(actor, centre_id)
    title = _required(title, field="title", message=_("Give the difficult point a title."))
    description = _required(description, field="description", message=_("Describe the difficult point."))
    check_lengths(DifficultPoint, title=title, description=description)
    departments = _departments(department_ids)
    point = DifficultPoint.objects.create(
        centre=centre, title=title, description=description, recorded_by=user_of(actor)
    )
    point.departments.set(departments)
    SupervisionEvent.record(verb=SupervisionVerb.POINT_RECORDED, actor=actor, centre=centre, point=point)
    return point


def _locked_point(actor, point_id: int) -> DifficultPoint:
    ensure_inspector(actor)
    DifficultPoint.objects.ensure_visible(actor, point_id, refusal=_("No such difficult point in your centres."))
    # Re-read under a row lock: a meeting and the resolution must not cross.
    return DifficultPoint.objects.select_for_update().get(pk=point_id)


def _move(point: DifficultPoint, target: DifficultPointStatus, fields: tuple[str, ...] = ()) -> None:
    status_move(
        point,
        target,
        transitions=DIFFICULT_POINT_TRANSITIONS,
        refusal=_("A difficult point that is %(current)s cannot become %(target)s."),
        fields=fields,
    )


@transaction.atomic
def difficult_point_add_meeting(
    *, actor, point_id: int, held_on: date, attendees: str, outcome: str
) -> CoordinationMeeting:
    """Record a coordination meeting (seed 003 三(一) "及时召开协调会议，明确解决问题的途径"); the point is then
    being coordinated. A resolved point takes no more meetings."""
    point = _locked_point(actor, point_id)
    attendees = _required(attendees, field="attendees", message=_("Say who attended the meeting."))
    outcome = _required(outcome, field="outcome", message=_("Say what the meeting decided."))
    check_lengths(CoordinationMeeting, attendees=attendees, outcome=outcome)
    _not_future(held_on, field="held_on")
    _move(point, DifficultPointStatus.COORDINATING)
    meeting = CoordinationMeeting.objects.create(
        point=point, held_on=held_on, attendees=attendees, outcome=outcome, recorded_by=user_of(actor)
    )
    SupervisionEvent.record(
        verb=SupervisionVerb.MEETING_RECORDED,
        actor=actor,
        centre_id=point.centre_id,
        point=point,
        note=f"{held_on:%Y-%m-%d}",
    )
    return meeting


@transaction.atomic
def difficult_point_resolve(*, actor, point_id: int, outcome: str, resolved_on: date | None = None) -> DifficultPoint:
    """Close a difficult point with its final outcome (明确解决问题的途径); it cannot be reopened."""
    point = _locked_point(actor, point_id)
    outcome = _required(outcome, field="outcome", message=_("Give the final outcome."))
    check_lengths(DifficultPoint, outcome=outcome)
    resolved_on = resolved_on or timezone.localdate()
    _not_future(resolved_on, field="resolved_on")
    if resolved_on < timezone.localtime(point.created_at).date():
        raise DomainError(_("The point cannot be resolved before it was recorded."), field="resolved_on")
    point.outcome = outcome
    point.resolved_on = resolved_on
    _move(point, DifficultPointStatus.RESOLVED, fields=("outcome", "resolved_on"))
    SupervisionEvent.record(verb=SupervisionVerb.POINT_RESOLVED, actor=actor, centre_id=point.centre_id, point=point)
    return point
