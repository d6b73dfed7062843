"""REST API of the training app under /api/v1/training/ (DRF + django-filter + drf-spectacular).

Serializers check the shape of the input; the services decide. Another centre's object is a 404 (querysets are
scoped), a missing permission a 403, an action the state does not allow a 409, bad input a 400 with field
messages (the project's exception handler maps the services' errors). A paper never carries its correct options,
whether each answer was right or the explanations before it is graded and its test has closed for everyone
(`selectors.attempt_paper`, `selectors.review_is_open`): until then colleagues may still be taking the test.
"""

from __future__ import annotations

from datetime import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from hallservice.core.api import MonthOfFilter, enum_field, require_perm, validated
from hallservice.core.api_inputs import visible_id
from hallservice.core.idempotency import IdempotentCreateMixin
from hallservice.core.months import next_month
from hallservice.core.query_params import MonthField
from requests.causes import FailureCause
from staff.selectors import visible_centres

from . import selectors
from . import services as svc
from .models import (
    Attempt,
    AttemptStatus,
    Attendance,
    AttendanceStatus,
    MonthlyTest,
    MonthlyTestStatus,
    ProposalStatus,
    Question,
    QuestionKind,
    SessionKind,
    SessionStatus,
    TrainingProposal,
    TrainingSession,
)

SessionKindField = enum_field(SessionKind, "TrainingSessionKindEnum")
SessionStatusField = enum_field(SessionStatus, "TrainingSessionStatusEnum")
AttendanceStatusField = enum_field(AttendanceStatus, "TrainingAttendanceStatusEnum")
QuestionKindField = enum_field(QuestionKind, "TrainingQuestionKindEnum")
MonthlyTestStatusField = enum_field(MonthlyTestStatus, "TrainingTestStatusEnum")
AttemptStatusField = enum_field(AttemptStatus, "TrainingPaperStatusEnum")
ProposalStatusField = enum_field(ProposalStatus, "TrainingProposalStatusEnum")
FailureCauseField = enum_field(FailureCause, "TrainingProposalCauseEnum")


