"""Training and tests (F-TRN, seed 000 四): sessions and attendance, the question bank, monthly tests, their scores
and the consequences of a score below the pass mark.

A `TrainingSession` is one weekly, department or ad-hoc training of a centre; its `Attendance` rows are filled
with the centre's full-time helpers when it is planned. `Question`s with their `Option`s form a centre's bank,
each tied to a `Topic` (and often to the session that taught it). A `MonthlyTest` draws each person's questions
from the month's topics into an `Attempt` (`AttemptQuestion` rows keep the draw and the answers). When a test
closes, a score below the pass mark gives a `StudyDay` (written into the rosters' unavailability) and the third
failed test in a row a `Recommendation` to the person's labour-dispatch company. `TrainingNotice` is what a
person is told; `TrainingEvent` records every change.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hallservice.core import fields, job_rows, text_limits
from hallservice.core.centre_events import CentreEvent
from hallservice.core.events import verb_field
from hallservice.core.scoping import CentreScopedQuerySet
from hallservice.core.text_limits import excerpt
from hallservice.core.working_copies import WorkingCopyQuerySet
from requests.causes import FailureCause

# --- Topics ------------------------------------------------------------------------------------------------


class Topic(models.Model):
    """A subject of training and testing (e.g. real-estate registration, service etiquette)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")

    def __str__(self) -> str:
        return self.name


# --- Sessions and attendance ---------------------------------------------------------------------------------


class SessionKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly training")
    DEPARTMENT = "department", _("Department short training")
    AD_HOC = "ad_hoc", _("Ad-hoc training")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# A planned session is held (attendance closed) or cancelled; a held session's attendance may still be corrected.
SESSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.PLANNED: frozenset({SessionStatus.HELD, SessionStatus.CANCELLED}),
    SessionStatus.HELD: frozenset(),
    SessionStatus.CANCELLED: frozenset(),
}


class TrainingSessionQuerySet(CentreScopedQuerySet):
    centre_path = "centre"

    def in_month(self, month) -> TrainingSessionQuerySet:
        return self.filter(starts_at__year=month.year, starts_at__month=month.month)

    def not_cancelled(self) -> TrainingSessionQuerySet:
        return self.exclude(status=SessionStatus.CANCELLED)


class TrainingSession(models.Model):
    """One training of a centre's helpers: when, on what, by whom, with its content and materials."""

    centre = fields.centre(related_name="training_sessions")
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("location"), max_length=100, blank=True)
    trainer_name = models.CharField(_("trainer"), max_length=50)
    trainer = fields.staff_member(
        _("trainer (staff record)"), on_delete=models.SET_NULL, optional=True, related_name="sessions_trained"
    )
    # The department holding a short training in the hall (seed 000 四.1); required for that kind only.
    department = fields.department(optional=True, related_name="training_sessions")
    content = models.TextField(
        _("content"),
        max_length=text_limits.LONG_TEXT,
        blank=True,
        help_text=_("What was taught: the test draws on it"),
    )
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = fields.user(on_delete=models.SET_NULL, null=True)
    created_at = fields.created_at(_("created at"))

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SessionKind.DEPARTMENT, department__isnull=False) | ~Q(kind=SessionKind.DEPARTMENT),
                name="training_department_session_has_department",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10, duration_minutes__lte=600), name="training_session_duration"
            ),
        ]
        permissions = [
            ("manage_sessions", _("Can plan trainings and record attendance")),
            ("add_department_session", _("Can add short trainings of their own department")),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("training:session-detail", args=[self.pk])

    def allowed_statuses(self) -> frozenset[str]:
        return SESSION_TRANSITIONS[self.status]


class SessionMaterial(models.Model):
    """A file handed out at a training (slides, a regulation, a checklist)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=120)
    file = models.FileField(_("file"), upload_to="training/materials/%Y/%m/")
    uploaded_by = fields.user(on_delete=models.SET_NULL, null=True)
    uploaded_at = fields.created_at(_("uploaded at"))

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:material", args=[self.pk])


class AttendanceStatus(models.TextChoices):
    PENDING = "pending", _("Not recorded")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceQuerySet(CentreScopedQuerySet):
    centre_path = "session__centre"


class Attendance(models.Model):
    """Whether one person was at one training; `required` rows were filled in when the session was planned."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    staff = fields.staff_member(on_delete=models.CASCADE, related_name="training_attendance")
    required = models.BooleanField(_("required"), default=True)
    status = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PENDING
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = fields.user(on_delete=models.SET_NULL, optional=True)
    recorded_at = fields.moment(_("recorded at"))

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "staff__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="training_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} {self.staff} {self.get_status_display()}"


