"""The Celery app. Without REDIS_URL tasks run eagerly in-process (see settings), so nothing needs a worker."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallservice.settings")

app = Celery("hallservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Only real tasks are scheduled here; each feature adds its timers when it arrives.
app.conf.beat_schedule = {
    # Shortly after midnight, before the hall opens: today's warnings are ready for the morning queue.
    "request-deadline-timers": {
        "task": "requests.tasks.request_deadline_timers",
        "schedule": crontab(hour=0, minute=20),
    },
    "calendar-next-year-check": {
        "task": "hallservice.tasks.calendar_next_year_check",
        "schedule": 60 * 60 * 24,
    },
}
