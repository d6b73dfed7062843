"""Open skill gaps where the supervision section decides what to train (issue 19 item 5).

The skills matrix (``skills``) proposes, for each helper rostered at a department without the qualification, the
department's topics weakest first. ``gap_rows`` lists the open gaps of the user's centres for the training
proposals page (registered with ``training.gap_sources`` from ``SupervisionConfig.ready``: training may not import
supervision), and ``skill_gap_plan`` is the section's decision to train on the weakest topic: it is recorded in
the centre's training history with who took it, and the training itself is planned on the session form, prefilled
with the topic and the department.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError
from staff.access import ensure_perm
from staff.models import QualificationLevel
from training.services.common import record_event

from .models import SkillGap
from .scope import centre_ids_for

PERMISSION = "training.manage_bank"


def open_gaps(*, centre_ids):
    """The open gaps of helpers of ``centre_ids``, oldest first."""
    return (
        SkillGap.objects.open()
        .filter(staff__centre_id__in=centre_ids)
        .select_related("staff__centre", "department")
        .order_by("created_at", "pk")
    )


def gap_rows(user) -> list[dict]:
    """The open gaps of the user's centres, as ``training.gap_sources`` describes them."""
    if not user.has_perm(PERMISSION):
        return []
    _all, ids = centre_ids_for(user, None)
    return [
        {
            "id": gap.pk,
            "staff_name": gap.staff.name,
            "centre_name": gap.staff.centre.name,
            "department_name": gap.department.name,
            "level_label": QualificationLevel(gap.level).label,
            "topics": gap.topics,
            "created_at": gap.created_at,
            "person_url": reverse("supervision:skills-person", args=[gap.staff_id]),
            "plan_url": reverse("supervision:skill-gap-plan", args=[gap.pk]),
        }
        for gap in open_gaps(centre_ids=ids)
    ]


def first_topic(gap: SkillGap) -> dict:
    """The topic to train first: the weakest proposed, or the department's name when it has no topic yet."""
    return gap.topics[0] if gap.topics else {"id": None, "name": gap.department.name, "score": None}


@transaction.atomic
def skill_gap_plan(*, actor, gap_id: int) -> tuple[SkillGap, str]:
    """Decide to train a helper's open gap on its weakest topic: an event of the centre's training history, and
    the session form's address prefilled with the topic, the department and a title."""
    ensure_perm(actor, PERMISSION, _("Only the supervision section decides what to train."))
    _all, ids = centre_ids_for(actor, None)
    gap = open_gaps(centre_ids=ids).select_for_update(of=("self",)).filter(pk=gap_id).first()
    if gap is None:
        raise DomainError(_("No such open skill gap."), field="gap")
    topic = first_topic(gap)
    title = (_("%(department)s: %(topic)s") % {"department": gap.department.name, "topic": topic["name"]})[:120]
    record_event(
        centre_id=gap.staff.centre_id,
        actor=actor,
        verb="skill_gap_planned",
        note=_("%(helper)s · %(department)s: %(topic)s")
        % {"helper": gap.staff.name, "department": gap.department.name, "topic": topic["name"]},
    )
    query = {"kind": "department", "department": gap.department_id, "title": title}
    if topic["id"]:
        query["topic"] = topic["id"]
    return gap, f"{reverse('training:sessions')}?{urlencode(query)}"
