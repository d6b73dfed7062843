"""Read queries of the requests app, shared by HTML views and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from hallservice.core.pagination import Branch, seek_page
from hallservice.core.scoping import centre_q

from .models import FORWARDED, URGENT_PENDING, KeyProject, Matter, ServiceRequest


def matter_list(*, search: str = "", department_id: int | None = None, active_only: bool = True) -> QuerySet[Matter]:
    qs = (
        Matter.objects.select_related("department", "contact_helper")
        .annotate(material_count=Count("materials"))
        .order_by("department__code", "code")
    )
    if active_only:
        qs = qs.active()
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs.search(search)


def matter_detail(*, pk: int) -> Matter:
    return Matter.objects.select_related("department", "contact_helper").prefetch_related("materials").get(pk=pk)


def request_filter(*, user, filters: dict | None = None, lookups: dict | None = None, restricted: bool = True):
    """A RequestFilter over the requests the user may see, with what list pages show joined in.

    ``.qs`` is the filtered queryset (constant query count per page), ``.form`` the filter form, ``.errors``
    the messages for bad filter input. ``lookups`` are the session's POSTed searches by full ID number or phone
    (token → hashes, requests.personal_data). With ``restricted=False`` the filters apply to every request and
    the caller must narrow to what the user may see (``request_page`` does, branch by branch).
    """
    from .filters import RequestFilter

    base = ServiceRequest.objects.restrict(user) if restricted else ServiceRequest.objects.all()
    queryset = base.select_related("matter", "helper", "lead_department", "centre").order_by("-applied_at", "-pk")
    return RequestFilter(filters or {}, queryset=queryset, user=user, lookups=lookups)


# A supervisor's centres each get their own branch (one index range each) up to this many; a district with more
# towns and villages is read as one branch ``centre_id IN (...)``, which the planner serves as it sees fit.
MAX_CENTRE_BRANCHES = 16


def visible_centre_ids(user) -> list[int] | None:
    """The ids of the centres whose requests ``user`` sees (the staff app's rule); None for every centre."""
    from staff.models import ServiceCentre

    condition = centre_q(user, "pk")
    if not condition:
        return None
    only = condition.children[0] if len(condition.children) == 1 else None
    if not condition.negated and isinstance(only, tuple) and only[0] == "pk":
        return [only[1]]  # one centre, named: no query needed to list it
    return list(ServiceCentre.objects.filter(condition).order_by("pk").values_list("pk", flat=True))


def visibility_branches(
    queryset: QuerySet[ServiceRequest], *, user, centres: list[int] | None | bool = False
) -> list[QuerySet[ServiceRequest] | Branch]:
    """``queryset`` (not yet restricted) split into disjoint parts whose union is what ``user`` may see of it.

    Same rows as ``queryset.restrict(user)``, which ORs "the request's centre is visible" with "its registering
    centre is": one OR over two columns defeats every index, so each part here names one column and one index —
    a part per visible centre (``centre_id = c``, the index on centre and applied_at), and one for requests
    forwarded away from a visible centre to one that is not (the partial index on forwarded requests).
    ``centres`` is ``visible_centre_ids(user)`` when the caller has it already.
    """
    if centres is False:
        centres = visible_centre_ids(user)
    if centres is None:
        return [queryset]
    if not centres:
        return []
    if len(centres) <= MAX_CENTRE_BRANCHES:
        own = [queryset.filter(centre_id=centre) for centre in centres]
    else:
        own = [queryset.filter(centre_id__in=centres)]
    forwarded = queryset.filter(FORWARDED, origin_centre_id__in=centres).exclude(centre_id__in=centres)
    return [*own, Branch(forwarded, few=True)]


# What the queue page and the API list read of a request and of its joins. A row builds a model instance per table
# and a request has some sixty columns: reading only what is shown took a third off loading a page of rows (issue
# 17). No encrypted column is among them (requests.ledger.PERSONAL_FIELDS; the helper's ID number neither).
QUEUE_COLUMNS = (
    *("number", "kind", "status", "applicant_name", "applicant_phone_masked", "applied_at", "deadline"),
    *("matter__main_item", "matter__sub_item", "helper__name"),
    # Urgent first and the badges of the priority groups (issue 18).
    *("urgent", "urgent_target", "key_project", "applicant_elderly", "applicant_disabled"),
    *("applicant_pregnant", "applicant_military"),
)
API_LIST_COLUMNS = (
    *QUEUE_COLUMNS,
    *("channel", "category", "applicant_type", "applicant_id_type", "applicant_id_masked", "accepted_at"),
    *("lead_department__name", "centre__name"),
)


def _joins(columns: tuple) -> list[str]:
    return sorted({column.split("__")[0] for column in columns if "__" in column})


def request_page(
    *,
    user,
    filter_set,
    per_page: int,
    after=None,
    before=None,
    page=None,
    columns: tuple = QUEUE_COLUMNS,
    urgent_first: bool = False,
):
    """One page of the filtered requests ``user`` may see, newest first, with a bounded count (issue 17).

    ``filter_set`` comes from ``request_filter(..., restricted=False)``; the rows carry ``columns`` (with the tables
    they name joined) and no personal data beyond the masks.

    ``urgent_first`` (the queue, issue 18: "orders urgent first, then by internal target"): the urgent requests still
    to be worked on come as ``page.pinned``, by internal target then newest, in the same round trips, and the pages
    leave them out. They are few (the partial index of urgent requests); should there be more than
    URGENT_FIRST_LIMIT, the first ones are pinned and the pages keep every request, so none is lost from sight.
    """
    rows = ServiceRequest.objects.select_related(*_joins(columns)).only(*columns)
    if not urgent_first:
        branches = visibility_branches(filter_set.qs, user=user)
        return seek_page(branches, rows, key="applied_at", per_page=per_page, after=after, before=before, page=page)
    centres = visible_centre_ids(user)
    pinned = urgent_pending(user=user, filter_set=filter_set, centres=centres)
    # Counted with the pinned rows, branch by branch as they stand: leaving the urgent ones out of the count would
    # make the database read every row it counts to tell (a column no index of the centre holds).
    counted = visibility_branches(filter_set.qs, user=user, centres=centres)
    for queryset in (filter_set.qs.exclude(URGENT_PENDING), filter_set.qs):
        result = seek_page(
            visibility_branches(queryset, user=user, centres=centres),
            rows,
            key="applied_at",
            per_page=per_page,
            after=after,
            before=before,
            page=page,
            pinned=pinned,
            pinned_order=URGENT_FIRST_ORDER,
            pinned_limit=URGENT_FIRST_LIMIT,
            count_branches=counted,
        )
        if not result.pinned_more:
            break
    result.pinned.sort(key=lambda req: (req.urgent_target, -req.applied_at.timestamp(), -req.pk))
    return result


# The queue pins at most this many urgent requests above the others; with more, the pages keep them too.
URGENT_FIRST_LIMIT = 100


# How the pinned urgent requests are ordered: by internal target, then newest.
URGENT_FIRST_ORDER = ("urgent_target", "-applied_at", "-pk")


def urgent_pending(
    *, user, filter_set, centres: list[int] | None | bool = False
) -> list[QuerySet[ServiceRequest] | Branch]:
    """The filtered urgent requests still to be worked on that ``user`` may see, as visibility branches (each
    answered by the partial index of urgent requests or of forwarded ones); ``URGENT_FIRST_ORDER`` orders them."""
    return visibility_branches(filter_set.qs.filter(URGENT_PENDING), user=user, centres=centres)


def request_detail_queryset(*, user):
    """Requests visible to the user, with everything the detail page and its actions look at."""
    return (
        ServiceRequest.objects.restrict(user)
        .select_related(
            "matter",
            "matter__department",
            "helper",
            "lead_department",
            "centre",
            "centre__parent",
            "origin_centre",
            "key_project",
            "delivery",
            "evaluation",
            "summary",
            "follow_up_task__helper",
            "created_by",
            "accepted_by",
        )
        .prefetch_related(
            "material_checks__corrections",
            "department_tasks__department",
            "department_tasks__claimed_by",
            "department_tasks__after__department",
            "extensions",
            "suspensions",
            "handovers__received_by",
            "assignments__helper",
            "assignments__previous_helper",
            "work_log__author",
            "progress_reports",
            "joint_meetings",
            "signatures__kept_by__staff_member",
            "delivery__returned_items",
        )
    )


def request_events(*, req, public_only: bool = False):
    events = req.events.select_related("actor", "actor__staff_member")
    return events.filter(public=True) if public_only else events


def my_work_counts(*, user, today) -> dict[str, int]:
    """What waits for a helper, for the home page: their open requests, overdue ones, those missing materials,
    and the follow-ups after delivery still to make (跟踪服务)."""
    from django.db.models import Count

    from .models import OPEN_STATUSES, FollowUpStatus, FollowUpTask, Status

    member = getattr(user, "staff_member", None)
    if member is None:
        return {}
    mine = ServiceRequest.objects.filter(helper=member)
    counts = mine.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS), deadline__lt=today)),
        deficient=Count("pk", filter=Q(status=Status.DEFICIENT)),
        applied=Count("pk", filter=Q(status=Status.APPLIED)),
    )
    # Counted on the task: it names the helper who has to call, and moves with the request when the helper changes.
    counts.update(
        # Archived requests are read-only: a follow-up left open there can no longer be recorded.
        FollowUpTask.objects.filter(
            helper=member, status=FollowUpStatus.OPEN, request__status=Status.DELIVERED
        ).aggregate(follow_ups=Count("pk"), follow_ups_overdue=Count("pk", filter=Q(due__lt=today)))
    )
    return counts


