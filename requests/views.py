"""Staff pages of the requests app: catalogue, queue, registration, the request page, ledger (consultations: views_consultations).

Views stay thin: lists go through the scoped selectors, writes through the services (request actions through
`requests.actions.perform_action`), and the services' errors come back to the clerk through
`hallservice.core.web.attempt` as form errors or messages — a DomainError on the field it names, 409 for an
action the request's state does not allow now, 403 for one the user may not take.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from html import escape as escape_text

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import PermissionDenied
from hallservice.core.pagination import KeysetFirstPaginator
from hallservice.core.query_params import bad_query_response, form_errors, validated
from hallservice.core.spreadsheets import xlsx_response
from hallservice.core.web import attempt, staff_page
from hallservice.core.workdays import WorkingCalendar
from staff.models import Department
from staff.selectors import qualified_helpers

from .actions import action_form, allowed_actions, can_see_personal_data, check_action, in_charge, perform_action
from .department_clock import part_rows
from .filters import QUEUE_VIEWS
from .forms import RegistrationForm
from .forms_filters import MatterFilterForm
from .ledger import (
    deadline_info,
    ledger_filename,
    ledger_period,
    ledger_queryset,
    ledger_rows,
    ledger_workbook,
    queue_rows,
)
from .models import AccessKind, Consultation, ConsultationOutcome, Matter, ServiceRequest
from .personal_data import (
    hashes_of,
    looks_personal,
    may_search_personal_data,
    personal_condition,
    refusal_message,
    store_lookup,
    stored_lookups,
)
from .progress_clock import silences
from .selectors import (
    matter_list,
    request_detail_queryset,
    request_events,
    request_filter,
    request_page,
)
from .services import (
    ACTIONS,
    TERMINATION_REASONS,
    personal_data_access_record,
    request_register,
)
from .views_documents import issuable_documents
from .views_signatures import signature_panel

MATTERS_PER_PAGE = 30
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MATTER_MATCHES = 10
MATERIAL_ACTIONS = ("review_materials", "supply_materials", "ask_correction")


# --- Shared pieces ----------------------------------------------------------------------------------------


def _page(request, queryset, per_page: int = PAGE_SIZE):
    """One page of a list; ``page_size`` may ask for up to MAX_PAGE_SIZE rows."""
    return KeysetFirstPaginator(queryset, _page_size(request, per_page)).get_page(request.GET.get("page"))


def _page_size(request, per_page: int = PAGE_SIZE) -> int:
    size = request.GET.get("page_size", "")
    per_page = int(size) if size.isdigit() else per_page
    return min(max(per_page, 1), MAX_PAGE_SIZE)


def _request_filter(request, *, restricted: bool = True):
    """The RequestFilter of the queue and the ledger, its form dressed for the page."""
    request_filter_set = request_filter(
        user=request.user,
        filters=request.GET,
        lookups=stored_lookups(getattr(request, "session", None)),
        restricted=restricted,
    )
    fields = request_filter_set.form.fields
    fields["q"].widget.input_type = "search"
    fields["q"].widget.attrs.update(
        {"placeholder": _("Number, applicant or last 4 phone digits"), "autocomplete": "off"}
    )
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    for name in ("applied_from", "applied_to"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return request_filter_set


def _list_context(request, request_filter_set) -> dict:
    return {
        "filter": request_filter_set,
        "queue_views": QUEUE_VIEWS,
        "current_view": request.GET.get("view", ""),
        "more_filters_open": bool(request_filter_set.form.errors) or _more_filters_set(request, request_filter_set),
        # Called by the template, so a partial response (the results only) never draws it.
        "more_filters_html": lambda: _more_filters_html(request_filter_set),
    }


# The filter form's folded fields, drawn once for each set of choices and values (issue 17): a quarter of the
# queue's time went to drawing the same helpers, departments and statuses on every view.
MORE_FILTERS_TTL = 600


def _choice_lists(*querysets) -> list[list[tuple[int, str]]]:
    """The (pk, name) of each queryset's rows in its own order, all read in one query (a UNION ALL, each part
    numbered by its ordering): one round trip less on every list page."""
    parts = []
    for index, queryset in enumerate(querysets):
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        order = [F(field[1:]).desc() if field.startswith("-") else F(field).asc() for field in ordering]
        numbered = queryset.order_by().annotate(
            choice_part=Value(index), choice_n=Window(RowNumber(), order_by=[*order, F("pk").asc()])
        )
        parts.append(numbered.values_list("choice_part", "choice_n", "pk", "name"))
    lists: list[list[tuple[int, str]]] = [[] for _ in querysets]
    for part, _number, pk, name in parts[0].union(*parts[1:], all=True).order_by("choice_part", "choice_n"):
        lists[part].append((pk, name))
    return lists


def _more_filters_html(request_filter_set) -> str:
    """The folded fields of the filter form (requests/partials/more_filters.html), from the cache when the same
    choices, values and language were drawn before.

    The helper and department choices are read as plain values (one query each, no server-side cursor) and both
    name the cached copy and draw a new one; a form with errors is drawn each time."""
    form = request_filter_set.form
    folded = [name for name in form.fields if name not in ("q", "view", "lookup")]
    names = ("helper", "department")
    for name, choices in zip(names, _choice_lists(*(form.fields[name].queryset for name in names)), strict=True):
        form.fields[name].widget.choices = [("", form.fields[name].empty_label), *choices]
    if form.errors:
        return render_to_string("requests/partials/more_filters.html", {"filter": request_filter_set})
    state = repr(
        (
            get_language(),
            [(name, form[name].value()) for name in folded],
            form.fields["helper"].widget.choices,
            form.fields["department"].widget.choices,
        )
    )
    key = "requests:more-filters:" + hashlib.sha256(state.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string("requests/partials/more_filters.html", {"filter": request_filter_set})
        cache.set(key, html, MORE_FILTERS_TTL)
    return mark_safe(html)  # noqa: S308 - drawn by our template, with its escaping


def _more_filters_set(request, request_filter_set) -> bool:
    """Whether a filter of the folded part of the form is in use, so the page shows it open."""
    folded = [name for name in request_filter_set.form.fields if name not in ("q", "view", "lookup")]
    return any(request.GET.get(name) not in (None, "", "unknown") for name in folded)


def _partial_wanted(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


# --- Catalogue ----------------------------------------------------------------------------------------------


@login_required
def matter_list_view(request):
    filters = validated(MatterFilterForm, request.GET)
    search = filters["q"]
    department_id = filters["department"].pk if filters["department"] else None
    page = Paginator(matter_list(search=search, department_id=department_id), MATTERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "search": search,
        "department_id": int(department_id) if department_id else None,
        "departments": Department.objects.order_by("code"),
    }
    template = "requests/partials/matter_rows.html" if request.htmx else "requests/matter_list.html"
    return render(request, template, context)


@login_required
def matter_detail_view(request, pk: int):
    matter = get_object_or_404(
        Matter.objects.select_related("department", "contact_helper").prefetch_related("materials"), pk=pk
    )
    return render(request, "requests/matter_detail.html", {"matter": matter})


# --- Queue --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def request_queue_view(request):
    refused = _refuse_personal_query(request)
    if refused is not None:
        return refused
    # Unrestricted filters: request_page narrows to what the user may see, one index per branch (issue 17).
    request_filter_set = _request_filter(request, restricted=False)
    page = request_page(
        user=request.user,
        filter_set=request_filter_set,
        per_page=_page_size(request),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        page=request.GET.get("page"),
        urgent_first=True,
    )
    context = {
        **_list_context(request, request_filter_set),
        "page": page,
        # Urgent requests first, by internal target (issue 18): above the first page only.
        "rows": (rows := queue_rows(page.rows if page.has_previous else urgent_first_rows(page))),
        "rows_html": queue_rows_html(rows),
        "urgent_count": 0 if page.has_previous else len(page.pinned),
        "personal_search": may_search_personal_data(request.user),
        "lookup": request.GET.get("lookup", ""),
    }
    template = "requests/partials/queue_results.html" if _partial_wanted(request) else "requests/queue.html"
    return _no_personal_push(
        request, render(request, template, context, status=_filter_status(request, request_filter_set))
    )


# --- The queue's rows, written in Python (issue 17) ---------------------------------------------------------
# The template drew each row's twenty-odd tags and filters one node at a time: a quarter of the queue's time. These
# write the markup the template wrote, byte for byte (tests/requests/test_queue_rows_html.py renders the template
# beside them, in both languages).


def _escaped(value) -> str:
    """As ``{{ value }}`` writes it: safe strings as they are, anything else as text, escaped."""
    return value.__html__() if hasattr(value, "__html__") else escape_text(str(value))


def _ymd(value) -> str:
    """``|date:"Y-m-d"``: a moment in the current time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _counted(singular: str, plural: str, count: int) -> str:
    """``{% blocktranslate count days=count %}``: the message in the current language, the number as text."""
    return ngettext(singular, plural, count) % {"days": escape_text(str(count))}