# --- Question bank -----------------------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionQuerySet(CentreScopedQuerySet):
    centre_path = "centre"

    def active(self) -> QuestionQuerySet:
        return self.filter(is_active=True)

    def for_centre(self, centre) -> QuestionQuerySet:
        """A centre's bank: its own questions and those of the centres above it (the district's bank is shared)."""
        ids = [centre.pk, *(c.pk for c in centre.ancestors())]
        return self.filter(centre_id__in=ids)


class Question(models.Model):
    """A test question from the training content, with its explanation; deactivated rather than deleted once used."""

    centre = fields.centre(related_name="training_questions")
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="questions")
    session = fields.optional_reference(
        TrainingSession, _("training session"), on_delete=models.SET_NULL, related_name="questions"
    )
    text = models.TextField(_("question"), max_length=text_limits.TEXT)
    # Variants of one question (e.g. "…（变式2）") share a group within their topic: a paper holds one of them.
    variant_group = models.CharField(
        _("variant group"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Questions of one topic with the same variant group are variants of one question: a paper holds at most one of them."
        ),
    )
    explanation = models.TextField(_("explanation"), max_length=text_limits.TEXT, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = fields.user(on_delete=models.SET_NULL, null=True)
    created_at = fields.created_at(_("created at"))

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["centre", "topic", "is_active"], name="training_question_pool")]
        permissions = [("manage_bank", _("Can keep the question bank"))]

    def __str__(self) -> str:
        return excerpt(self.text, 60)

    def get_absolute_url(self) -> str:
        return reverse("training:question-edit", args=[self.pk])


class Option(models.Model):
    """One answer option of a question; `is_correct` never leaves the server before the person has submitted."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("text"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="training_option_position")]

    def __str__(self) -> str:
        return f"{self.letter}. {self.text}"

    @property
    def letter(self) -> str:
        return "ABCDEFGH"[self.position - 1] if 1 <= self.position <= 8 else str(self.position)


# --- Monthly tests ---------------------------------------------------------------------------------------------


class MonthlyTestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


# A draft is edited freely, then published (people may take it inside its window); closing grades what is left
# and applies the consequences.
MONTHLY_TEST_TRANSITIONS: dict[str, frozenset[str]] = {
    MonthlyTestStatus.DRAFT: frozenset({MonthlyTestStatus.PUBLISHED}),
    MonthlyTestStatus.PUBLISHED: frozenset({MonthlyTestStatus.CLOSED}),
    MonthlyTestStatus.CLOSED: frozenset(),
}


class MonthlyTestQuerySet(WorkingCopyQuerySet):
    centre_path = "centre"
    # Drafts are the supervision section's working copy; everyone else sees published and closed tests.
    edit_permission = "training.manage_tests"
    shown_to_all = ~Q(status=MonthlyTestStatus.DRAFT)


class MonthlyTest(models.Model):
    """A centre's test of one month: how many questions, per-topic quotas, opening window and time limit."""

    centre = fields.centre(related_name="training_tests")
    month = models.DateField(_("month"), help_text=_("The first day of the month whose training is tested"))
    title = models.CharField(_("title"), max_length=120)
    question_count = models.PositiveSmallIntegerField(_("number of questions"))
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"), max_length=10, choices=MonthlyTestStatus.choices, default=MonthlyTestStatus.DRAFT
    )
    published_at = fields.moment(_("published at"))
    closed_at = fields.moment(_("closed at"))
    consequences_applied_at = fields.moment(_("consequences applied at"))
    created_by = fields.user(on_delete=models.SET_NULL, null=True)
    created_at = fields.created_at(_("created at"))

    objects = MonthlyTestQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "centre"]
        verbose_name = _("monthly test")
        verbose_name_plural = _("monthly tests")
        constraints = [
            models.UniqueConstraint(fields=["centre", "month"], name="training_test_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="training_test_month_is_first_day"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="training_test_window"),
            models.CheckConstraint(condition=Q(question_count__gte=1), name="training_test_has_questions"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="training_test_has_time"),
        ]
        permissions = [
            ("manage_tests", _("Can set, publish and close monthly tests")),
            ("view_training_reports", _("Can see training reports of the centre")),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.centre} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("training:test-detail", args=[self.pk])

    def allowed_statuses(self) -> frozenset[str]:
        return MONTHLY_TEST_TRANSITIONS[self.status]

    def is_open_at(self, moment) -> bool:
        return self.status == MonthlyTestStatus.PUBLISHED and self.opens_at <= moment < self.closes_at


class TopicQuota(models.Model):
    """Exactly this many questions of a topic in every draw of a test; the rest come from the month's other topics."""

    test = models.ForeignKey(MonthlyTest, on_delete=models.CASCADE, related_name="quotas")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("questions"))

    class Meta:
        ordering = ["test", "topic__name"]
        verbose_name = _("topic quota")
        verbose_name_plural = _("topic quotas")
        constraints = [
            models.UniqueConstraint(fields=["test", "topic"], name="training_quota_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="training_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} × {self.count}"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Time ran out")
    MISSED = "missed", _("Not taken")
    # Not a fail: 已免考, not the attendance's 请假 (the person may have been away for another reason).
    EXCUSED = "excused", pgettext_lazy("test paper", "Excused")


