"""Read queries about the organisation: the centres a user may see and the one a page is about, departments, and
the staffing minimums."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext

from .models import (
    Department,
    Qualification,
    QualificationLevel,
    ServiceCentre,
    SpecialistRole,
    StaffKind,
    StaffMember,
    Window,
)

REQUIRED_SPECIALISTS = 2


def visible_centres(user) -> QuerySet[ServiceCentre]:
    """The centres the user may see, the higher levels first (the order of every centre picker)."""
    return ServiceCentre.objects.restrict(user).order_by("level", "code")


def centre_for(user, centre_id) -> ServiceCentre | None:
    """The centre a page is about: the one asked for if the user may see it, else the user's own."""
    centres = visible_centres(user)
    if str(centre_id or "").isdigit():
        found = centres.filter(pk=int(centre_id)).first()
        if found is not None:
            return found
    member = getattr(user, "staff_member", None)
    if member is not None:
        return centres.filter(pk=member.centre_id).first()
    return centres.first()


def departments_with_specialist_counts() -> QuerySet[Department]:
    active_specialists = Q(staff__kind=StaffKind.SPECIALIST, staff__is_active=True)
    return Department.objects.annotate(
        specialist_count=Count("staff", filter=active_specialists),
        coordinator_count=Count(
            "staff", filter=active_specialists & Q(staff__specialist_role=SpecialistRole.COORDINATOR)
        ),
        worker_count=Count("staff", filter=active_specialists & Q(staff__specialist_role=SpecialistRole.WORKER)),
    )


def departments_short_of_specialists() -> QuerySet[Department]:
    """Departments that have not registered two specialists, one coordinator and one worker (seed 001 三)."""
    return departments_with_specialist_counts().filter(
        Q(specialist_count__lt=REQUIRED_SPECIALISTS) | Q(coordinator_count=0) | Q(worker_count=0)
    )


def departments_without_chief_representative() -> QuerySet[Department]:
    """Departments with no registered chief representative, or one who has left or is no longer active.

    Seed 003 二(一): "入驻本级政务服务大厅的部门的首席代表为部门帮办代办联系人，报本级政务服务管理部门登记备案".
    """
    return Department.objects.filter(
        Q(chief_representative__isnull=True)
        | Q(chief_representative__is_active=False)
        | ~Q(chief_representative__department=F("pk"))
    )


# Seed 003 二(一): "本级行政审批服务机构和镇（街道）便民服务中心、村（社区）便民服务站应安排专人作为帮办代办员，从事帮办代办
# 服务工作，具体人员数量根据各自实际情况设定（应不少于两人）。"
MIN_HELPERS_PER_CENTRE = 2
# Seed 000 一.2: "窗口帮办代办员。由驻中心各窗口部门单位明确 1—2名帮办代办员".
WINDOW_HELPERS_PER_DEPARTMENT = (1, 2)


@dataclass(frozen=True)
class StaffingShortfall:
    """A centre short of helpers (``department_id`` is None), or a window department outside one to two helpers."""

    centre_id: int
    centre_name: str
    department_id: int | None
    department_name: str
    count: int

    @property
    def required(self) -> str:
        if self.department_id is None:
            return f"≥ {MIN_HELPERS_PER_CENTRE}"
        low, high = WINDOW_HELPERS_PER_DEPARTMENT
        return f"{low}–{high}"

    @property
    def message(self) -> str:
        if self.department_id is None:
            return gettext("%(centre)s has %(count)d active full-time helpers; it needs at least %(minimum)d.") % {
                "centre": self.centre_name,
                "count": self.count,
                "minimum": MIN_HELPERS_PER_CENTRE,
            }
        low, high = WINDOW_HELPERS_PER_DEPARTMENT
        return gettext(
            "%(department)s has %(count)d active window helpers at %(centre)s; it should name %(low)d to %(high)d."
        ) % {
            "department": self.department_name,
            "centre": self.centre_name,
            "count": self.count,
            "low": low,
            "high": high,
        }


