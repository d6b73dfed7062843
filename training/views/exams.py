"""Monthly test pages: my training, the tests of a centre, one test's settings and results, and taking a test.

The test page shows questions and options only; which options are correct and the explanations reach the
browser with the review, once the paper is graded and the test has closed for everyone: until then a handed-in
paper shows its score and when the review opens (`selectors.review_is_open`).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.months import month_start
from hallservice.core.web import attempt, submit
from staff.selectors import visible_centres

from .. import selectors
from .. import services as svc
from ..forms import ExcuseForm, MonthlyTestForm
from ..grading import grace, pass_mark
from ..models import (
    Attempt,
    MonthlyTest,
    MonthlyTestStatus,
    Topic,
    TrainingNotice,
)
from .common import act_on_form, centre_of, member_of


@login_required
def my_training_view(request):
    member = member_of(request)
    if member is None:
        if request.user.has_perm("training.manage_tests"):
            return redirect("training:tests")
        raise Http404
    notices = list(selectors.notices_for(member, limit=8))
    context = {
        "member": member,
        "notices": notices,
        "unread": sum(1 for n in notices if n.read_at is None),
        "open_tests": selectors.open_tests_for(member),
        "upcoming": selectors.upcoming_sessions_for(member),
        "history": selectors.person_history(member, months=6),
        "study_days": member.study_days.order_by("-day")[:5],
        "pass_mark": pass_mark(),
    }
    return render(request, "training/my_training.html", context)


@login_required
@require_POST
def notices_read_view(request):
    member = member_of(request)
    if member is not None:
        TrainingNotice.objects.filter(staff=member, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("training:home")


# --- Tests of a centre ------------------------------------------------------------------------------------


def _test_form(request, data=None, *, editing=False, **kwargs):
    return MonthlyTestForm(
        data,
        centres=visible_centres(request.user),
        topics=Topic.objects.filter(is_active=True),
        editing=editing,
        **kwargs,
    )


@login_required
@permission_required("training.manage_tests", raise_exception=True)
def test_list_view(request):
    centre = centre_of(request)
    month = month_start(timezone.localdate())
    initial = {
        "centre": centre.pk,
        "month": f"{month:%Y-%m}",
        "opens_at": timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1),
        "closes_at": timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=3),
    }
    form = _test_form(request, request.POST or None, initial=initial)
    done, status = submit(
        request,
        form,
        lambda data: svc.monthly_test_create(
            actor=request.user, centre_id=data["centre"], month=data["month"], **_test_fields(data, form)
        ),
        success=_("Test saved as a draft: check it and publish it."),
    )
    if done:
        return done
    context = {
        "centre": centre,
        "centres": visible_centres(request.user),
        "tests": selectors.monthly_test_list(user=request.user, centre_id=centre.pk),
        "form": form,
        "pool": _pool_rows(centre, month),
        "month": month,
        "open_form": request.method == "POST",
    }
    return render(request, "training/test_list.html", context, status=status)


def _test_fields(data: dict, form) -> dict:
    """What the create and edit forms of a test both hand to the service."""
    return {
        "title": data["title"],
        "question_count": data["question_count"],
        "time_limit_minutes": data["time_limit_minutes"],
        "opens_at": data["opens_at"],
        "closes_at": data["closes_at"],
        "quotas": form.quotas(),
    }


def _pool_rows(centre, month) -> list[tuple[Topic, int]]:
    counts = selectors.pool_counts(centre, month)
    topics = {t.pk: t for t in Topic.objects.filter(pk__in=counts)}
    return sorted(((topics[pk], n) for pk, n in counts.items()), key=lambda pair: pair[0].name)


def _test(request, pk: int) -> MonthlyTest:
    return get_object_or_404(MonthlyTest.objects.restrict(request.user).select_related("centre"), pk=pk)


@login_required
def test_detail_view(request, pk: int):
    test = _test(request, pk)
    member = member_of(request)
    if not request.user.has_perm("training.manage_tests"):
        if request.method == "POST":  # the edit form is the supervision section's
            raise PermissionDenied(_("You may not do this."))
        # Everyone else comes here from a notice: their way to start (or see) their paper.
        mine = Attempt.objects.filter(test=test, staff=member).first() if member else None
        context = {"test": test, "mine": mine, "is_open": test.is_open_at(timezone.now()), "pass_mark": pass_mark()}
        return render(request, "training/test_start.html", context)
    editable = test.status == MonthlyTestStatus.DRAFT
    quotas = dict(test.quotas.values_list("topic_id", "count"))
    initial = {
        "title": test.title,
        "question_count": test.question_count,
        "time_limit_minutes": test.time_limit_minutes,
        "opens_at": timezone.localtime(test.opens_at),
        "closes_at": timezone.localtime(test.closes_at),
        **{f"quota_{topic_id}": n for topic_id, n in quotas.items()},
    }
    form = _test_form(request, request.POST or None, editing=True, initial=initial) if editable else None
    done, status = submit(
        request,
        form,
        lambda data: svc.monthly_test_update(actor=request.user, test_id=test.pk, **_test_fields(data, form)),
        success=_("Test saved."),
        to=test,
    )
    if done:
        return done
    if request.method == "POST" and form is None:
        # Not the page again as if saved: a published test no longer changes.
        messages.error(request, _("The test is published: it no longer changes."))
        status = 409
    return render(request, "training/test_detail.html", _test_context(request, test, form), status=status)


def _test_context(request, test: MonthlyTest, form) -> dict:
    report = selectors.score_report(test.centre, test.month)
    taken = {r.staff.pk for r in report.rows if r.attempt is not None}
    return {
        "test": test,
        "form": form,
        "quotas": test.quotas.select_related("topic"),
        "pool": _pool_rows(test.centre, test.month),
        "report": report,
        "excuse_form": ExcuseForm(staff=[r.staff for r in report.rows if r.staff.pk not in taken])
        if test.status != MonthlyTestStatus.CLOSED
        else None,
        "pass_mark": pass_mark(),
        "events": test.events.select_related("actor")[:20],
    }


TEST_ACTIONS = {
    "publish": lambda request, test: svc.monthly_test_publish(actor=request.user, test_id=test.pk),
    "close": lambda request, test: svc.monthly_test_close(actor=request.user, test_id=test.pk),
    "consequences": lambda request, test: svc.monthly_test_apply_consequences(actor=request.user, test_id=test.pk),
}


@login_required
@permission_required("training.manage_tests", raise_exception=True)
@require_POST
def test_act_view(request, pk: int, action: str):
    test = _test(request, pk)
    if action == "excuse":
        act_on_form(
            request,
            ExcuseForm(request.POST, staff=test.centre.staff.all()),
            lambda data: svc.attempt_excuse(
                actor=request.user, test_id=test.pk, staff_id=data["staff"], reason=data["reason"]
            ),
            invalid=_("Choose the person and say why they are excused."),
            success=lambda excused: _("%(name)s is excused from this test.") % {"name": excused.staff.name},
        )
        return redirect(test)
    if action not in TEST_ACTIONS:
        raise Http404
    done, status = attempt(request, lambda: TEST_ACTIONS[action](request, test))
    if done is not None:
        messages.success(request, _("Done."))
    if status != 200:
        test.refresh_from_db()
        return render(request, "training/test_detail.html", _test_context(request, test, None), status=status)
    return redirect(test)


# --- Taking a test ---------------------------------------------------------------------------------------


@login_required
@require_POST
def test_start_view(request, pk: int):
    # Scoped like every other test page: another centre's test is a 404, not a redirect with a message.
    test = get_object_or_404(MonthlyTest.objects.restrict(request.user).exclude(status=MonthlyTestStatus.DRAFT), pk=pk)
    started, status = attempt(request, lambda: svc.attempt_start(actor=request.user, test_id=test.pk))
    if started is None:
        return redirect("training:home")
    return redirect(started)


def _own_attempt(request, pk: int) -> Attempt:
    """The person's own paper; a supervisor may read a graded paper of their centres (never one in progress)."""
    attempt_ = get_object_or_404(Attempt.objects.restrict(request.user).select_related("test", "staff"), pk=pk)
    member = member_of(request)
    if (member is None or attempt_.staff_id != member.pk) and attempt_.in_progress:
        raise Http404
    return attempt_


