"""Public pages for citizens under /track/ (no login)."""

from django.urls import path

from . import views, views_appointments

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
    # Appointments with capacity (issue 19): book a half-day with free places, look the booking up, cancel it.
    path("book/", views_appointments.track_book, name="book"),
    path("book/done/", views_appointments.track_book_done, name="book-done"),
    path("booking/", views_appointments.track_booking, name="booking"),
    path("booking/cancel/", views_appointments.track_booking_cancel, name="booking-cancel"),
]
