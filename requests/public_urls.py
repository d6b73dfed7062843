from django.urls import path

from . import public

urlpatterns = [
    path("d/<str:token>/", public.track_document, name="track-document"),
]
