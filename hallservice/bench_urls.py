"""The site's URLs plus the ceiling view, for benchmarks only (hallservice/settings_bench.py names this URLconf).

The ceiling is what the machine can do for one page behind the same middleware as every other page: one
primary-key lookup and a four-line template. The citizen status page is compared with it (`make load`,
benchmarks/compare_peer.py); django-helpdesk's harness has the same view (../shared/peer-helpdesk).
"""

from functools import cache

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from requests.models import ServiceRequest

from .urls import handler403, handler404, handler500  # noqa: F401
from .urls import urlpatterns as site_urlpatterns

# Like render() with a template file (and its context processors), without adding a file to templates/.
CEILING_TEMPLATE = """<!doctype html>
<html><head><title>{{ req.number }}</title></head>
<body><h1>{{ req.number }}</h1>
<p>{{ req.get_status_display }} · {{ req.applied_at|date:"Y-m-d H:i" }}</p></body></html>
"""


@require_GET
def ceiling(request, pk: int):
    """One request by primary key, rendered by a tiny template: the floor under every page's time.

    No login in front of it, so it shows nothing personal: the number and the status only.
    """
    req = get_object_or_404(ServiceRequest, pk=pk)
    return HttpResponse(_ceiling_template().render({"req": req}, request))


@cache
def _ceiling_template():
    # Compiled once per process, as the cached template loader does for a template file.
    return engines["django"].from_string(CEILING_TEMPLATE)


urlpatterns = [path("bench/ceiling/<int:pk>/", ceiling, name="bench-ceiling"), *site_urlpatterns]
