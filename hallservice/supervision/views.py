"""Statistics dashboard and monthly reports (being written)."""

from django.http import Http404


def _pending(request, **kwargs):
    raise Http404


statistics_view = statistics_csv = report_list = report_status = report_download = _pending
