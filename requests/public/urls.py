"""Public pages for citizens under /track/ (no login)."""

from django.urls import path

from . import views

app_name = "track"

urlpatterns = [
    path("", views.track_home, name="home"),
    path("r/<str:token>/", views.track_request, name="request"),
    path("r/<str:token>/evaluate/", views.track_evaluate, name="evaluate"),
    path("c/<str:token>/", views.track_complaint, name="complaint"),
    path("d/<str:token>/", views.track_document, name="document"),
    path("consult/", views.track_consult, name="consult"),
    path("consult/done/", views.track_consult_done, name="consult-done"),
    path("complain/", views.track_complain, name="complain"),
    path("complain/done/", views.track_complain_done, name="complain-done"),
    path("mode/", views.track_mode, name="mode"),
]
