"""A test urlconf: the site's URLs plus two that fail, to see the 500 page (tests/hallservice/test_error_pages.py)."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("database went away")


urlpatterns = [
    path("boom/", boom),
    path("track/boom/", boom),
    path("api/v1/boom/", boom),
    path("", include("hallservice.urls")),
]

handler403 = "hallservice.core.errorpages.permission_denied"
handler404 = "hallservice.core.errorpages.page_not_found"
handler500 = "hallservice.core.errorpages.server_error"