class HasPerm(permissions.BasePermission):
    """The view's `required_perm` for every method (the bank is for the supervision section only)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(view.required_perm))


def _reader(user) -> bool:
    return any(
        user.has_perm(p)
        for p in ("training.manage_sessions", "training.manage_tests", "training.view_training_reports")
    )


# --- Sessions and attendance -------------------------------------------------------------------------------


class AttendanceOutput(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    status = AttendanceStatusField(read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "session", "staff", "staff_name", "required", "status", "note", "recorded_at"]


class SessionOutput(serializers.ModelSerializer):
    kind = SessionKindField(read_only=True)
    status = SessionStatusField(read_only=True)
    topic_name = serializers.CharField(source="topic.name", read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "centre",
            "kind",
            "topic",
            "topic_name",
            "title",
            "starts_at",
            "duration_minutes",
            "location",
            "trainer_name",
            "department",
            "content",
            "status",
            "cancel_reason",
        ]


class SessionInput(serializers.Serializer):
    centre = serializers.IntegerField(source="centre_id")
    kind = SessionKindField(default=SessionKind.WEEKLY)
    topic = serializers.IntegerField(source="topic_id")
    title = serializers.CharField(max_length=120)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(default=60)
    location = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    trainer_name = serializers.CharField(max_length=50)
    department = serializers.IntegerField(source="department_id", required=False, allow_null=True, default=None)
    content = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceInput(serializers.Serializer):
    marks = serializers.DictField(child=AttendanceStatusField(), help_text="staff id → present, absent or excused")
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class SessionFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(method="filter_month", help_text="Any day of the month")
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices)
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)

    class Meta:
        model = TrainingSession
        fields = ["centre", "kind", "status", "topic", "month"]

    def filter_month(self, queryset, name, value):
        return queryset.in_month(value)


class TrainingSessionViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Trainings of the user's centres; planning and attendance need the supervision section's permission
    (department users plan their department's short trainings)."""

    serializer_class = SessionOutput
    filterset_class = SessionFilter

    def get_queryset(self):
        return TrainingSession.objects.restrict(self.request.user).select_related("topic").order_by("-starts_at")

    @extend_schema(request=SessionInput, responses={201: SessionOutput})
    def create(self, request):
        require_perm(request.user, "training.manage_sessions", "training.add_department_session")
        d = validated(SessionInput, request.data)
        d["centre_id"] = visible_id(visible_centres(request.user), d["centre_id"], field="centre")
        session = svc.session_create(actor=request.user, **d)
        return Response(SessionOutput(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], request=None, responses=AttendanceOutput(many=True))
    @extend_schema(methods=["post"], request=AttendanceInput, responses=AttendanceOutput(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def attendance(self, request, pk=None):
        session = self.get_object()
        if request.method == "POST":
            svc.session_manager_check(actor=request.user, session=session)
            data = validated(AttendanceInput, request.data)
            marks = {_int_key(k): v for k, v in data["marks"].items()}
            notes = {_int_key(k): v for k, v in data["notes"].items()}
            svc.attendance_record(actor=request.user, session_id=session.pk, marks=marks, notes=notes)
        rows = session.attendance.select_related("staff").order_by("staff__name")
        return Response(AttendanceOutput(rows, many=True).data)

    @extend_schema(request=None, responses=SessionOutput)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return Response(SessionOutput(svc.session_complete(actor=request.user, session_id=self.get_object().pk)).data)

    @extend_schema(request=CancelInput, responses=SessionOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        # The training first (another centre's is a 404), who may cancel it next, the input last.
        session = self.get_object()
        svc.session_manager_check(actor=request.user, session=session)
        data = validated(CancelInput, request.data)
        session = svc.session_cancel(actor=request.user, session_id=session.pk, reason=data["reason"])
        return Response(SessionOutput(session).data)


def _int_key(key) -> int:
    try:
        return int(key)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"marks": ["Staff ids are numbers."]}) from exc


class AttendanceFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(method="filter_month", help_text="Any day of the month")
    status = django_filters.ChoiceFilter(choices=AttendanceStatus.choices)

    class Meta:
        model = Attendance
        fields = ["session", "staff", "status", "month"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(session__starts_at__year=value.year, session__starts_at__month=value.month)


class TrainingAttendanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Attendance marks: the supervision section sees its centres', everyone else their own."""

    serializer_class = AttendanceOutput
    filterset_class = AttendanceFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attendance.objects.none()
        user = self.request.user
        qs = Attendance.objects.select_related("staff").order_by("-session__starts_at", "staff__name")
        if _reader(user):
            return qs.restrict(user)
        return qs.filter(staff__user=user)


# --- Question bank -------------------------------------------------------------------------------------------


class OptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    letter = serializers.CharField()
    text = serializers.CharField()
    is_correct = serializers.BooleanField()


class QuestionOutput(serializers.ModelSerializer):
    kind = QuestionKindField(read_only=True)
    options = OptionOutput(many=True, read_only=True)
    topic_name = serializers.CharField(source="topic.name", read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "centre",
            "kind",
            "topic",
            "topic_name",
            "session",
            "text",
            "options",
            "explanation",
            "difficulty",
            "is_active",
        ]


class QuestionInput(serializers.Serializer):
    centre = serializers.IntegerField(required=False, help_text="On create: whose bank")
    kind = QuestionKindField()
    topic = serializers.IntegerField(required=False, allow_null=True, default=None)
    session = serializers.IntegerField(required=False, allow_null=True, default=None)
    text = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, default=list)
    correct = serializers.ListField(
        child=serializers.IntegerField(min_value=0), help_text="0-based positions of the correct options"
    )
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    difficulty = serializers.IntegerField(required=False, default=2)
    is_active = serializers.BooleanField(required=False)


class QuestionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=QuestionKind.choices)

    class Meta:
        model = Question
        fields = ["centre", "topic", "session", "kind", "is_active"]


class QuestionViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """The question bank, with the correct options: for the supervision section only."""

    permission_classes = [HasPerm]
    required_perm = "training.manage_bank"
    serializer_class = QuestionOutput
    filterset_class = QuestionFilter
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        return (
            Question.objects.restrict(self.request.user)
            .select_related("topic")
            .prefetch_related("options")
            .order_by("topic__name", "pk")
        )

    def _input(self, request) -> dict:
        data = validated(QuestionInput, request.data)
        d = dict(data)
        return {
            "kind": d["kind"],
            "text": d["text"],
            "options": d["options"],
            "correct": d["correct"],
            "topic_id": d["topic"],
            "session_id": d["session"],
            "explanation": d["explanation"],
            "difficulty": d["difficulty"],
        }, d

    @extend_schema(request=QuestionInput, responses={201: QuestionOutput})
    def create(self, request):
        fields, raw = self._input(request)
        member = getattr(request.user, "staff_member", None)
        centre_id = raw.get("centre") or (member.centre_id if member else None)
        if centre_id is None:
            raise ValidationError({"centre": ["Choose whose bank."]})
        question = svc.question_create(
            actor=request.user,
            centre_id=visible_id(visible_centres(request.user), centre_id, field="centre"),
            **fields,
        )
        return Response(QuestionOutput(self.get_queryset().get(pk=question.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=QuestionInput, responses=QuestionOutput)
    def update(self, request, pk=None):
        question = self.get_object()
        fields, raw = self._input(request)
        svc.question_update(actor=request.user, question_id=question.pk, **fields)
        if "is_active" in raw:
            svc.question_set_active(actor=request.user, question_id=question.pk, active=raw["is_active"])
        return Response(QuestionOutput(self.get_queryset().get(pk=question.pk)).data)

    @extend_schema(responses={204: None, 200: QuestionOutput})
    def destroy(self, request, pk=None):
        """Deletes a question nobody has drawn; a used question is deactivated instead (200 with it)."""
        question = self.get_object()
        if svc.question_delete(actor=request.user, question_id=question.pk):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(QuestionOutput(self.get_queryset().get(pk=question.pk)).data)


# --- Tests, papers, scores -----------------------------------------------------------------------------------


class MonthlyTestOutput(serializers.ModelSerializer):
    status = MonthlyTestStatusField(read_only=True)
    quotas = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyTest
        fields = [
            "id",
            "centre",
            "month",
            "title",
            "question_count",
            "time_limit_minutes",
            "opens_at",
            "closes_at",
            "status",
            "quotas",
            "closed_at",
            "consequences_applied_at",
        ]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_quotas(self, obj) -> dict:
        return {str(t): n for t, n in obj.quotas.values_list("topic_id", "count")}


class MonthlyTestInput(serializers.Serializer):
    centre = serializers.IntegerField(source="centre_id")
    month = serializers.DateField(help_text="Any day of the month")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    question_count = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    quotas = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False, default=dict)


class OptionShown(serializers.Serializer):
    id = serializers.IntegerField()
    letter = serializers.CharField()
    text = serializers.CharField()
    chosen = serializers.BooleanField()
    correct = serializers.BooleanField(
        required=False, help_text="Only once the paper is graded and the test has closed for everyone"
    )


class PaperQuestion(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    topic = serializers.CharField()
    options = OptionShown(many=True)
    answered = serializers.BooleanField()
    is_correct = serializers.BooleanField(
        required=False, help_text="Only once the paper is graded and the test has closed for everyone"
    )
    explanation = serializers.CharField(
        required=False, help_text="Only once the paper is graded and the test has closed for everyone"
    )


class PaperOutput(serializers.ModelSerializer):
    status = AttemptStatusField(read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    questions = serializers.SerializerMethodField()
    review_open = serializers.SerializerMethodField(
        help_text="Whether the correct answers and explanations are shown: once the test has closed for everyone"
    )
    review_opens_at = serializers.SerializerMethodField(help_text="When the review opens")

    class Meta:
        model = Attempt
        fields = [
            "id",
            "test",
            "staff",
            "staff_name",
            "status",
            "started_at",
            "deadline",
            "finished_at",
            "correct_count",
            "score",
            "passed",
            "review_open",
            "review_opens_at",
            "questions",
        ]

    @extend_schema_field(PaperQuestion(many=True))
    def get_questions(self, obj) -> list:
        return selectors.attempt_paper(obj, now=self._now())

    def get_review_open(self, obj) -> bool:
        return obj.is_graded and selectors.review_is_open(obj.test, self._now())

    @extend_schema_field(serializers.DateTimeField())
    def get_review_opens_at(self, obj) -> str:
        return serializers.DateTimeField().to_representation(selectors.review_opens_at(obj.test))

    def _now(self) -> datetime:
        # One moment for the whole response: the flag and the questions must agree.
        if "now" not in self.context:
            self.context["now"] = timezone.now()
        return self.context["now"]


class AnswerInput(serializers.Serializer):
    question = serializers.IntegerField()
    options = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class SubmitInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), allow_empty=True),
        required=False,
        help_text="question id → chosen option ids; the answers saved before count for the rest",
    )


