"""Reads of the public display (公示): the service guide's matters, the helper board and the display board's notices.

Seed 004 服务场所 asks the hall to show 帮办代办服务事项和流程 and 帮办代办服务人员信息; seed 001 九 to publicise
the service so that citizens "能够看到、了解和接收帮办代办服务". Everything here is public, so the helper board is
built from ``BoardEntry`` values holding only what may be shown — name, staff number, work phone, scope, desk —
and never hands a template the staff row, whose ID number must not reach a public page by a slip of a template.

Each read costs a constant number of queries, whatever the number of matters or staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from requests.models import Matter, RequiredMaterial
from requests.public.selectors import hall_centre
from requests.services.public import window_label
from rosters.models import CheckInStatus
from rosters.selectors import day_roster
from staff.models import CentreLevel, ServiceCentre, StaffKind, StaffMember

from .models import Notice

# The order the board and the sign list people in: who leads the day first (seed 000 一: the three kinds).
KIND_ORDER = [StaffKind.DUTY_LEADER, StaffKind.FULL_TIME_HELPER, StaffKind.WINDOW_HELPER, StaffKind.SPECIALIST]


# --- The service guide ----------------------------------------------------------------------------------------


def guide_matters(*, query: str = "") -> QuerySet[Matter]:
    """Active matters matching ``query`` (name, code, pinyin initials or full pinyin), with what the guide shows
    of each: department, the hall's window and its floor, the responsible helper, the materials in order."""
    return (
        Matter.objects.active()
        .search(query)
        .select_related("department", "window", "contact_helper")
        .prefetch_related(Prefetch("materials", queryset=RequiredMaterial.objects.order_by("position", "pk")))
    )


def guide_matter(code: str) -> Matter | None:
    """One active matter by its catalogue code; an inactive one is not in the guide at all."""
    return guide_matters().filter(code=code).first()


def matter_place(matter: Matter) -> str:
    """Where a citizen goes for the matter: the hall window with its floor, else the catalogue's own text."""
    return window_label(matter.window) if matter.window_id else matter.accepting_window


STEP_NUMBER = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.、．)）]\s*")


def process_steps(matter: Matter) -> list[str]:
    """The matter's process one step a line, without the numbers the catalogue may have typed (the page and
    the checklist number them)."""
    return [STEP_NUMBER.sub("", line).strip() for line in matter.process.splitlines() if line.strip()]


def matter_contact(matter: Matter) -> tuple[str, str]:
    """The responsible helper's name and work phone (seed 001 附件 2), or empty ones when they have left."""
    helper = matter.contact_helper
    if helper is None or not helper.is_active:
        return "", matter.contact_phone
    return helper.name, matter.contact_phone or helper.phone


# --- The helper board -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardEntry:
    """One helper as the public sees them: no ID number, no personal phone, no address."""

    staff_id: int
    name: str
    staff_number: str
    kind: str
    kind_label: str
    department: str
    business_scope: str
    work_phone: str
    is_party_member: bool
    has_photo: bool
    desk: str  # today's post, "" when not known (no published roster, a closed day)
    desk_short: str  # the same in a few characters, for the printed sign
    on_duty: bool
    away: bool

    @property
    def initials(self) -> str:
        """What the board shows without a photo: the given name of a Chinese name (雪梅 of 赵雪梅), else the
        initials of a Latin one."""
        name = self.name.strip()
        if not name:
            return "?"
        if name.isascii():
            return "".join(part[0] for part in name.split()[:2]).upper()
        return name[-2:] if len(name) >= 3 else name


@dataclass(frozen=True)
class Board:
    """A centre's helpers on one day, with whether the hall works that day and a roster is published."""

    centre: ServiceCentre
    day: date
    is_working_day: bool
    has_roster: bool
    entries: list[BoardEntry]

    @property
    def on_duty(self) -> list[BoardEntry]:
        return [e for e in self.entries if e.on_duty]

    @property
    def leader(self) -> BoardEntry | None:
        return next((e for e in self.entries if e.kind == StaffKind.DUTY_LEADER and e.on_duty), None)

    def groups(self) -> list[tuple[str, list[BoardEntry]]]:
        """The entries by kind, in KIND_ORDER, leaving out kinds without anyone."""
        labels = dict(StaffKind.choices)
        grouped = [(labels[k], [e for e in self.entries if e.kind == k]) for k in KIND_ORDER]
        return [(label, entries) for label, entries in grouped if entries]