def _deadline_cell(row) -> str:
    info = row.deadline
    if info.deadline:
        cell = f'<span class="deadline {_escaped(info.level)}">{_ymd(info.deadline)}</span>\n'
        if info.paused:
            cell += f'<small class="days paused">{_escaped(_("paused"))}</small>\n'
        elif info.overdue:
            days = _counted("%(days)s working day overdue", "%(days)s working days overdue", info.days_overdue)
            cell += f'<small class="days overdue">{days}</small>\n'
        elif info.days_left is not None:
            days = _counted("%(days)s working day left", "%(days)s working days left", info.days_left)
            cell += f'<small class="days {_escaped(info.level)}">{days}</small>\n'
    else:
        cell = '<span class="muted">—</span>'
    if row.silent_days:
        silent = _counted(
            "No progress report for %(days)s working day",
            "No progress report for %(days)s working days",
            row.silent_days,
        )
        cell += f'<br><small class="days soon progress-silence">{silent}</small>'
    return cell


def queue_rows_html(rows) -> str:
    """The ``<tr>`` of each of the queue's rows, as requests/partials/queue_results.html wrote them."""
    if not rows:
        return ""
    sample_pk = 987654321
    detail_url = _escaped(reverse("requests:detail", args=[sample_pk])).split(str(sample_pk))
    target_title, urgent_label = _escaped(_("Internal target")), _escaped(_("Urgent"))
    out = []
    for row in rows:
        req = row.req
        urgent = ""
        if req.urgent:
            target = req.urgent_target
            month_day = f"{target.month:02d}-{target.day:02d}" if target else ""
            urgent = (
                f'<br><span class="tag urgent" title="{target_title} {_ymd(target)}">{urgent_label} · '
                f"{month_day}</span>"
            )
        badges = "".join(
            f' <span class="tag priority priority-{_escaped(group)}">{_escaped(label)}</span>'
            for group, label in row.priority_badges
        )
        matter = _escaped(req.matter.name) if req.matter is not None else ""
        helper = _escaped(req.helper.name) if req.helper is not None else ""
        url = str(req.pk).join(detail_url)
        out.append(
            f'\n    <tr class="{_escaped(row.deadline.level)}{" urgent" if req.urgent else ""}">\n'
            f'      <td class="nowrap"><a href="{url}">{_escaped(req.number)}</a>{urgent}</td>\n'
            f'      <td>{_escaped(req.applicant_name)}<br><small class="muted nowrap">'
            f"{_escaped(req.applicant_phone_masked)}</small>{badges}</td>\n"
            f'      <td class="matter">{matter}</td>\n'
            f'      <td class="nowrap">{_escaped(row.kind_label)}</td>\n'
            f'      <td><span class="status status-{_escaped(req.status)}">{_escaped(row.status_label)}</span></td>\n'
            f'      <td class="nowrap">{helper}</td>\n'
            f'      <td class="nowrap">{_ymd(req.applied_at)}</td>\n'
            f'      <td class="nowrap">{_deadline_cell(row)}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above


def urgent_first_rows(page) -> list:
    """The pinned urgent requests, then the page's rows; with more urgent requests than pinned the pages keep them
    all (requests.selectors.request_page), and a pinned one is not listed twice."""
    pinned = {req.pk for req in page.pinned}
    return [*page.pinned, *(req for req in page.rows if req.pk not in pinned)]


def _refuse_personal_query(request):
    """A full ID number or phone in ``?q=`` is not searched; a page load goes back to the address without it."""
    if request.htmx or not looks_personal(request.GET.get("q", "")):
        return None
    messages.error(request, refusal_message(request.user))
    return redirect(_url_without(request, "q"))


def _no_personal_push(request, response):
    """The search box sent a full ID number or phone by htmx: the filter refused it, and htmx must not push it."""
    if looks_personal(request.GET.get("q", "")):
        response["HX-Push-Url"] = _url_without(request, "q")
    return response


def _url_without(request, *names: str) -> str:
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in names:
            query.setlist(key, values)
    return f"{request.path}?{query.urlencode()}" if query else request.path


class PersonalSearchForm(forms.Form):
    value = forms.CharField(label=_("ID number or phone"), max_length=40)

    def clean_value(self):
        value = self.cleaned_data["value"].strip()
        if not looks_personal(value):
            raise forms.ValidationError(_("Enter a full ID number (18 characters) or an 11-digit mobile number."))
        return value


@login_required
@require_POST
def request_lookup_view(request):
    """Search the queue by a full ID number or phone: POST only, and the value never reaches a URL.

    The hashes go to the session under a random token, the queue opens at ``?lookup=<token>`` (see
    requests.personal_data), and the search is written to the personal-data access log.
    """
    if not may_search_personal_data(request.user):
        raise PermissionDenied(_("Only supervisors may search by a full ID number or phone number."))
    form = PersonalSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["value"][0])
        return redirect("requests:queue")
    value = form.cleaned_data["value"]
    token = store_lookup(request.session, value)
    matches = ServiceRequest.objects.restrict(request.user).filter(personal_condition(hashes_of(value))).count()
    personal_data_access_record(actor=request.user, kind=AccessKind.SEARCH, matches=matches)
    return redirect(f"{reverse('requests:queue')}?lookup={token}")