def _render_attempt(request, paper: Attempt, status: int = 200):
    if paper.in_progress and paper.deadline + grace() < timezone.now():
        # The time ran out while the page was closed: grade what was saved, then show the result.
        svc.attempt_expire_overdue(attempt_id=paper.pk)
        paper.refresh_from_db()
    now = timezone.now()
    questions = selectors.attempt_paper(paper, now=now)
    if paper.in_progress:
        remaining = max(0, int((paper.deadline - timezone.now()).total_seconds()))
        context = {
            "attempt": paper,
            "test": paper.test,
            "questions": questions,
            "remaining": remaining,
            "answered": sum(1 for q in questions if q["answered"]),
        }
        response = render(request, "training/attempt.html", context, status=status)
        response["Cache-Control"] = "no-store"
        return response
    member = member_of(request)
    context = {
        "attempt": paper,
        "test": paper.test,
        "questions": questions,
        "pass_mark": pass_mark(),
        "study_day": getattr(paper, "study_day", None),
        "is_own": member is not None and paper.staff_id == member.pk,
        # Until the test has closed for everyone the page shows the score only (issue 20, item 1).
        "review_open": selectors.review_is_open(paper.test, now),
        "review_opens_at": selectors.review_opens_at(paper.test),
    }
    return render(request, "training/attempt_review.html", context, status=status)


