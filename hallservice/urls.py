"""Top-level URLs: site pages, auth, admin, API and health check."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

admin.site.site_header = "帮办代办服务系统 · 管理"
admin.site.site_title = "帮办代办服务系统"
admin.site.index_title = "基础数据"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("requests.urls")),
    path("rosters/", include("rosters.urls")),
    path("training/", include("training.urls")),
    path("supervision/", include("hallservice.supervision.urls")),
    path("track/", include("requests.public_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Namespaced: the router's names (request-detail, matter-list…) must not shadow the HTML pages' names.
    path("api/v1/", include(("hallservice.api_urls", "api"), namespace="api")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
