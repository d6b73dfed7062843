"""Public pages for citizens under /track/ (no login)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.track_home, name="track-home"),
    path("r/<str:token>/", views.track_request, name="track-request"),
    path("r/<str:token>/evaluate/", views.track_evaluate, name="track-evaluate"),
    path("c/<str:token>/", views.track_complaint, name="track-complaint"),
    path("d/<str:token>/", views.track_document, name="track-document"),
    path("consult/", views.track_consult, name="track-consult"),
    path("consult/done/", views.track_consult_done, name="track-consult-done"),
    path("complain/", views.track_complain, name="track-complain"),
    path("complain/done/", views.track_complain_done, name="track-complain-done"),
    path("mode/", views.track_mode, name="track-mode"),
]
