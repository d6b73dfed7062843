"""The Celery app. Without REDIS_URL tasks run eagerly in-process (see settings), so nothing needs a worker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallservice.settings")

app = Celery("hallservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Only real tasks are scheduled here; each feature adds its timers when it arrives.
app.conf.beat_schedule = {
    "calendar-next-year-check": {
        "task": "hallservice.tasks.calendar_next_year_check",
        "schedule": 60 * 60 * 24,
    },
}
