"""Messages about complaints, queued in the requests app's outbox (requests.notifications): an SMS to the
complainant when their complaint is accepted or answered, an e-mail to the supervisors when it passes a limit.
Templates: templates/requests/notifications/complaint_*.txt, beside the outbox's others.
"""

from __future__ import annotations

from django.db import transaction

from requests.models import Notification, NotificationChannel
from requests.notifications import email_supervisors, queue

from .models import Complaint
from .selectors import complaint_status_url


def notify_complainant(*, complaint_id: int, template: str) -> Notification | None:
    """SMS to the complainant (when they left a phone) about their complaint's progress."""
    complaint = Complaint.objects.select_related("centre").get(pk=complaint_id)
    context = {"complaint": complaint, "link": complaint_status_url(complaint, absolute=True)}
    with transaction.atomic():
        return queue(
            key=f"complaint:{complaint.pk}:{template}:{complaint.reopen_count}",
            channel=NotificationChannel.SMS,
            recipient=complaint.contact,
            template=template,
            context=context,
            complaint=complaint,
        )


def notify_supervisors(*, template: str, key: str, complaint_id: int) -> list[int]:
    """E-mail each supervisor responsible for the complaint's centre; returns notification ids."""
    complaint = Complaint.objects.select_related("centre").get(pk=complaint_id)
    return email_supervisors(
        centre=complaint.centre,
        template=template,
        key=key,
        context={"complaint": complaint, "req": None},
        complaint=complaint,
    )