def _filter_status(request, filter_set) -> int:
    """400 for a page loaded with filters that are not valid; an htmx search keeps 200, since htmx swaps only a
    successful answer and the clerk must see the form's message under the search box."""
    return 400 if filter_set.form.errors and not request.htmx else 200


# --- Registration -------------------------------------------------------------------------------------------


def _matter_with_materials(value) -> Matter | None:
    if not str(value or "").isdigit():
        return None
    return Matter.objects.active().select_related("department").prefetch_related("materials").filter(pk=value).first()


def _matter_matches(text: str):
    text = (text or "").strip()
    if not text:
        return []
    return list(Matter.objects.active().search(text).select_related("department")[:MATTER_MATCHES])


@login_required
@require_GET
def matter_search_view(request):
    """The registration page's matter picker: a few active matters matching a name, code or pinyin initials."""
    text = validated(MatterFilterForm, request.GET)["q"]
    context = {"matches": _matter_matches(text), "searched": bool(text)}
    return render(request, "requests/partials/matter_search_results.html", context)


@login_required
@require_GET
def matter_materials_view(request, pk: int):
    """The chosen matter with its material checklist, swapped into the registration form."""
    matter = _matter_with_materials(pk)
    if matter is None:
        raise Http404
    context = {
        "matter": matter,
        "materials": matter.materials.all(),
        "checked": set(),
        "clear_matches": True,
        "suggested": suggested_helpers(request.user, matter),
    }
    return render(request, "requests/partials/matter_materials.html", context)


