"""Rosters and duty (F-ROS): monthly rotation, help-area turns, daily duty leaders, substitutions, check-ins.

A `RotationPlan` is a centre's roster for one month. It holds the full-time helpers' windows
(`RotationAssignment`), the day covers frozen at publication (`RotationCover`), the high-volume departments'
help-area turns (`HelpAreaTurn`) and the duty leader of every working day (`DutyDay`). A draft is edited
freely by the supervision section; a published plan changes only through substitutions in effect. The rules
the plan must satisfy are in `rosters.planning`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.centre_events import CentreEvent
from hallservice.core.events import verb_field
from hallservice.core.scoping import CentreScopedQuerySet
from hallservice.core.working_copies import WorkingCopyQuerySet

from .planning import week_start as monday_of

# --- Unavailability -----------------------------------------------------------------------------------------


class UnavailabilityKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    TRAVEL = "travel", _("Business travel")
    MEETING = "meeting", _("Meeting")
    STUDY = "study", _("Off-post study")


class UnavailabilityQuerySet(CentreScopedQuerySet):
    centre_path = "staff__centre"

    def overlapping(self, start, end) -> UnavailabilityQuerySet:
        return self.filter(start__lte=end, end__gte=start)

    def covering(self, day) -> UnavailabilityQuerySet:
        return self.filter(start__lte=day, end__gte=day)


class Unavailability(models.Model):
    """A span of days on which a staff member is off duty: leave, travel, a meeting or off-post study."""

    staff = fields.staff_member(on_delete=models.CASCADE, related_name="unavailability")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    kind = models.CharField(_("kind"), max_length=10, choices=UnavailabilityKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Who wrote it when it was not a person at this app's pages, e.g. "training:test-2026-11" for study days;
    # part of the idempotency key so the training app can write the same day again without a duplicate.
    source = models.CharField(_("source"), max_length=60, blank=True)
    created_by = fields.user(on_delete=models.SET_NULL, optional=True)
    created_at = fields.created_at(_("created at"))

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "staff"]
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailability")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="unavailability_end_after_start"),
            models.UniqueConstraint(fields=["staff", "start", "end", "kind", "source"], name="unavailability_once"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.start}–{self.end}"


# --- Plans --------------------------------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# A draft may be published; a published plan changes only through substitutions.
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.PUBLISHED}),
    PlanStatus.PUBLISHED: frozenset(),
}


class RotationPlanQuerySet(WorkingCopyQuerySet):
    centre_path = "centre"
    # Drafts are the supervision section's working copy; everyone else sees published plans only.
    edit_permission = "rosters.manage_rotation"
    shown_to_all = Q(status=PlanStatus.PUBLISHED)

    def published(self) -> RotationPlanQuerySet:
        return self.filter(status=PlanStatus.PUBLISHED)


class RotationPlan(models.Model):
    """A centre's roster for one month: windows of the full-time helpers, help-area turns, duty leaders."""

    centre = fields.centre(related_name="rotation_plans")
    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    generated_at = fields.moment(_("generated at"))
    published_at = fields.moment(_("published at"))
    published_by = fields.user(on_delete=models.SET_NULL, optional=True)
    # The plan whose rotation this one continues (the latest plan before its month, draft or published, when
    # it was last generated): a month drafted after a draft month goes on from the draft, not from scratch.
    continued_from = fields.optional_reference(
        "self", _("continues from"), on_delete=models.SET_NULL, related_name="continued_by"
    )
    created_at = fields.created_at(_("created at"))

    objects = RotationPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "centre"]
        verbose_name = _("rotation plan")
        verbose_name_plural = _("rotation plans")
        constraints = [
            models.UniqueConstraint(fields=["centre", "month"], name="rotation_plan_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="rotation_plan_month_is_first_day"),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT) | Q(published_at__isnull=False),
                name="rotation_plan_published_has_time",
            ),
        ]
        permissions = [
            ("manage_rotation", _("Can draft, edit and publish rotation plans and duty schedules")),
            ("decide_substitution", _("Can approve or reject substitutions")),
            ("record_duty", _("Can record others' check-ins and file duty summaries")),
            ("view_duty_dashboard", _("Can see the duty dashboard")),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("rosters:plan-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class RotationAssignment(models.Model):
    """One full-time helper's window for the month of a plan, with the generator's (or editor's) reason."""

    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="assignments")
    helper = fields.staff_member(_("helper"), related_name="rotation_assignments")
    window = models.ForeignKey(
        "staff.Window", verbose_name=_("window"), on_delete=models.PROTECT, related_name="rotation_assignments"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Back at a window before the helper has worked every window of the centre: only when nothing else works.
    is_repeat = models.BooleanField(_("repeat before the cycle is complete"), default=False)

    class Meta:
        ordering = ["plan", "window", "helper"]
        verbose_name = _("rotation assignment")
        verbose_name_plural = _("rotation assignments")
        constraints = [models.UniqueConstraint(fields=["plan", "helper"], name="rotation_one_window_per_helper")]

    def __str__(self) -> str:
        return f"{self.helper} → {self.window}"


class RotationCover(models.Model):
    """On one day a helper stands at another window whose own helpers are away (frozen at publication)."""

    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="covers")
    day = models.DateField(_("day"))
    helper = fields.staff_member(_("helper"))
    window = models.ForeignKey("staff.Window", verbose_name=_("window"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["day", "window"]
        verbose_name = _("day cover")
        verbose_name_plural = _("day covers")
        constraints = [models.UniqueConstraint(fields=["plan", "day", "helper"], name="rotation_cover_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.helper} → {self.window}"


class HelpAreaTurn(models.Model):
    """A high-volume department's window helper stationed in the help area on one working day."""

    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="help_area_turns")
    day = models.DateField(_("day"))
    department = fields.department(related_name="+")
    helper = fields.staff_member(_("helper"), related_name="help_area_turns")
    # Whom the plan named; differs from `helper` while a substitution is in effect.
    planned_helper = fields.staff_member(_("planned helper"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["day", "department", "helper"]
        verbose_name = _("help-area turn")
        verbose_name_plural = _("help-area turns")
        constraints = [models.UniqueConstraint(fields=["plan", "day", "helper"], name="help_area_turn_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.department} {self.helper}"


class BureauLeader(models.Model):
    """A bureau leader who takes the weekly lead over the daily duty leaders in turn (局领导带班)."""

    staff = models.OneToOneField(
        "staff.StaffMember", verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="bureau_leader"
    )
    title = models.CharField(_("title"), max_length=50, blank=True)

    class Meta:
        ordering = ["staff__centre", "staff__name"]
        verbose_name = _("bureau leader")
        verbose_name_plural = _("bureau leaders")

    def __str__(self) -> str:
        return f"{self.staff} {self.title}".strip()


class DutyDayQuerySet(WorkingCopyQuerySet):
    centre_path = "centre"
    # The days of a draft plan are part of the working copy.
    edit_permission = "rosters.manage_rotation"
    shown_to_all = Q(plan__status=PlanStatus.PUBLISHED)

    def published(self) -> DutyDayQuerySet:
        return self.filter(plan__status=PlanStatus.PUBLISHED)


class DutyDay(models.Model):
    """The duty leader at the help desk on one working day of a centre, and the week's leading bureau leader."""

    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="duty_days")
    centre = fields.centre()
    day = models.DateField(_("day"))
    leader = fields.staff_member(_("duty leader"), related_name="duty_days")
    # Whom the plan named; differs from `leader` while a substitution is in effect.
    planned_leader = fields.staff_member(_("planned duty leader"))
    week_leader = fields.staff_member(
        _("leading bureau leader of the week"), optional=True, related_name="led_duty_days"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = DutyDayQuerySet.as_manager()

    class Meta:
        ordering = ["day"]
        verbose_name = _("duty day")
        verbose_name_plural = _("duty days")
        # One duty leader a day per centre (seed 000 二.3): a second one is refused by the database too.
        constraints = [models.UniqueConstraint(fields=["centre", "day"], name="duty_day_one_leader_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.leader}"

    @property
    def is_substituted(self) -> bool:
        return self.leader_id != self.planned_leader_id


# --- Substitutions -----------------------------------------------------------------------------------------


class Duty(models.TextChoices):
    DUTY_LEADER = "duty_leader", _("Duty leader")
    WINDOW = "window", _("Window post")
    HELP_AREA = "help_area", _("Help-area turn")


class SubstitutionStatus(models.TextChoices):
    # Filing (备案, the default): in effect from the moment it is filed; the supervision section may reverse it.
    FILED = "filed", _("Filed, in effect")
    REVERSED = "reversed", _("Reversed")
    # Approval first (settings.SUBSTITUTION_NEEDS_APPROVAL): in effect only once approved.
    REQUESTED = "requested", _("Filed, awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


SUBSTITUTION_TRANSITIONS: dict[str, frozenset[str]] = {
    SubstitutionStatus.FILED: frozenset({SubstitutionStatus.REVERSED}),
    SubstitutionStatus.REVERSED: frozenset(),
    SubstitutionStatus.REQUESTED: frozenset(
        {SubstitutionStatus.APPROVED, SubstitutionStatus.REJECTED, SubstitutionStatus.WITHDRAWN}
    ),
    SubstitutionStatus.APPROVED: frozenset(),
    SubstitutionStatus.REJECTED: frozenset(),
    SubstitutionStatus.WITHDRAWN: frozenset(),
}
# In effect: the day's duty follows it (roster, today's desk, the status page, the duty dashboard).
EFFECTIVE_SUBSTITUTION = (SubstitutionStatus.FILED, SubstitutionStatus.APPROVED)
# Live: a second substitution for the same duty of the same day is refused while one of these stands.
LIVE_SUBSTITUTION = (SubstitutionStatus.REQUESTED, *EFFECTIVE_SUBSTITUTION)


class SubstitutionQuerySet(CentreScopedQuerySet):
    centre_path = "centre"

    def effective(self) -> SubstitutionQuerySet:
        """Filed (in effect at once) or approved: the day's duty follows these."""
        return self.filter(status__in=EFFECTIVE_SUBSTITUTION)


class Substitution(models.Model):
    """Someone else covers one day's duty (替岗), filed with the supervision section (备案), who may reverse it."""

    centre = fields.centre()
    day = models.DateField(_("day"))
    duty = models.CharField(_("duty"), max_length=12, choices=Duty.choices)
    absent = fields.staff_member(_("absent"), related_name="substituted_duties")
    substitute = fields.staff_member(_("substitute"), related_name="substitutions")
    # The window of a window post, taken from the plan when the substitution is filed.
    window = fields.optional_reference("staff.Window", _("window"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=SubstitutionStatus.choices, default=SubstitutionStatus.FILED
    )
    requested_by = fields.user()
    requested_at = fields.created_at(_("filed at"))
    decided_by = fields.user(on_delete=models.SET_NULL, optional=True)
    decided_at = fields.moment(_("decided at"))
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-requested_at"]
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        constraints = [
            models.CheckConstraint(condition=~Q(absent=F("substitute")), name="substitution_not_oneself"),
            # A duty of a day is covered once: a second live substitution for it is refused.
            models.UniqueConstraint(
                fields=["absent", "day", "duty"],
                condition=Q(status__in=LIVE_SUBSTITUTION),
                name="substitution_one_live_per_duty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.absent} → {self.substitute}"

    def allowed_statuses(self) -> frozenset[str]:
        return SUBSTITUTION_TRANSITIONS[self.status]


# --- Check-ins and duty summaries ------------------------------------------------------------------------


class CheckInStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")


class CheckInSource(models.TextChoices):
    SELF = "self", _("Checked in themselves")
    LEADER = "leader", _("Recorded by the duty leader")
    SYSTEM = "system", _("Marked at opening")


class CheckIn(models.Model):
    """A staff member's arrival on a working day, or the absence marked at opening when nobody came."""

    staff = fields.staff_member(on_delete=models.CASCADE, related_name="check_ins")
    centre = fields.centre()
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=8, choices=CheckInStatus.choices)
    checked_in_at = fields.moment(_("arrived at"))
    # The help desk's own badge (佩戴专门标识, seed 000 二.4), asked of everyone on arrival.
    badge_worn = models.BooleanField(_("badge worn"), default=False, help_text=_("The help-desk staff badge"))
    # The party badge (党徽, seed 000 二.5): asked of party members only; empty for everyone else.
    party_badge_worn = models.BooleanField(
        _("party badge worn"), null=True, blank=True, help_text=_("Asked of party members only")
    )
    source = models.CharField(_("recorded"), max_length=8, choices=CheckInSource.choices)
    recorded_by = fields.user(on_delete=models.SET_NULL, optional=True)

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "staff"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["staff", "day"], name="check_in_once_a_day"),
            models.CheckConstraint(
                condition=Q(status=CheckInStatus.ABSENT, checked_in_at__isnull=True)
                | (~Q(status=CheckInStatus.ABSENT) & Q(checked_in_at__isnull=False)),
                name="check_in_time_unless_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.staff} {self.get_status_display()}"


class DutySummary(models.Model):
    """The duty leader's summary of the help-desk records at the end of a duty day (seed 000 二.4)."""

    duty_day = models.OneToOneField(DutyDay, on_delete=models.CASCADE, related_name="summary")
    filed_by = fields.user()
    filed_at = fields.created_at(_("filed at"))
    # Counts taken from the help desk's records when the summary is filed, so later edits do not change it.
    consultations = models.PositiveIntegerField(_("consultations"), default=0)
    assists = models.PositiveIntegerField(_("assist requests"), default=0)
    agencies = models.PositiveIntegerField(_("agency requests"), default=0)
    late = models.PositiveIntegerField(_("late arrivals"), default=0)
    absent = models.PositiveIntegerField(_("absences"), default=0)
    notes = models.TextField(
        _("notes"), max_length=text_limits.TEXT, blank=True, help_text=_("Patrols, complex matters, incidents")
    )

    class Meta:
        ordering = ["-duty_day__day"]
        verbose_name = _("duty summary")
        verbose_name_plural = _("duty summaries")

    def __str__(self) -> str:
        return f"{self.duty_day}"


# --- Duty oversight: the bureau leader's weekly patrol, the duty record ---------------------------------


class PatrolRecordQuerySet(CentreScopedQuerySet):
    centre_path = "centre"

    def in_week(self, monday) -> PatrolRecordQuerySet:
        """Patrols whose hall-local date falls in the week Monday–Sunday starting ``monday``."""
        return self.filter(week_start=monday)


class PatrolRecord(models.Model):
    """One patrol of a centre by the week's leading bureau leader (每周带班局领导, seed 000 五.1): when, what, findings."""

    centre = fields.centre(related_name="patrol_records")
    leader = fields.staff_member(_("bureau leader"), related_name="patrol_records")
    patrolled_at = models.DateTimeField(_("patrolled at"))
    # The Monday of the hall-local week of ``patrolled_at``, stored so the weekly check is one indexed lookup.
    week_start = models.DateField(_("week from"), editable=False)
    checked = models.TextField(_("what was checked"), max_length=text_limits.SUMMARY)
    findings = models.TextField(_("findings"), max_length=text_limits.TEXT, blank=True)
    follow_up = models.TextField(_("follow-up measures"), max_length=text_limits.SUMMARY, blank=True)
    recorded_by = fields.user()
    recorded_at = fields.created_at(_("recorded at"))

    objects = PatrolRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-patrolled_at", "-pk"]
        verbose_name = _("bureau leader's patrol")
        verbose_name_plural = _("bureau leader's patrols")
        permissions = [("record_patrol", _("Can record the bureau leader's weekly patrol"))]
        indexes = [models.Index(fields=["centre", "week_start"], name="patrol_centre_week")]

    def __str__(self) -> str:
        return f"{self.centre} {self.patrolled_at:%Y-%m-%d} {self.leader}"

    def set_patrolled_at(self, moment) -> None:
        """Set the time of the patrol and the week it counts for (its hall-local date's Monday), always together."""
        self.patrolled_at = moment
        self.week_start = monday_of(timezone.localdate(moment))


class DutyRecordStatus(models.TextChoices):
    WRITTEN = "written", _("Written, awaiting review")
    REVIEWED = "reviewed", _("Reviewed")


# Written (and edited) by the helpers on duty; the duty leader's review signs it off for good.
DUTY_RECORD_TRANSITIONS: dict[str, frozenset[str]] = {
    DutyRecordStatus.WRITTEN: frozenset({DutyRecordStatus.REVIEWED}),
    DutyRecordStatus.REVIEWED: frozenset(),
}


class DutyRecordQuerySet(CentreScopedQuerySet):
    centre_path = "duty_day__centre"


class DutyRecord(models.Model):
    """The record of one duty day at a centre's help desk (值班记录), written by the helpers on duty (seed 000 二.4)
    and signed off by the day's duty leader, after which it no longer changes."""

    duty_day = models.OneToOneField(DutyDay, on_delete=models.CASCADE, related_name="record")
    content = models.TextField(
        _("record"),
        max_length=text_limits.TEXT,
        help_text=_("Matters received for assist or agency during the duty, how they were handled, handovers"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DutyRecordStatus.choices, default=DutyRecordStatus.WRITTEN
    )
    written_by = fields.user(_("written by"))
    written_at = fields.created_at(_("written at"))
    edited_by = fields.user(_("last edited by"), optional=True, on_delete=models.SET_NULL)
    edited_at = fields.moment(_("last edited at"))
    reviewed_by = fields.user(_("reviewed by"), optional=True, on_delete=models.SET_NULL)
    reviewed_at = fields.moment(_("reviewed at"))
    review_comment = models.CharField(_("review comment"), max_length=text_limits.NOTE, blank=True)

    objects = DutyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-duty_day__day"]
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DutyRecordStatus.WRITTEN, reviewed_at__isnull=True)
                | Q(status=DutyRecordStatus.REVIEWED, reviewed_at__isnull=False),
                name="duty_record_reviewed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty_day.day} {self.duty_day.centre}"

    def get_absolute_url(self) -> str:
        return reverse("rosters:duty-record", args=[self.duty_day_id])

    def allowed_statuses(self) -> frozenset[str]:
        return DUTY_RECORD_TRANSITIONS[self.status]


class DutyRecordRevision(models.Model):
    """One version of a duty record's text as it was saved (the first writing and every edit before review)."""

    record = models.ForeignKey(DutyRecord, on_delete=models.CASCADE, related_name="revisions")
    content = models.TextField(_("record"), max_length=text_limits.TEXT)
    saved_by = fields.user(_("saved by"))
    saved_at = fields.created_at(_("saved at"))

    class Meta:
        ordering = ["saved_at", "pk"]
        verbose_name = _("duty record version")
        verbose_name_plural = _("duty record versions")

    def __str__(self) -> str:
        return f"{self.record} {self.saved_at:%Y-%m-%d %H:%M}"


# --- Events ----------------------------------------------------------------------------------------------


class RosterVerb(models.TextChoices):
    """What can happen to a roster: the closed set of ``RosterEvent.verb``, with what each says in the admin."""

    PLAN_GENERATED = "plan_generated", _("plan generated")
    PLAN_REGENERATED = "plan_regenerated", _("plan generated again")
    ASSIGNMENT_SET = "assignment_set", _("window assignment set")
    ASSIGNMENT_REMOVED = "assignment_removed", _("window assignment removed")
    DUTY_DAY_ADDED = "duty_day_added", _("duty day added")
    DUTY_LEADER_SET = "duty_leader_set", _("duty leader set")
    WEEK_LEADER_SET = "week_leader_set", _("week leader set")
    HELP_AREA_TURN_SET = "help_area_turn_set", _("help-area turn set")
    PLAN_PUBLISHED = "plan_published", _("plan published")
    SUBSTITUTION_FILED = "substitution_filed", _("substitution filed")
    SUBSTITUTION_APPROVED = "substitution_approved", _("substitution approved")
    SUBSTITUTION_REJECTED = "substitution_rejected", _("substitution rejected")
    SUBSTITUTION_WITHDRAWN = "substitution_withdrawn", _("substitution withdrawn")
    SUBSTITUTION_REVERSED = "substitution_reversed", _("substitution reversed")
    UNAVAILABILITY_RECORDED = "unavailability_recorded", _("unavailability recorded")
    UNAVAILABILITY_CANCELLED = "unavailability_cancelled", _("unavailability cancelled")
    CHECKED_IN = "checked_in", _("checked in")
    ABSENTEES_MARKED = "absentees_marked", _("absentees marked")
    DUTY_SUMMARY_FILED = "duty_summary_filed", _("duty summary filed")
    PATROL_RECORDED = "patrol_recorded", _("bureau leader's patrol recorded")
    DUTY_RECORD_WRITTEN = "duty_record_written", _("duty record written")
    DUTY_RECORD_EDITED = "duty_record_edited", _("duty record edited")
    DUTY_RECORD_REVIEWED = "duty_record_reviewed", _("duty record reviewed")


class RosterEvent(CentreEvent):
    """One change to a roster (generated, edited, published, substitution filed or decided, check-in)."""

    verb = verb_field(RosterVerb)
    # A short line beside the plan or substitution it points at; record_event cuts longer text to an excerpt.
    note = models.CharField(_("note"), max_length=300, blank=True)
    plan = models.ForeignKey(RotationPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    substitution = models.ForeignKey(
        Substitution, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    duty_record = models.ForeignKey(DutyRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="events")

    class Meta(CentreEvent.Meta):
        verbose_name = _("roster event")
        verbose_name_plural = _("roster events")


class DeskVersion(models.Model):
    """A centre's roster version, raised with every roster event (rosters.services.common.record_event); the
    citizens' status page keys its cached desk on it (rosters.desks.desk_version).

    A counter, not the newest event's id: ids are taken when a row is inserted, not when it commits, so a change
    that commits after a later-numbered one would leave the newest id unchanged and the cached page stale. The
    counter's row lock makes every raise wait for the one before it to commit, so the version moves in commit order.
    """

    centre = models.OneToOneField(
        "staff.ServiceCentre", primary_key=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("centre")
    )
    number = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("desk version")
        verbose_name_plural = _("desk versions")

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.number}"
