"""A small November 2026 of requests whose statistics are computed by hand in the tests.

District hall XH (with town JD below it) and another district OT that XH's supervisor must never see.

| req | centre | dept | kind   | channel | category     | applied (local)  | accepted   | completed  | deadline   | notices | status      |
|-----|--------|------|--------|---------|--------------|------------------|------------|------------|------------|---------|-------------|
| r1  | XH     | A    | assist | hall    | other        | 11-02 09:00      | 11-02      | 11-05      | 11-06      | 0       | delivered   |
| r2  | XH     | A    | agency | online  | special_care | 11-03 10:00      | 11-04      | 11-13      | 11-10      | 1       | delivered   |
| r3  | XH     | B    | assist | window  | other        | 11-10 11:00      | —          | —          | —          | 0       | refused     |
| r4  | XH     | B    | assist | hall    | key_project  | 11-20 14:00      | 11-20      | —          | 11-25      | 0       | in_progress |
| r5  | XH     | A    | assist | hall    | other        | 10-28 09:00      | 10-28      | 11-03      | 11-04      | 2       | archived    |
| r6  | JD     | B    | assist | phone   | other        | 11-30 23:30      | —          | —          | —          | 0       | applied     |
| r7  | OT     | A    | assist | hall    | other        | 11-05 09:00      | 11-05      | 11-12      | 11-09      | 0       | delivered   |
| r8  | XH     | A    | assist | hall    | other        | 12-01 00:10      | —          | —          | —          | 0       | applied     |
| r9  | OT     | A    | assist | hall    | other        | 10-15 09:00      | 10-15      | —          | 11-20      | 0       | in_progress |

Urgent (issue 18): r1 (internal target 11-05, met), r2 (target 11-06, completed 11-13: missed), r4 (target 11-24, open),
r7 (another district, target 11-10, missed). Priority groups: r1 elderly and disabled, r2 military, r4 linked to a
key project, r7 pregnant (another district).

r7 (late) and r9 (overdue now) are in another district; r8 is a minute past November in Beijing time though
still 30 November in UTC. Working days: r1 3, r2 7, r5 4 (31 October is a Saturday) → median 4.
Evaluations: r1 ★5 (11-06), r2 ★2 (11-14), r5 ★1 invalidated on appeal (11-04), r7 ★5 (other district).
Consultations in November: one at XH that became r1, one at XH that did not, one at OT.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from requests.models import (
    Consultation,
    Delivery,
    Evaluation,
    IssuedDocument,
    KeptSignature,
    KeyProject,
    ServiceRequest,
    Summary,
)
from staff.roles import Role
from tests.conftest import all_at_once, make_staff_user
from tests.factories import (
    DepartmentFactory,
    DistrictFactory,
    MatterFactory,
    ServiceRequestFactory,
    StaffMemberFactory,
)

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 1)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def november(hall):
    district, town = hall["district"], hall["town"]
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    dept_a, dept_b = DepartmentFactory(name="不动产登记中心"), DepartmentFactory(name="市场监管局")
    matter_a, matter_b = MatterFactory(department=dept_a), MatterFactory(department=dept_b)
    h1 = StaffMemberFactory(centre=district, name="甲帮办")
    h2 = StaffMemberFactory(centre=district, name="乙帮办")
    h3 = StaffMemberFactory(centre=town, name="丙帮办")
    h4 = StaffMemberFactory(centre=other, name="丁帮办")

    def row(centre, matter, helper, status, applied, accepted=None, completed=None, deadline=None, *, notices=0, **kw):
        """A request's factory fields (an assisted hall request of category other unless told) and its times."""
        fields = {"kind": "assist", "channel": "hall", "category": "other", **kw}
        fields.update(
            centre=centre, matter=matter, helper=helper, status=status, deadline=deadline, deficiency_notices=notices
        )
        return fields, {"applied_at": applied, "accepted_at": accepted, "completed_at": completed}

    def urgent(target: date) -> dict:
        return {"urgent": True, "urgent_reason": "急办", "urgent_target": target}

    project = KeyProject.objects.create(name="重点项目", centre=district)
    rows = {
        "r1": row(
            *(district, matter_a, h1, "delivered", at(11, 2), at(11, 2, 9, 30), at(11, 5), date(2026, 11, 6)),
            **urgent(date(2026, 11, 5)),
            applicant_elderly=True,
            applicant_disabled=True,
        ),
        "r2": row(
            *(district, matter_a, h1, "delivered", at(11, 3, 10), at(11, 4), at(11, 13), date(2026, 11, 10)),
            kind="agency",
            channel="online",
            category="special_care",
            notices=1,
            applicant_military=True,
            **urgent(date(2026, 11, 6)),
        ),
        "r3": row(district, matter_b, h2, "refused", at(11, 10, 11), channel="window"),
        "r4": row(
            *(district, matter_b, h2, "in_progress", at(11, 20, 14), at(11, 20, 15), None, date(2026, 11, 25)),
            category="key_project",
            key_project=project,
            **urgent(date(2026, 11, 24)),
        ),
        "r5": row(
            district, matter_a, h1, "archived", at(10, 28), at(10, 28, 10), at(11, 3), date(2026, 11, 4), notices=2
        ),
        "r6": row(town, matter_b, h3, "applied", at(11, 30, 23, 30), channel="phone"),
        "r7": row(
            *(other, matter_a, h4, "delivered", at(11, 5), at(11, 5), at(11, 12), date(2026, 11, 9)),
            applicant_pregnant=True,
            **urgent(date(2026, 11, 10)),
        ),
        "r9": row(other, matter_a, h4, "in_progress", at(10, 15), at(10, 15), None, date(2026, 11, 20)),
        "r8": row(district, matter_a, h1, "applied", at(12, 1, 0, 10)),
    }
    made = {}
    for key, (fields, times) in rows.items():
        req = ServiceRequestFactory(**fields)
        # applied_at is auto_now_add: backdate it after creation.
        ServiceRequest.objects.filter(pk=req.pk).update(**times)
        made[key] = ServiceRequest.objects.get(pk=req.pk)
    for key, rating, when, invalid in [
        ("r1", 5, at(11, 6), False),
        ("r2", 2, at(11, 14), False),
        ("r5", 1, at(11, 4), True),
        ("r7", 5, at(11, 7), False),
    ]:
        evaluation = Evaluation.objects.create(request=made[key], rating=rating, is_invalid=invalid)
        Evaluation.objects.filter(pk=evaluation.pk).update(at=when)
    for centre, request, owner in [(district, made["r1"], h1), (district, None, h2), (other, None, h4)]:
        consultation = Consultation.objects.create(
            centre=centre,
            channel="desk",
            name="咨询人",
            question="怎么办？",
            owner=owner,
            request=request,
            created_by=owner.user,
        )
        Consultation.objects.filter(pk=consultation.pk).update(created_at=at(11, 2))
    return {
        "requests": made,
        "helpers": {"h1": h1, "h2": h2, "h3": h3, "h4": h4},
        "other": other,
        "departments": (dept_a, dept_b),
    }