def suggested_helpers(user, matter) -> list:
    """The helpers of the user's centre qualified for the matter's department (the skills matrix), best first: the
    registration page offers them as the dedicated helper beside the clerk themself."""
    member = getattr(user, "staff_member", None)
    if matter is None or member is None:
        return []
    return [
        h
        for h in qualified_helpers(centre_id=member.centre_id, department_id=matter.department_id, matter_id=matter.pk)
        if h.staff_id != member.pk
    ]


def _checked_ids(values) -> set[int]:
    return {int(v) for v in values or [] if str(v).isdigit()}


def _consultation_to_convert(request) -> Consultation | None:
    value = request.GET.get("consultation") or request.POST.get("consultation_id")
    if not str(value or "").isdigit():
        return None
    return (
        Consultation.objects.restrict(request.user)
        .exclude(outcome=ConsultationOutcome.CONVERTED)
        .select_related("matter")
        .filter(pk=value)
        .first()
    )


@staff_page("requests.register_request", methods=None)
def request_register_view(request):
    consultation = _consultation_to_convert(request)
    status = 200
    if request.method == "POST":
        matter = _matter_with_materials(request.POST.get("pick_matter") or request.POST.get("matter_id"))
        if "pick_matter" in request.POST or "find_matter" in request.POST:
            # Without JavaScript the clerk picks a matter by submitting the form: show it again, no errors yet.
            form = RegistrationForm(initial=_initial_from_post(request.POST), matter=matter)
        else:
            form = RegistrationForm(request.POST, matter=matter)
            status = 400
            if form.is_valid():
                req, status = attempt(
                    request,
                    lambda: request_register(actor=request.user, data=form.registration_input()),
                    form,
                    conflict_on_form=True,
                )
                if req is not None:
                    messages.success(request, _("Request %(number)s registered.") % {"number": req.number})
                    return redirect(req)
        checked = _checked_ids(request.POST.getlist("provided_material_ids"))
        matches = _matter_matches(request.POST.get("q")) if matter is None else []
    else:
        initial = {}
        matter = None
        if consultation is not None:
            initial = {"applicant_name": consultation.name, "consultation_id": consultation.pk}
            if consultation.contact:
                initial["applicant_phone"] = consultation.contact
            matter = _matter_with_materials(consultation.matter_id)
        form = RegistrationForm(initial=initial, matter=matter)
        checked, matches = set(), []
    context = {
        "form": form,
        "matter": matter,
        "materials": matter.materials.all() if matter else [],
        "checked": checked,
        "matches": matches,
        "search": request.POST.get("q", "") if request.method == "POST" else "",
        "searched": request.method == "POST" and bool(request.POST.get("q", "").strip()) and matter is None,
        "consultation": consultation,
        "suggested": suggested_helpers(request.user, matter),
        "chosen_helper": str(request.POST.get("helper_id", "")) if request.method == "POST" else "",
    }
    return render(request, "requests/register.html", context, status=status)