def board_centre(code: str | None) -> ServiceCentre | None:
    """The centre a board or sign is about: the one named by ``code``, else the hall of the public pages."""
    if code:
        return ServiceCentre.objects.filter(code=code).first()
    return hall_centre()


def board_centres() -> QuerySet[ServiceCentre]:
    """The centres a citizen may pick when the pages do not know their hall: district halls and towns."""
    return ServiceCentre.objects.filter(level__in=[CentreLevel.DISTRICT, CentreLevel.TOWN]).order_by("level", "code")


def _short(window) -> str:
    return _("F%(floor)d %(number)s") % {"floor": window.floor, "number": window.number}


def _desks(centre: ServiceCentre, day: date) -> tuple[bool, bool, dict[int, tuple[str, str]], set[int]]:
    """(working day, roster published, staff id → today's post (long, short), staff ids away) from the
    published roster."""
    roster = day_roster(centre, day)
    desks: dict[int, tuple[str, str]] = {}
    if not roster.is_working_day or roster.plan is None:
        return roster.is_working_day, roster.plan is not None, desks, set(roster.away)
    if roster.duty_day is not None:
        desks[roster.duty_day.leader_id] = (_("Duty leader at the help desk"), _("Duty leader"))
    for turn in roster.help_area:
        department = turn.department.short_name or turn.department.name
        desks.setdefault(
            turn.helper_id,
            (
                _("Help area (%(department)s)") % {"department": department},
                _("Help area %(department)s") % {"department": department},
            ),
        )
    for post in roster.posts:
        for member, _how in post.staff:
            desks.setdefault(member.pk, (window_label(post.window), _short(post.window)))
    away = set(roster.away) | {
        pk for pk, check_in in roster.check_ins.items() if check_in.status == CheckInStatus.ABSENT
    }
    return True, True, desks, away


def helper_board(centre: ServiceCentre, day: date) -> Board:
    """Every active helper of ``centre`` with today's desk: the roster's post (duty leader, help-area turn, the
    rotation's window, a cover or substitution in effect), else a window helper's own window; "not at the hall"
    when on leave, travelling, in training or marked absent. Without a published roster only the own windows are
    known. Constant queries (rosters.selectors.day_roster plus one for the staff)."""
    working, has_roster, desks, away = _desks(centre, day)
    members = (
        StaffMember.objects.active()
        .filter(centre=centre)
        .select_related("department", "window")
        .only(
            "pk",
            "name",
            "staff_number",
            "kind",
            "department__name",
            "department__short_name",
            "window__number",
            "window__name",
            "window__floor",
            "business_scope",
            "phone",
            "is_party_member",
            "photo",
        )
        .order_by("name")
    )
    labels = dict(StaffKind.choices)
    entries = []
    for member in members:
        is_away = member.pk in away
        desk, desk_short = desks.get(member.pk, ("", ""))
        if not desk and working and member.window is not None and member.kind != StaffKind.FULL_TIME_HELPER:
            # Window helpers and specialists stand at their department's window unless the roster moves them;
            # full-time helpers rotate, so without a post in the roster their window of last month means nothing.
            desk, desk_short = window_label(member.window), _short(member.window)
        if is_away:
            desk = desk_short = _("Not at the hall today")
        entries.append(
            BoardEntry(
                staff_id=member.pk,
                name=member.name,
                staff_number=member.staff_number,
                kind=member.kind,
                kind_label=str(labels.get(member.kind, member.kind)),
                department=(member.department.short_name or member.department.name) if member.department else "",
                business_scope=member.business_scope,
                work_phone=member.phone,
                is_party_member=member.is_party_member,
                has_photo=bool(member.photo),
                desk=desk if working else "",
                desk_short=desk_short if working else "",
                on_duty=working and bool(desk) and not is_away,
                away=is_away,
            )
        )
    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    entries.sort(key=lambda e: (order.get(e.kind, len(order)), not e.on_duty, e.name))
    return Board(centre=centre, day=day, is_working_day=working, has_roster=has_roster, entries=entries)


def board_notices(centre: ServiceCentre, day: date) -> list[str]:
    """The notices rolling on the centre's display board on ``day``, in their order (one query)."""
    return list(Notice.objects.current(centre.pk, day).values_list("text", flat=True))


def helper_photo(staff_id: int) -> StaffMember | None:
    """The staff row whose photo the board shows: active and with a photo, else None (a 404)."""
    return StaffMember.objects.active().exclude(photo="").only("pk", "photo").filter(pk=staff_id).first()