def pending_extensions(*, user):
    """Extensions waiting for a supervisor's decision, in the supervisor's centres."""
    from .models import Extension, ExtensionStatus

    return (
        Extension.objects.filter(status=ExtensionStatus.PENDING, request__in=ServiceRequest.objects.restrict(user))
        .select_related("request", "request__matter", "requested_by__staff_member")
        .order_by("requested_at")
    )


def open_department_tasks(*, user):
    """Parts of multi-department requests waiting for (or claimed by) the user's department."""
    from .models import DepartmentTask, TaskStatus

    member = getattr(user, "staff_member", None)
    if member is None or member.department_id is None:
        return DepartmentTask.objects.none()
    return (
        DepartmentTask.objects.filter(
            department_id=member.department_id,
            status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.BLOCKED),
            request__in=ServiceRequest.objects.restrict(user),
        )
        .select_related("request", "request__matter")
        .order_by("deadline", "request__deadline", "pk")
    )


def overdue_department_tasks(*, user, today, centre=None):
    """Department parts past their deadline and still owed, of running requests the user sees (of ``centre`` when
    given), longest overdue first: the duty dashboard's and the supervisors' panel (requests/department_clock.py)."""
    from .department_clock import RUNNING_PARTS, RUNNING_REQUESTS
    from .ledger import PERSONAL_FIELDS
    from .models import DepartmentTask

    requests = ServiceRequest.objects.restrict(user)
    if centre is not None:
        requests = requests.filter(centre=centre)
    return (
        DepartmentTask.objects.filter(
            status__in=RUNNING_PARTS, deadline__lt=today, request__status__in=RUNNING_REQUESTS, request__in=requests
        )
        .select_related("department", "request", "request__matter", "request__helper")
        .defer(*(f"request__{name}" for name in PERSONAL_FIELDS))
        .order_by("deadline", "pk")
    )


def key_projects_linkable(*, actor, centre) -> QuerySet[KeyProject]:
    """The key projects a request of ``centre`` may be linked to by ``actor``.

    Rule (issue 15): a key project belongs to its centre's district tree, and a request may be linked only to a
    key project of its own centre or of a centre above it in its district (the town, the district hall) — never
    to one of another district, nor of a sibling town or a village below — and only to one the actor can see
    (``KeyProject.objects.restrict``). The link form offers exactly these; the service refuses anything else.
    """
    above = [centre.pk]
    parent = centre.parent
    while parent is not None and parent.pk not in above:
        above.append(parent.pk)
        parent = parent.parent
    return KeyProject.objects.restrict(actor).filter(centre_id__in=above)