def _initial_from_post(data) -> dict:
    initial = {key: data.get(key) for key in RegistrationForm.base_fields if key in data}
    initial["provided_material_ids"] = data.getlist("provided_material_ids")
    return initial


# --- The request page and its actions ---------------------------------------------------------------------


def _visible_request(user, pk: int) -> ServiceRequest:
    """The request for its page, if the user sees it (else a 404)."""
    # The page also names the authors of log entries and reports.
    requests = request_detail_queryset(user=user).prefetch_related(
        "work_log__author__staff_member", "progress_reports__author__staff_member"
    )
    return get_object_or_404(requests, pk=pk)


def _action_form(name: str, req, user, data=None, **kwargs):
    # One page holds many action forms with the same field names: give each its own HTML ids.
    return action_form(name, req=req, user=user, data=data, auto_id=f"id_{name}_%s", **kwargs)


def _render_request(request, req, *, failed: tuple[str, forms.Form] | None = None, status: int = 200):
    user = request.user
    calendar = WorkingCalendar()
    # "Regenerate the draft from the handling record": the summary form shows the draft instead of the summary.
    redraft = not failed and request.GET.get("summary_draft") == "1"

    def form_for(action):
        if failed and failed[0] == action.name:
            return failed[1]
        extra = {"draft": True} if redraft and action.name == "write_summary" else {}
        return _action_form(action.name, req, user, **extra)

    action_forms = [(action, form_for(action)) for action in allowed_actions(user, req)]
    # Material actions sit under the checklist they change, where their table has room.
    material_forms = [(action, form) for action, form in action_forms if action.name in MATERIAL_ACTIONS]
    personal = can_see_personal_data(user, req)
    if personal and request.method == "GET":
        # The PIPL access log. A page drawn again after a refused action is not logged: its GET was, and a
        # refusal changes nothing (tests/test_permission_matrix.py checks that).
        personal_data_access_record(actor=user, kind=AccessKind.VIEW, req=req)
    context = {
        "req": req,
        "events": request_events(req=req),
        "action_forms": [(action, form) for action, form in action_forms if action.name not in MATERIAL_ACTIONS],
        "material_forms": material_forms,
        "open_action": failed[0] if failed else ("write_summary" if redraft else ""),
        "personal": personal,
        "deadline": deadline_info(req, calendar=calendar, today=timezone.localdate()),
        "department_parts": part_rows(req.department_tasks.all(), today=timezone.localdate(), calendar=calendar),
        "silent_days": silences(
            ServiceRequest.objects.filter(pk=req.pk), today=timezone.localdate(), calendar=calendar
        ).get(req.pk),
        "delivery": getattr(req, "delivery", None),
        "evaluation": getattr(req, "evaluation", None),
        "follow_up_task": getattr(req, "follow_up_task", None),
        "summary": getattr(req, "summary", None),
        "consultation": getattr(req, "consultation", None),
        "termination_reason": TERMINATION_REASONS.get(req.termination_reason, req.termination_reason),
        "documents": req.documents.select_related("issued_by__staff_member"),
        "issuable": issuable_documents(user, req),
        "signed_forms": signature_panel(user, req),
        # The centre that forwarded the request keeps a read-only trace (issue 14 item 6).
        "trace_only": user.is_authenticated and not in_charge(user, req),
    }
    return render(request, "requests/detail.html", context, status=status)


