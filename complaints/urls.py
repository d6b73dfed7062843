"""Complaint pages (F-SUP-2) under /complaints/, named ``complaints:…``."""

from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list_view, name="list"),
    path("new/", views.complaint_create_view, name="create"),
    path("dashboard/", views.complaint_dashboard_view, name="dashboard"),
    path("<int:pk>/", views.complaint_detail_view, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.complaint_act_view, name="act"),
]
