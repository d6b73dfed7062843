"""Public pages for citizens under /track/ (no login)."""

from django.urls import path

from . import public

urlpatterns = [
    path("", public.track_home, name="track-home"),
    path("r/<str:token>/", public.track_request, name="track-request"),
    path("r/<str:token>/evaluate/", public.track_evaluate, name="track-evaluate"),
    path("c/<str:token>/", public.track_complaint, name="track-complaint"),
    path("d/<str:token>/", public.track_document, name="track-document"),
    path("consult/", public.track_consult, name="track-consult"),
    path("consult/done/", public.track_consult_done, name="track-consult-done"),
    path("complain/", public.track_complain, name="track-complain"),
    path("complain/done/", public.track_complain_done, name="track-complain-done"),
    path("mode/", public.track_mode, name="track-mode"),
]
