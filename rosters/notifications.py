"""Messages about rosters, queued in the requests app's outbox (requests.notifications): an e-mail to the
supervision section when a substitution is filed, so the filing (备案, seed 000 二.3) reaches them the day it is
made and they can reverse it. Template: templates/requests/notifications/substitution_filed.txt, beside the
outbox's others.
"""

from __future__ import annotations

from django.urls import reverse

from requests.notifications import email_supervisors

from .models import Substitution


def notify_substitution_filed(*, substitution_id: int) -> list[int]:
    """E-mail each supervisor responsible for the substitution's centre; returns notification ids (once each)."""
    substitution = Substitution.objects.select_related("centre", "absent", "substitute", "window").get(
        pk=substitution_id
    )
    return email_supervisors(
        centre=substitution.centre,
        template="substitution_filed",
        key=f"substitution:{substitution.pk}:filed",
        context={
            "substitution": substitution,
            "path": f"{reverse('rosters:substitutions')}?status={substitution.status}",
        },
    )