# In progress until submitted or the time runs out; "missed" and "excused" are created final when a test closes
# (excused: the rosters record leave or off-post study over the whole window) or when a supervisor excuses
# someone beforehand.
ATTEMPT_TRANSITIONS: dict[str, frozenset[str]] = {
    AttemptStatus.IN_PROGRESS: frozenset({AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED}),
    AttemptStatus.SUBMITTED: frozenset(),
    AttemptStatus.EXPIRED: frozenset(),
    AttemptStatus.MISSED: frozenset(),
    AttemptStatus.EXCUSED: frozenset(),
}
GRADED_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED, AttemptStatus.MISSED)


class AttemptQuerySet(CentreScopedQuerySet):
    centre_path = "test__centre"

    def restrict(self, user, *, via: str | None = None) -> AttemptQuerySet:
        """Managers and report readers see their centres' attempts; everyone sees their own."""
        member = getattr(user, "staff_member", None)
        own = Q(staff_id=member.pk) if member is not None else Q(pk__in=[])
        if user.has_perm("training.manage_tests") or user.has_perm("training.view_training_reports"):
            centres = self.centre_q(user, via=via)
            if not centres:  # every centre (an admin): an empty Q OR'ed with ``own`` would narrow to their own
                return self.all()
            return self.filter(centres | own)
        return self.filter(own)

    def graded(self) -> AttemptQuerySet:
        return self.filter(status__in=GRADED_STATUSES)

    def with_result(self) -> AttemptQuerySet:
        """Graded papers and excused ones: every test a person is through with, pass, fail or excused."""
        return self.filter(status__in=(*GRADED_STATUSES, AttemptStatus.EXCUSED))