def staffing_shortfalls(centres: Iterable[ServiceCentre]) -> list[StaffingShortfall]:
    """The centres and window departments whose active staff break the minimums, in the order of ``centres``.

    Two rules, both counting active staff only:

    - A centre (hall, town centre or village station alike) needs at least two helpers. Seed 003 二(一):
      "本级行政审批服务机构和镇（街道）便民服务中心、村（社区）便民服务站应安排专人作为帮办代办员……（应不少于两人）".
      Only full-time helpers count: they are the 专人 kept for the work. Window helpers serve their own department's
      window, duty leaders are section staff taking the desk in turn, specialists work in their department.
    - Each department with an active window at a centre names one or two window helpers there. Seed 000 一.2:
      "窗口帮办代办员。由驻中心各窗口部门单位明确 1—2名帮办代办员". A department with window helpers at a centre
      but no window there is held to the same upper bound.

    Two queries whatever the number of centres (plus one to read ``centres`` if it is an unevaluated queryset):
    one aggregate of the staff by centre, kind and department, one of the departments' windows.
    """
    centres = list(centres)
    ids = [centre.pk for centre in centres]
    helpers: dict[int, int] = defaultdict(int)
    # centre → department → its active window helpers there
    window_helpers: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    department_names: dict[int, str] = {}
    counted = (
        StaffMember.objects.filter(
            centre_id__in=ids, is_active=True, kind__in=[StaffKind.FULL_TIME_HELPER, StaffKind.WINDOW_HELPER]
        )
        .values("centre_id", "kind", "department_id", "department__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counted:
        if row["kind"] == StaffKind.FULL_TIME_HELPER:
            helpers[row["centre_id"]] += row["n"]
        elif row["department_id"] is not None:
            window_helpers[row["centre_id"]][row["department_id"]] += row["n"]
            department_names[row["department_id"]] = row["department__name"]
    windows = (
        Window.objects.filter(centre_id__in=ids, is_active=True, department__isnull=False)
        .values_list("centre_id", "department_id", "department__name")
        .distinct()
    )
    for centre_id, department_id, department_name in windows:
        window_helpers[centre_id].setdefault(department_id, 0)
        department_names[department_id] = department_name

    low, high = WINDOW_HELPERS_PER_DEPARTMENT
    shortfalls = []
    for centre in centres:
        if helpers[centre.pk] < MIN_HELPERS_PER_CENTRE:
            shortfalls.append(StaffingShortfall(centre.pk, centre.name, None, "", helpers[centre.pk]))
        departments = sorted(
            (department_names[department_id], department_id, count)
            for department_id, count in window_helpers[centre.pk].items()
            if not low <= count <= high
        )
        shortfalls.extend(
            StaffingShortfall(centre.pk, centre.name, department_id, name, count)
            for name, department_id, count in departments
        )
    return shortfalls


@dataclass(frozen=True)
class QualifiedHelper:
    staff_id: int
    name: str
    level: int
    level_label: str
    for_matter: bool  # graded on the matter itself, not only on its department


def qualified_helpers(*, centre_id: int, department_id: int, matter_id: int | None = None, limit: int = 5):
    """The active helpers of a centre qualified for a department's business (the skills matrix), the best first:
    a level on the matter itself ranks before the same level on its department (one query)."""
    rows = (
        Qualification.objects.filter(
            staff__centre_id=centre_id,
            staff__is_active=True,
            department_id=department_id,
            level__gte=QualificationLevel.QUALIFIED,
        )
        .filter(Q(matter__isnull=True) | Q(matter_id=matter_id))
        .values_list("staff_id", "staff__name", "level", "matter_id")
    )
    best: dict[int, tuple[int, bool, str]] = {}
    for staff_id, name, level, row_matter in rows:
        key = (level, row_matter is not None, name)
        if staff_id not in best or key[:2] > best[staff_id][:2]:
            best[staff_id] = key
    ordered = sorted(best.items(), key=lambda item: (-item[1][0], not item[1][1], item[1][2]))
    return [
        QualifiedHelper(staff_id, name, level, QualificationLevel(level).label, for_matter)
        for staff_id, (level, for_matter, name) in ordered[:limit]
    ]
