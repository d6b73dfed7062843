"""The draft of the helper's summary (F-REQ-10, issue 19 item 6), built from the request's history.

Seed 000 asks for a summary within 2 working days of completion; most of what it says is already in the events:
what was done, when and by whom, and the problems met on the way (deficiency notices, corrections, suspensions,
department parts held up or escalated, extensions and delays, poor ratings, complaints). ``summary_draft`` writes
that out as plain text for the helper to edit on the summary form; it saves nothing. The helper's own words are
what is kept, through ``request_write_summary``, as before.

The draft is written in the hall's language (``settings.LANGUAGE_CODE``), whatever language the page is read in:
it becomes a record of the file, like the printed forms. Times are the hall's (Asia/Shanghai). Staff are named;
the applicant is not, and every note is scrubbed of ID numbers, phones, e-mail addresses, long numbers, the
applicant's and recipients' names and the addresses on file (``requests.services.public.scrub``), so nothing
personal is copied into a summary by the draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hallservice.core.text_limits import SUMMARY, excerpt

from .models import RequestEvent, RequestVerb, ServiceRequest
from .services.public import scrub

V = RequestVerb

# Events that are a problem met on the way, not only a step: listed again under "problems".
PROBLEM_VERBS = frozenset(
    {
        V.DEFICIENCY_NOTICE,
        V.REFUSED,
        V.CORRECTION_ASKED,
        V.MATERIAL_REMINDER,
        V.SUSPENDED,
        V.DEPARTMENT_TASK_BLOCKED,
        V.DEPARTMENT_TASK_ESCALATED,
        V.EXTENSION_REQUESTED,
        V.EXTENSION_REJECTED,
        V.DEADLINE_MOVED,
        V.OVERDUE,
        V.REASSIGNED,
        V.TERMINATED,
        V.FOLLOW_UP_OPENED,
        V.FOLLOW_UP_OVERDUE,
        V.RECTIFICATION_OVERDUE,
    }
)
# The summary's own events and the timers' reminders say nothing about the handling: left out of the draft.
LEFT_OUT = frozenset({V.SUMMARY_WRITTEN, V.SUMMARY_REVISED, V.SUMMARY_OVERDUE, V.PROGRESS_REPORT_PROMPTED})
# A note is cut to this length in the draft: the full text stays in the history.
NOTE_LENGTH = 60


def _moment(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _scrubber(req: ServiceRequest):
    """``scrub`` with every name and address of this request's applicant and recipients."""
    delivery = getattr(req, "delivery", None)
    names = (req.applicant_name, req.contact_person, req.pickup_recipient)
    addresses = (req.applicant_address, req.pickup_address)
    if delivery is not None:
        names += (delivery.signer, delivery.recipient)
        addresses += (delivery.address,)

    def clean(text: str) -> str:
        return excerpt(scrub(text, names=names, addresses=addresses).replace("\n", " "), NOTE_LENGTH)

    return clean


def _event_line(event: RequestEvent, clean) -> str:
    line = f"{_moment(event.at)} {event.actor_name}：{event.verb_label}"
    note = clean(event.note)
    return f"{line}。{note}" if note else line


def _complaint_line(complaint) -> str:
    if complaint.substantiated is None:
        finding = _("not yet decided whether substantiated")
    else:
        finding = _("found substantiated") if complaint.substantiated else _("not substantiated")
    return _("Complaint %(number)s (%(category)s), %(status)s, %(finding)s.") % {
        "number": complaint.number,
        "category": complaint.get_category_display(),
        "status": complaint.get_status_display(),
        "finding": finding,
    }


def summary_draft(req: ServiceRequest, events: Iterable[RequestEvent], *, complaints: Sequence = ()) -> str:
    """The draft summary of ``req`` from ``events`` (oldest first) and the ``complaints`` about it, as plain text."""
    with translation.override(settings.LANGUAGE_CODE):
        return excerpt(_draft(req, list(events), complaints), SUMMARY)


def _draft(req: ServiceRequest, events: list[RequestEvent], complaints: Sequence) -> str:
    clean = _scrubber(req)
    shown = [e for e in events if e.verb not in LEFT_OUT]
    lines = [
        _("%(number)s %(matter)s (%(kind)s): summary of the handling")
        % {"number": req.number, "matter": req.matter.name, "kind": req.get_kind_display()},
        _("Dedicated helper: %(helper)s") % {"helper": req.helper.name},
    ]
    dates = [
        (ServiceRequest._meta.get_field(name).verbose_name, getattr(req, name))
        for name in ("applied_at", "accepted_at", "completed_at", "delivered_at")
    ]
    lines.append("；".join(f"{label}：{_moment(value)}" for label, value in dates if value))
    if req.deadline:
        lines.append(_("Promised deadline: %(date)s") % {"date": f"{req.deadline:%Y-%m-%d}"})
    if req.result:
        lines.append(_("Result: %(result)s") % {"result": clean(req.result)})
    problems = [f"- {_event_line(event, clean)}" for event in shown if event.verb in PROBLEM_VERBS]
    problems += [f"- {_complaint_line(complaint)}" for complaint in complaints]
    tail = ["", _("Problems met"), *(problems or [_("None recorded.")])]
    tail += ["", _("Draft from the handling record: check it, add what the record does not say, then save.")]
    steps = _steps(shown, clean)
    text = "\n".join([*lines, "", _("Steps of the handling"), *steps, *tail])
    if len(text) > SUMMARY:
        # Too long for the summary: the changes of status and the problems stay, routine entries go.
        kept = [e for e in shown if e.to_status or e.verb in PROBLEM_VERBS]
        steps = _steps(kept, clean)
        if len(kept) < len(shown):
            steps.append(
                _("(%(count)d routine entries left out: see the request's history.)")
                % {"count": len(shown) - len(kept)}
            )
        text = "\n".join([*lines, "", _("Steps of the handling"), *steps, *tail])
    return text


def _steps(events: list[RequestEvent], clean) -> list[str]:
    return [f"{n}. {_event_line(event, clean)}" for n, event in enumerate(events, 1)]


def summary_draft_for(req: ServiceRequest) -> str:
    """The draft of ``req`` as it is now: its history and the complaints linked to it."""
    events = req.events.select_related("actor__staff_member").order_by("at", "pk")
    # The complaints app sits above requests: its rows are read through the reverse relation, never imported.
    complaints = req.complaints.order_by("registered_at", "pk")
    return summary_draft(req, events, complaints=complaints)
