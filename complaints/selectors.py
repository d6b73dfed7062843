"""Reads of the complaints app: the lists and the dashboard staff see (scoped to the centres the user may see)
and the complainant's public status page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from requests.models import Evaluation, ServiceRequest
from requests.satisfaction import evaluation_rates
from requests.services.public import COMPLAINT, PublicEvent, mask_id_numbers, status_token

from .forms import ComplaintFilterForm
from .models import COMPLAINT_OPEN_STATUSES, Complaint, ComplaintSource, ComplaintStatus

TREND_WEEKS = 12


def complaints_visible_to(user):
    return Complaint.objects.restrict(user).select_related("centre", "department", "staff", "request")


def complaints_filtered(user, form: ComplaintFilterForm, today):
    """The list page's complaints: the filter form's choices over those the user may see (none when invalid)."""
    queryset = complaints_visible_to(user)
    if not form.is_valid():
        return queryset.none()
    data = form.cleaned_data
    if data["q"]:
        text = data["q"].strip()
        queryset = queryset.filter(Q(number__icontains=text) | Q(content__icontains=text))
    if data["status"] == "open":
        queryset = queryset.open()
    elif data["status"]:
        queryset = queryset.filter(status=data["status"])
    if data["source"]:
        queryset = queryset.filter(source=data["source"])
    if data["overdue"]:
        queryset = queryset.overdue(today)
    if data["escalated"]:
        queryset = queryset.filter(escalated=True)
    return queryset.order_by("-registered_at", "-pk")


def complaint_dashboard(user, today) -> dict:
    """Everything the complaint dashboard shows, over the complaints (and ratings) the user may see."""
    complaints = Complaint.objects.restrict(user)
    open_complaints = complaints.open()
    by_stage = dict(open_complaints.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    overdue = list(
        complaints.overdue(today).select_related("centre", "department").order_by("accept_due", "respond_due")[:50]
    )
    by_department = (
        complaints.values("department__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=COMPLAINT_OPEN_STATUSES)),
            substantiated=Count("pk", filter=Q(substantiated=True)),
        )
        .order_by("-total", "department__name")
    )
    by_staff = (
        complaints.filter(staff__isnull=False)
        .values("staff__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=COMPLAINT_OPEN_STATUSES)),
            substantiated=Count("pk", filter=Q(substantiated=True)),
        )
        .order_by("-total", "staff__name")[:20]
    )
    sources = dict(complaints.values_list("source").annotate(n=Count("pk")).values_list("source", "n"))
    monday = today - timedelta(days=today.weekday())
    first_week = monday - timedelta(weeks=TREND_WEEKS - 1)
    weekly = Counter()
    for registered_at in complaints.filter(registered_at__date__gte=first_week).values_list(
        "registered_at", flat=True
    ):
        day = timezone.localtime(registered_at).date()
        weekly[day - timedelta(days=day.weekday())] += 1
    trend = [(first_week + timedelta(weeks=i), weekly[first_week + timedelta(weeks=i)]) for i in range(TREND_WEEKS)]
    peak = max((n for _week, n in trend), default=0) or 1
    evaluations = Evaluation.objects.filter(request__in=ServiceRequest.objects.restrict(user))
    return {
        "stages": [(s, by_stage.get(s.value, 0)) for s in ComplaintStatus if s.value in COMPLAINT_OPEN_STATUSES],
        "open_total": sum(by_stage.values()),
        "overdue": overdue,
        "overdue_total": complaints.overdue(today).count(),
        "escalated_open": open_complaints.filter(escalated=True).count(),
        "by_department": by_department,
        "by_staff": by_staff,
        "sources": [(s, sources.get(s.value, 0)) for s in ComplaintSource],
        "trend": [(week, n, round(100 * n / peak)) for week, n in trend],
        "rates": evaluation_rates(evaluations),
    }


# --- The complainant's status page ------------------------------------------------------------------------


def complaint_status_url(complaint: Complaint, *, absolute: bool = False) -> str:
    path = reverse("track:complaint", args=[status_token(kind=COMPLAINT, pk=complaint.pk)])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path if absolute else path


@dataclass(frozen=True)
class PublicComplaintStatus:
    pk: int
    number: str
    centre: str
    complaint_phone: str
    status: str
    status_label: str
    category: str
    content: str
    due: date | None
    response: str
    can_give_feedback: bool
    events: list[PublicEvent]


def complaint_public_status(complaint: Complaint) -> PublicComplaintStatus:
    """The complainant's view: their own text and the answers given to them, never internal notes or staff links."""
    # Labels only: the answer is shown on its own, and other notes may carry the complainant's words.
    events = [
        PublicEvent(at=e.at, label=e.verb_label) for e in complaint.events.filter(public=True).order_by("at", "pk")
    ]
    return PublicComplaintStatus(
        pk=complaint.pk,
        number=complaint.number,
        centre=complaint.centre.name,
        complaint_phone=complaint.centre.complaint_phone,
        status=complaint.status,
        status_label=ComplaintStatus(complaint.status).label,
        category=complaint.get_category_display(),
        # The page is open to whoever holds the number and code: an ID number typed into the text is masked.
        content=mask_id_numbers(complaint.content),
        due=complaint.due_date(),
        response=complaint.response,
        can_give_feedback=complaint.status == ComplaintStatus.RESPONDED,
        events=events,
    )