def render_request_page(request, pk: int, *, failed: tuple[str, forms.Form] | None = None, status: int = 200):
    """The request page as it is now, e.g. with the reason of a refused print (views_documents) or action."""
    return _render_request(request, _visible_request(request.user, pk), failed=failed, status=status)


@login_required
@require_GET
def request_detail_view(request, pk: int):
    return render_request_page(request, pk)


@login_required
@require_POST
def request_act_view(request, pk: int, action: str):
    """Run one action of the transition table on the request; the service decides whether it may happen."""
    if action not in ACTIONS:
        raise Http404
    req = _visible_request(request.user, pk)
    form = _action_form(action, req, request.user, request.POST)
    refused = _("You may not do this with this request.")
    # Who may act and whether the state allows it are answered before the input is looked at.
    _checked, status = attempt(
        request, lambda: check_action(action, actor=request.user, req=req), form, refused=refused
    )
    if status == 200:
        if not form.is_valid():
            return _render_request(request, req, failed=(action, form), status=400)
        _done, status = attempt(
            request, lambda: perform_action(action, actor=request.user, req=req, form=form), form, refused=refused
        )
    if status == 200:
        messages.success(request, _("%(action)s: done.") % {"action": ACTIONS[action].label})
        return redirect(req)
    return render_request_page(request, pk, failed=(action, form), status=status)


# --- Ledger -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def request_ledger_view(request):
    """The registration ledger on screen, or with ``?format=xlsx`` every filtered row as a spreadsheet."""
    refused = _refuse_personal_query(request)
    if refused is not None:
        return refused
    request_filter_set = _request_filter(request)
    queryset = ledger_queryset(request_filter_set.qs)
    calendar = WorkingCalendar()
    if request.GET.get("format") == "xlsx" and request_filter_set.form.errors:
        return bad_query_response(request, form_errors(request_filter_set.form))
    if request.GET.get("format") == "xlsx":
        rows = list(ledger_rows(queryset.iterator(chunk_size=500), calendar=calendar))
        dates = request_filter_set.form.cleaned_data
        period = ledger_period(rows, date_from=dates.get("applied_from"), date_to=dates.get("applied_to"))
        return xlsx_response(ledger_workbook(rows, period=period), ledger_filename(timezone.localdate()))
    page = _page(request, queryset)
    rows = list(ledger_rows(page, start=page.start_index() or 1, calendar=calendar))
    context = {**_list_context(request, request_filter_set), "page": page, "rows": rows}
    template = "requests/partials/ledger_results.html" if _partial_wanted(request) else "requests/ledger.html"
    return _no_personal_push(
        request, render(request, template, context, status=_filter_status(request, request_filter_set))
    )