class Attempt(models.Model):
    """One person's sitting of a monthly test: the seed of their draw, the time limit, and the grade."""

    test = models.ForeignKey(MonthlyTest, on_delete=models.PROTECT, related_name="attempts")
    staff = fields.staff_member(related_name="training_attempts")
    status = models.CharField(
        _("status"), max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    # The draw is random but reproducible: the same seed and bank give the same questions in the same order.
    seed = models.BigIntegerField(_("seed"), default=0)
    started_at = fields.moment(_("started at"))
    deadline = fields.moment(_("time is up at"))
    finished_at = fields.moment(_("finished at"))
    correct_count = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["test", "staff__name"]
        verbose_name = _("test attempt")
        verbose_name_plural = _("test attempts")
        constraints = [
            # One sitting per person and test: a second start returns the first, a second submission is refused.
            models.UniqueConstraint(fields=["test", "staff"], name="training_attempt_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="training_score_range"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=GRADED_STATUSES) | Q(score__isnull=False, passed__isnull=False),
                name="training_graded_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.test} {self.staff}"

    def get_absolute_url(self) -> str:
        return reverse("training:attempt", args=[self.pk])

    @property
    def is_graded(self) -> bool:
        return self.status in GRADED_STATUSES

    @property
    def in_progress(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptQuestion(models.Model):
    """One question of a person's draw, the order its options were shown in, and the options the person chose."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    option_order = models.JSONField(_("option order"), default=list)
    chosen = models.JSONField(_("chosen options"), default=list)
    answered_at = fields.moment(_("answered at"))
    is_correct = models.BooleanField(_("correct"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("drawn question")
        verbose_name_plural = _("drawn questions")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="training_draw_no_duplicates"),
            models.UniqueConstraint(fields=["attempt", "position"], name="training_draw_position"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} #{self.position}"


# --- Consequences ------------------------------------------------------------------------------------------


class StudyDay(models.Model):
    """The day of off-post study a score below the pass mark gives (seed 000 四.2); also in the rosters."""

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="study_day")
    staff = fields.staff_member(related_name="study_days")
    day = models.DateField(_("day"))
    # The rosters' record of the day; written through rosters.services.unavailability_record only.
    unavailability = models.ForeignKey(
        "rosters.Unavailability", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = fields.created_at(_("created at"))

    class Meta:
        ordering = ["-day", "staff"]
        verbose_name = _("off-post study day")
        verbose_name_plural = _("off-post study days")

    def __str__(self) -> str:
        return f"{self.staff} {self.day}"


class RecommendationStatus(models.TextChoices):
    DRAFTED = "drafted", _("Letter ready")
    SENT = "sent", _("Sent to the company")


RECOMMENDATION_TRANSITIONS: dict[str, frozenset[str]] = {
    RecommendationStatus.DRAFTED: frozenset({RecommendationStatus.SENT}),
    RecommendationStatus.SENT: frozenset(),
}


class RecommendationQuerySet(CentreScopedQuerySet):
    centre_path = "staff__centre"


class Recommendation(models.Model):
    """A recommendation to a labour-dispatch company after three failed monthly tests in a row (seed 000 四.2)."""

    staff = fields.staff_member(related_name="recommendations")
    # The third failed test of the run; running the consequences again finds this row.
    test = models.ForeignKey(MonthlyTest, verbose_name=_("test"), on_delete=models.PROTECT, related_name="+")
    company = models.CharField(_("labour-dispatch company"), max_length=100, blank=True)
    # The failed months, oldest first: [{"month": "2026-10", "score": "72.50", "test": 3}, …]
    months = models.JSONField(_("failed months"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAFTED
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_by = fields.user(on_delete=models.SET_NULL, optional=True)
    created_at = fields.created_at(_("created at"))

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recommendation to the dispatch company")
        verbose_name_plural = _("recommendations to dispatch companies")
        constraints = [models.UniqueConstraint(fields=["staff", "test"], name="training_recommendation_once")]

    def __str__(self) -> str:
        return f"{self.staff} {self.test.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("training:recommendations")


# --- Notices and events --------------------------------------------------------------------------------------


class NoticeKind(models.TextChoices):
    SESSION = "session", _("Training")
    TEST = "test", _("Monthly test")
    STUDY_DAY = "study_day", _("Off-post study")
    RECOMMENDATION = "recommendation", _("Recommendation")


class TrainingNotice(models.Model):
    """A message to one person: a training to attend, a test to take, a study day, a recommendation."""

    staff = fields.staff_member(on_delete=models.CASCADE, related_name="training_notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    # What the notice is about, e.g. "session:12" or "study:40": the same notice is never written twice.
    key = models.CharField(_("key"), max_length=40)
    created_at = fields.created_at(_("created at"))
    read_at = fields.moment(_("read at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("training notice")
        verbose_name_plural = _("training notices")
        constraints = [models.UniqueConstraint(fields=["staff", "key"], name="training_notice_once")]

    def __str__(self) -> str:
        return self.text


# --- Proposals from complaints and poor ratings ----------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", pgettext_lazy("training proposal", "Accepted")
    DISMISSED = "dismissed", _("Dismissed")


# A proposal is decided once: accepted (topic and draft questions in the bank) or dismissed with a reason.
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.PROPOSED: frozenset({ProposalStatus.ACCEPTED, ProposalStatus.DISMISSED}),
    ProposalStatus.ACCEPTED: frozenset(),
    ProposalStatus.DISMISSED: frozenset(),
}


class TrainingProposal(models.Model):
    """A training topic and draft questions proposed by the cause of an upheld complaint or a poor rating
    (training.services.proposals), for the supervision section to accept into the bank or dismiss.

    One per source: ``complaint`` or ``evaluation``, exactly one of them. ``case`` and ``questions`` are written
    from the case without personal data (no citizen's name, phone, ID number or address).
    """

    centre = fields.centre(related_name="training_proposals")
    complaint = models.OneToOneField(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_proposal",
    )
    evaluation = models.OneToOneField(
        "requests.Evaluation",
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_proposal",
    )
    cause = models.CharField(_("cause"), max_length=20, choices=FailureCause.choices)
    case = models.TextField(_("case"), max_length=text_limits.TEXT)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("The existing topic proposed, or the topic created on acceptance"),
    )
    topic_name = models.CharField(_("proposed topic"), max_length=60)
    questions = models.JSONField(_("draft questions"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, db_index=True
    )
    created_at = fields.created_at(_("proposed at"))
    decided_by = fields.user(on_delete=models.SET_NULL, optional=True)
    decided_at = fields.moment(_("decided at"))
    dismiss_reason = models.CharField(_("reason for dismissing"), max_length=200, blank=True)

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("training proposal")
        verbose_name_plural = _("training proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, evaluation__isnull=True)
                | Q(complaint__isnull=True, evaluation__isnull=False),
                name="training_proposal_one_source",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.DISMISSED) | ~Q(dismiss_reason=""),
                name="training_proposal_dismissed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_name} ({self.get_cause_display()})"

    def allowed_statuses(self) -> frozenset[str]:
        return PROPOSAL_TRANSITIONS[self.status]

    @property
    def source_label(self) -> str:
        """The complaint's or the request's number, which the section looks up for the whole case."""
        if self.complaint_id:
            return self.complaint.number
        return self.evaluation.request.number


class TrainingVerb(models.TextChoices):
    """What can happen in training: the closed set of ``TrainingEvent.verb``, with what each says on the pages."""

    SESSION_PLANNED = "session_planned", _("training planned")
    SESSION_EDITED = "session_edited", _("training edited")
    SESSION_HELD = "session_held", _("training held")
    SESSION_CANCELLED = "session_cancelled", _("training cancelled")
    ATTENDEE_ADDED = "attendee_added", _("attendee added")
    ATTENDANCE_RECORDED = "attendance_recorded", _("attendance recorded")
    MATERIAL_ADDED = "material_added", _("material attached")
    QUESTION_ADDED = "question_added", _("question added")
    QUESTION_EDITED = "question_edited", _("question edited")
    QUESTION_ACTIVATED = "question_activated", _("question activated")
    QUESTION_DEACTIVATED = "question_deactivated", _("question deactivated")
    QUESTION_DELETED = "question_deleted", _("question deleted")
    QUESTIONS_IMPORTED = "questions_imported", _("questions imported")
    TEST_SET = "test_set", _("test set")
    TEST_EDITED = "test_edited", _("test edited")
    TEST_PUBLISHED = "test_published", _("test published")
    TEST_CLOSED = "test_closed", _("test closed")
    ATTEMPT_STARTED = "attempt_started", _("paper started")
    ATTEMPT_SUBMITTED = "attempt_submitted", _("paper handed in")
    ATTEMPT_EXPIRED = "attempt_expired", _("paper graded when the time ran out")
    ATTEMPT_EXCUSED = "attempt_excused", _("excused from the test")
    CONSEQUENCES_APPLIED = "consequences_applied", _("consequences applied")
    RECOMMENDATION_SENT = "recommendation_sent", _("recommendation sent")
    PROPOSAL_MADE = "proposal_made", _("training proposed from a complaint or a poor rating")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("training proposal accepted")
    PROPOSAL_DISMISSED = "proposal_dismissed", _("training proposal dismissed")
    SKILL_GAP_PLANNED = "skill_gap_planned", _("training decided for a skill gap")


class TrainingEvent(CentreEvent):
    """One change in the training app: a session planned or held, a question imported, a test closed, …"""

    verb = verb_field(TrainingVerb)
    # A short line beside the session or test it points at; record_event cuts longer text to an excerpt.
    note = models.CharField(_("note"), max_length=300, blank=True)
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    test = models.ForeignKey(MonthlyTest, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    proposal = models.ForeignKey(
        TrainingProposal, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta(CentreEvent.Meta):
        verbose_name = _("training event")
        verbose_name_plural = _("training events")


ImportStatus = job_rows.job_statuses("ImportStatus", module=__name__, running=_("Importing"))


class QuestionImport(job_rows.RequestedJob):
    """A large question-bank spreadsheet imported in the background (training.services.imports); the row is the
    outbox (hallservice/core/outbox.py) and the uploaded file stays in MEDIA storage until the import has run."""

    file = models.FileField(_("file"), upload_to="question-imports/")
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    status = job_rows.status_field(ImportStatus)
    created_count = models.PositiveIntegerField(_("questions added"), default=0)
    skipped_count = models.PositiveIntegerField(_("already in the bank"), default=0)
    row_errors = models.JSONField(_("rows at fault"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    enqueued_at = fields.moment()
    heartbeat_at = fields.moment()

    class Meta(job_rows.RequestedJob.Meta):
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")

    def __str__(self) -> str:
        return f"{self.centre} {self.filename}"
