"""Top-level URLs: site pages, auth, admin, API and health check."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from requests.views_sms import sms_callback

from . import board, views
from .accounts import LoginView, PasswordChangeView, ThrottledAdminAuthenticationForm, admin_login

admin.site.site_header = "帮办代办服务系统 · 管理"
admin.site.site_title = "帮办代办服务系统"
admin.site.index_title = "基础数据"
admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.login = admin_login  # answers 429 when throttled (hallservice.accounts)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The SMS gateway's delivery reports and citizens' replies, signed (hallservice/core/sms_gateway.py).
    path("sms/callback/", sms_callback, name="sms-callback"),
    path("", include("requests.urls")),
    path("complaints/", include("complaints.urls")),
    path("rosters/", include("rosters.urls")),
    path("training/", include("training.urls")),
    path("supervision/", include("supervision.urls")),
    path("track/", include("requests.public.urls")),
    path("guide/", include("guide.urls")),
    # The hall's TV (issue 19): public, or behind the centre's display token; no login.
    path("board/<str:code>/", board.display_board, name="board"),
    path("board/<str:code>/live/", board.display_board_live, name="board-live"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password-change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from ?script instead of inline: the CSP allows no inline script.
    # Both need a signed-in user (SPECTACULAR_SETTINGS); a page for people, the docs send a stranger to the login.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    # Namespaced: the router's names (request-detail, matter-list…) must not shadow the HTML pages' names.
    path("api/v1/", include(("hallservice.api_urls", "api"), namespace="api")),
]

# Chinese error pages for staff and citizens (hallservice.core.errorpages); CSRF_FAILURE_VIEW points there too.
handler403 = "hallservice.core.errorpages.permission_denied"
handler404 = "hallservice.core.errorpages.page_not_found"
handler500 = "hallservice.core.errorpages.server_error"

if settings.DEBUG:
    # Development only (`make run`): MEDIA_ROOT holds issued forms with personal data, so production serves it by
    # no URL at all; every download goes through a view that checks who asks (docs/operations.md).
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
