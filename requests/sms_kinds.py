"""Every kind of SMS the system sends to citizens, and which of them still go to a number that opted out.

A kind is the name of its text template (templates/requests/notifications/<kind>.txt) and the key of its provider
template id in ``SMS_TEMPLATE_IDS``; ``tests/requests/test_sms_templates.py`` checks both exist for every kind the
code sends. Importable without the models.

**Essential** kinds are those a citizen must receive to keep their rights or a time limit, so an opt-out (退订)
does not stop them; the daily limit still does:

- ``request_deficient``: the one-time notice of missing materials (一次性告知): the time limit waits for them;
- ``request_suspended``: the request's time limit is paused, and the citizen is told why and until when;
- ``request_completed``: the result waits to be collected (or is posted): a document left uncollected is at risk;
- ``complaint_responded``: the answer to the citizen's own complaint, which opens the time to give feedback;
- ``appointment_booked`` and ``appointment_cancelled``: the answer to the citizen's own booking or cancellation,
  with the booking code the desk checks in by.

The others are courtesy news (accepted, the helper changed, a complaint accepted, the reminder the day before an
appointment): an opt-out stops them, and each of them ends with how to opt out (回复TD退订,
``requests.notifications.sms_text``); the essential ones do not, since the reply would not stop them.
"""

from __future__ import annotations

ESSENTIAL = "essential"
NON_ESSENTIAL = "non_essential"

SMS_KINDS: dict[str, str] = {
    "request_accepted": NON_ESSENTIAL,
    "request_deficient": ESSENTIAL,
    "request_suspended": ESSENTIAL,
    "request_completed": ESSENTIAL,
    "request_helper_changed": NON_ESSENTIAL,
    "complaint_accepted": NON_ESSENTIAL,
    "complaint_responded": ESSENTIAL,
    "appointment_booked": ESSENTIAL,
    "appointment_cancelled": ESSENTIAL,
    "appointment_reminder": NON_ESSENTIAL,
}


def is_essential(kind: str) -> bool:
    """Whether an SMS of ``kind`` goes out despite an opt-out (an unknown kind is not essential)."""
    return SMS_KINDS.get(kind) == ESSENTIAL