class MonthlyTestFilter(django_filters.FilterSet):
    month = MonthOfFilter(help_text="Any day of the month")
    status = django_filters.ChoiceFilter(choices=MonthlyTestStatus.choices)

    class Meta:
        model = MonthlyTest
        fields = ["centre", "status", "month"]


class MonthlyTestViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly tests of the user's centres (drafts only for the supervision section); `start` draws a paper."""

    serializer_class = MonthlyTestOutput
    filterset_class = MonthlyTestFilter

    def get_queryset(self):
        return MonthlyTest.objects.restrict(self.request.user).order_by("-month", "centre")

    @extend_schema(request=MonthlyTestInput, responses={201: MonthlyTestOutput})
    def create(self, request):
        require_perm(request.user, "training.manage_tests")
        d = validated(MonthlyTestInput, request.data)
        d["centre_id"] = visible_id(visible_centres(request.user), d["centre_id"], field="centre")
        d["quotas"] = {_int_key(k): v for k, v in d["quotas"].items()}
        test = svc.monthly_test_create(actor=request.user, **d)
        return Response(MonthlyTestOutput(test).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MonthlyTestOutput)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return Response(
            MonthlyTestOutput(svc.monthly_test_publish(actor=request.user, test_id=self.get_object().pk)).data
        )

    @extend_schema(request=None, responses=MonthlyTestOutput)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(
            MonthlyTestOutput(svc.monthly_test_close(actor=request.user, test_id=self.get_object().pk)).data
        )

    @extend_schema(request=None, responses={201: PaperOutput, 200: PaperOutput})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """201 with the paper drawn now; 200 with the same paper when it was started before (issue 20, item 9)."""
        paper, drawn = svc.attempt_start_or_resume(actor=request.user, test_id=self.get_object().pk)
        return Response(PaperOutput(paper).data, status=status.HTTP_201_CREATED if drawn else status.HTTP_200_OK)