@login_required
def attempt_view(request, pk: int):
    return _render_attempt(request, _own_attempt(request, pk))


@login_required
@require_POST
def attempt_answer_view(request, pk: int):
    """htmx autosave of one question: answers the status line only (never anything about correctness)."""
    # Someone else's paper is a 404 before the input is looked at, as for handing in.
    get_object_or_404(Attempt.objects.filter(staff__user=request.user), pk=pk)
    question_id = request.POST.get("question", "")
    saved, status, error = None, 400, _("Which question?")
    if question_id.isdigit():
        try:
            saved = svc.attempt_answer(
                actor=request.user,
                attempt_id=pk,
                question_id=int(question_id),
                option_ids=request.POST.getlist(f"q{question_id}"),
            )
            status, error = 200, ""
        except TransitionNotAllowed as exc:
            status, error = 409, str(exc)
        except DomainError as exc:
            status, error = 400, str(exc)
        except PermissionDenied:
            raise Http404 from None
    context = {"saved": saved, "error": error, "question_id": question_id}
    return render(request, "training/partials/answer_saved.html", context, status=status)


@login_required
@require_POST
def attempt_submit_view(request, pk: int):
    """Hand in the paper, in two steps: the paper's button saves its answers and asks for confirmation (how many
    are answered, which are not); the confirmation hands in. The page hands in at once only when the time is up
    (``confirmed`` sent by the countdown)."""
    paper = get_object_or_404(Attempt.objects.filter(staff__user=request.user).select_related("test", "staff"), pk=pk)
    drawn = list(paper.questions.values_list("question_id", flat=True))
    # The page's form comes whole: a question without a ticked option is unanswered.
    answers = {qid: request.POST.getlist(f"q{qid}") for qid in drawn} if request.POST.get("full") else None
    if request.POST.get("confirmed") != "1":
        saved, status = attempt(
            request,
            lambda: svc.attempt_save_answers(actor=request.user, attempt_id=paper.pk, answers=answers or {}),
        )
        if saved is None:
            paper.refresh_from_db()
            return _render_attempt(request, paper, status)
        questions = selectors.attempt_paper(saved)
        context = {
            "attempt": saved,
            "test": saved.test,
            "total": len(questions),
            "answered": sum(1 for q in questions if q["answered"]),
            "unanswered": [q["position"] for q in questions if not q["answered"]],
        }
        response = render(request, "training/attempt_confirm.html", context)
        response["Cache-Control"] = "no-store"
        return response
    done, status = attempt(
        request, lambda: svc.attempt_submit(actor=request.user, attempt_id=paper.pk, answers=answers)
    )
    if done is not None:
        messages.success(request, _("Handed in: %(score)s points.") % {"score": done.score})
        return redirect(done)
    # Refused (too late, handed in already, a bad answer): the page says why, with the refusal's status.
    paper.refresh_from_db()
    return _render_attempt(request, paper, status)
