"""Staff pages of the requests app."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from staff.models import Department

from .models import Matter
from .selectors import matter_list

MATTERS_PER_PAGE = 30


@login_required
def matter_list_view(request):
    search = request.GET.get("q", "").strip()
    department_id = request.GET.get("department") or None
    if department_id and not str(department_id).isdigit():
        department_id = None
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