class PaperViewSet(viewsets.ReadOnlyModelViewSet):
    """Test papers: one's own, and the graded papers of the centres a supervisor sees."""

    serializer_class = PaperOutput
    filterset_fields = ["test", "staff", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        user = self.request.user
        qs = Attempt.objects.restrict(user).select_related("staff", "test")
        # Someone else's paper in progress is nobody's business until it is handed in.
        return qs.filter(Q(staff__user=user) | ~Q(status=AttemptStatus.IN_PROGRESS)).order_by("-test__month", "pk")

    @extend_schema(request=AnswerInput, responses={200: None})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        # The paper first (one the user may not see is a 404; a graded paper of someone else a 403), then the input.
        paper = self.get_object()
        if paper.staff.user_id != request.user.pk:
            raise PermissionDenied()
        data = validated(AnswerInput, request.data)
        row = svc.attempt_answer(
            actor=request.user,
            attempt_id=paper.pk,
            question_id=data["question"],
            option_ids=data["options"],
        )
        return Response({"question": row.question_id, "options": row.chosen, "saved_at": row.answered_at})

    @extend_schema(request=SubmitInput, responses=PaperOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = validated(SubmitInput, request.data)
        answers = {_int_key(k): v for k, v in data.get("answers", {}).items()}
        paper = svc.attempt_submit(actor=request.user, attempt_id=self.get_object().pk, answers=answers or None)
        return Response(PaperOutput(paper).data)


class ScoreOutput(serializers.ModelSerializer):
    status = AttemptStatusField(read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    centre = serializers.IntegerField(source="test.centre_id", read_only=True)
    month = serializers.DateField(source="test.month", read_only=True)
    study_day = serializers.DateField(source="study_day.day", read_only=True, default=None, allow_null=True)
    excused = serializers.SerializerMethodField(
        help_text="Excused (on leave or off-post study over the whole test window, or excused by the supervision "
        "section): no score, not a fail"
    )

    class Meta:
        model = Attempt
        fields = [
            "id",
            "test",
            "centre",
            "month",
            "staff",
            "staff_name",
            "status",
            "score",
            "passed",
            "excused",
            "note",
            "study_day",
        ]

    def get_excused(self, obj) -> bool:
        return obj.status == AttemptStatus.EXCUSED


class ScoreFilter(django_filters.FilterSet):
    month = MonthOfFilter(field_name="test__month", help_text="Any day of the month")
    centre = django_filters.NumberFilter(field_name="test__centre")
    passed = django_filters.BooleanFilter()

    class Meta:
        model = Attempt
        fields = ["test", "staff", "centre", "month", "passed"]


class ScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Graded and excused papers: one's own, or the centres' for report readers. An excused paper has no score
    and `passed` null: it is not a fail."""

    serializer_class = ScoreOutput
    filterset_class = ScoreFilter

    def get_queryset(self):
        return (
            Attempt.objects.restrict(self.request.user)
            .with_result()
            .select_related("staff", "test", "study_day")
            .order_by("-test__month", "staff__name")
        )


# --- Training proposals from complaints and poor ratings ------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-11"})
class MonthFilter(django_filters.Filter):
    """``?month=YYYY-MM``: the proposals made in that month (the hall's time)."""

    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(created_at__date__gte=value, created_at__date__lt=next_month(value))


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    cause = django_filters.ChoiceFilter(choices=FailureCause.choices)
    month = MonthFilter()

    class Meta:
        model = TrainingProposal
        fields = ["status", "cause", "month"]


class ProposalOutput(serializers.ModelSerializer):
    source = serializers.SerializerMethodField()
    source_number = serializers.CharField(source="source_label", read_only=True)
    cause = FailureCauseField(read_only=True)
    status = ProposalStatusField(read_only=True)
    questions = serializers.ListField(child=serializers.CharField(), read_only=True)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = TrainingProposal
        fields = [
            "id",
            "centre",
            "source",
            "source_number",
            "complaint",
            "evaluation",
            "cause",
            "case",
            "topic",
            "topic_name",
            "questions",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "dismiss_reason",
        ]

    def get_source(self, obj) -> str:
        return "complaint" if obj.complaint_id else "evaluation"

    def get_decided_by(self, obj) -> str:
        if obj.decided_by is None:
            return ""
        member = getattr(obj.decided_by, "staff_member", None)
        return member.name if member is not None else obj.decided_by.get_username()


class ProposalAcceptInput(serializers.Serializer):
    topic_name = serializers.CharField(max_length=60)
    questions = serializers.ListField(child=serializers.CharField(max_length=2000), allow_empty=False, max_length=10)


class ProposalDismissInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TrainingProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """Training proposed by upheld complaints and poor ratings with a cause: for the supervision section only.
    Accepting puts the topic and the draft questions into the bank (inactive); dismissing needs a reason."""

    permission_classes = [HasPerm]
    required_perm = "training.manage_bank"
    serializer_class = ProposalOutput
    filterset_class = ProposalFilter

    def get_queryset(self):
        return selectors.proposal_list(user=self.request.user, filters={})

    @extend_schema(request=ProposalAcceptInput, responses=ProposalOutput)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        proposal = self.get_object()
        data = validated(ProposalAcceptInput, request.data)
        proposal = svc.training_proposal_accept(actor=request.user, proposal_id=proposal.pk, **data)
        return Response(ProposalOutput(proposal).data)

    @extend_schema(request=ProposalDismissInput, responses=ProposalOutput)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        proposal = self.get_object()
        data = validated(ProposalDismissInput, request.data)
        proposal = svc.training_proposal_dismiss(actor=request.user, proposal_id=proposal.pk, **data)
        return Response(ProposalOutput(proposal).data)
