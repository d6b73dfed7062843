"""The Celery app. Without REDIS_URL tasks run eagerly in-process (see settings), so nothing needs a worker."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallservice.settings")

app = Celery("hallservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _timer(task: str, schedule) -> dict:
    """A beat entry: the task's dotted name and when it runs (a crontab, or every so many seconds)."""
    return {"task": task, "schedule": schedule}


# Only real tasks are scheduled here; each feature adds its timers when it arrives.
app.conf.beat_schedule = {
    # Shortly after midnight, before the hall opens: today's warnings are ready for the morning queue.
    "request-deadline-timers": _timer("requests.tasks.request_deadline_timers", crontab(hour=0, minute=20)),
    # Department parts of multi-department requests: reminders before their deadlines and escalation after them
    # (helper → duty leader → supervision section → bureau leader), after the request timers.
    "department-task-timers": _timer("requests.tasks.department_task_timers", crontab(hour=0, minute=25)),
    # Consultations (首问负责): the owner's reminder before the answer deadline and the escalations after it, before
    # the hall opens, so the morning's duty leader sees yesterday's overdue questions.
    "consultation-timers": _timer("requests.tasks.consultation_timers", crontab(hour=0, minute=25)),
    # Citizens: applicants' messages for new public events (and lost ones again), every minute.
    "notifications-sweep": _timer("requests.tasks.notifications_sweep", 60.0),
    # Citizens: complaint and poor-rating limits, checked after the day's end (before the hall opens).
    "complaint-timers": _timer("complaints.tasks.complaint_timers", crontab(hour=0, minute=30)),
    # Double submission: the one-time form tokens and API keys of last week are no longer needed.
    "submissions-purge": _timer("hallservice.tasks.submissions_purge", crontab(hour=3, minute=15)),
    "calendar-next-year-check": _timer("hallservice.tasks.calendar_next_year_check", 60 * 60 * 24),
    # Rosters: daily, next month's draft from ROSTERS_DRAFT_DAY on (a missed day catches up the next night).
    "rosters-draft-next-month": _timer("rosters.tasks.rosters_draft_next_month", crontab(hour=2, minute=10)),
    # Rosters: centres open between 07:00 and 11:00; once a centre has opened, mark who has not checked in.
    "rosters-mark-absentees": _timer("rosters.tasks.rosters_mark_absentees", crontab(minute="*/5", hour="7-11")),
    # Training: every five minutes, grade papers whose time ran out and close tests whose window is over
    # (closing queues the study days and recommendations); a missed run catches up on the next.
    "training-tests-tick": _timer("training.tasks.training_tests_tick", crontab(minute="*/5")),
    # Supervision: the days and requests changed since the last refresh get their daily figures and ledger gaps
    # rebuilt, so the pages rarely have more than the last few minutes to count (supervision/).
    "supervision-figures-refresh": _timer("supervision.tasks.statistics_figures_refresh", crontab(minute="*/5")),
    # Background jobs with a row (hallservice/core/outbox.py): every minute, monthly reports and ledger PDFs that the
    # broker never got or lost are sent again, and those whose worker died are started again (3 tries, then failed).
    "monthly-reports-sweep": _timer("supervision.tasks.monthly_reports_sweep", 60.0),
    "ledger-exports-sweep": _timer("requests.tasks.ledger_exports_sweep", 60.0),
    # The national 好差评 push (requests/services/evaluation_push.py): messages whose send or retry was lost go again.
    "evaluation-push-sweep": _timer("requests.tasks.evaluation_push_sweep", 60.0),
    "question-imports-sweep": _timer("training.tasks.question_imports_sweep", 60.0),
    # Appointments (issue 19): after each half-day ends, its bookings not checked in become no-shows; from the
    # afternoon on, tomorrow's bookings are reminded by SMS (once each, so the repeated runs catch late bookings).
    "appointment-timers": _timer("requests.tasks.appointment_timers", crontab(minute="5,35", hour="12-21")),
    # Supervision: the skills matrix (issue 19 item 5) is graded again every night, before the rosters' draft of
    # 02:10 reads it; its "recompute now" button does the same for one centre at once.
    "supervision-skills-matrix": _timer("supervision.tasks.skills_matrix_recompute", crontab(hour=1, minute=50)),
    # Supervision: on the 1st, last month's statistics report (数据统计上报) for each district and town centre.
    "supervision-monthly-reports": _timer(
        "supervision.tasks.monthly_reports_prepare_last_month", crontab(day_of_month=1, hour=1, minute=40)
    ),
}