@pytest.fixture
def town_supervisor(hall):
    return make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="town-supervisor")


# --- The ledger audit's fixture (test_audit.py, test_ledger_gaps.py): "today" there is Friday 20 November 2026.


def moment(m, d, hh=10, mm=0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=TZ)


def finished(helper, status, *, completed=None, kind="assist", commission=True, number=None, **extra):
    """A finished request (completed on 10 November unless told) of the helper's centre."""
    req = ServiceRequestFactory(
        centre=helper.centre,
        helper=helper,
        status=status,
        kind=kind,
        commission_signed=commission,
        **({"number": number} if number else {}),
        **extra,
    )
    ServiceRequest.objects.filter(pk=req.pk).update(
        accepted_at=moment(11, 2), completed_at=completed or moment(11, 10)
    )
    if kind == "agency" and commission:
        keep(req, "commission_letter")
    return ServiceRequest.objects.get(pk=req.pk)


def stored_pdf(req, folder, kind, version) -> dict:
    """The fields of a PDF of ``req`` stored under ``folder``, as the services name it, with a made-up hash."""
    return {
        "request": req,
        "kind": kind,
        "version": version,
        "file": f"{folder}/{req.number}/{kind}-v{version}.pdf",
        "sha256": "0" * 64,
        "size": 1000,
    }


def keep(req, kind):
    """A signed form kept on file (issue 18): its scan's row, as the signatures service writes it."""
    version = KeptSignature.objects.filter(request=req, kind=kind).count() + 1
    KeptSignature.objects.create(
        **stored_pdf(req, "signatures", kind, version), source="scan", kept_by=req.helper.user
    )


def summarise(req):
    Summary.objects.create(request=req, text="已办结，材料齐全。", author=req.helper.user)


def deliver(req, method="on_the_spot", **fields):
    Delivery.objects.create(request=req, method=method, by=req.helper.user, **fields)


def issue(req):
    """The completion form printed once."""
    IssuedDocument.objects.create(
        **stored_pdf(req, "documents", "completion_form", 1), code="BJ-1", issued_by=req.helper.user
    )


def complete_record(req):
    """Everything on file for a delivered or archived request."""
    summarise(req)
    keep(req, "completion_form")
    deliver(req, "in_person", signer="张三")
    issue(req)


@pytest.fixture
def ledger(hall):
    helper = StaffMemberFactory(centre=hall["district"], name="甲帮办")
    town_helper = StaffMemberFactory(centre=hall["town"], name="丙帮办")
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    stranger = StaffMemberFactory(centre=other, name="丁帮办")

    good = finished(helper, "archived", number="XH-GOOD")
    complete_record(good)
    late_summary = finished(helper, "completed", completed=moment(11, 17, 17), number="XH-NOSUM")
    recent = finished(helper, "completed", completed=moment(11, 18, 9), number="XH-RECENT")
    no_delivery = finished(helper, "delivered", number="XH-NODEL")
    summarise(no_delivery)
    posted = finished(helper, "delivered", number="XH-POST")
    summarise(posted)
    deliver(posted, "post", carrier="EMS", tracking_number="1234567890")  # receipt never confirmed
    archived_bare = finished(helper, "archived", number="XH-NODOC")
    summarise(archived_bare)
    deliver(archived_bare)
    agency = finished(helper, "completed", kind="agency", commission=False, number="XH-NOCOM")
    summarise(agency)
    town_bad = finished(town_helper, "completed", completed=moment(11, 2), number="JD-NOSUM")
    other_bad = finished(stranger, "archived", completed=moment(11, 2), number="OT-BAD")
    return {
        "helper": helper,
        "good": good,
        "late_summary": late_summary,
        "recent": recent,
        "no_delivery": no_delivery,
        "posted": posted,
        "archived_bare": archived_bare,
        "agency": agency,
        "town_bad": town_bad,
        "other_bad": other_bad,
        "other": other,
        **hall,
    }


def run_at_once(call, threads: int = 4) -> list[str]:
    """Run `call` in several threads released together (each on its own connection); the errors raised."""
    return [repr(outcome) for outcome in all_at_once([call] * threads) if isinstance(outcome, Exception)]


def drop_trigger(name: str, table: str) -> None:
    """Drop one supervision trigger, as a migration that rebuilds a table on SQLite would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {name} ON {table}" if connection.vendor == "postgresql" else f"DROP TRIGGER {name}"
        )
