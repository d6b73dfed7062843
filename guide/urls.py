"""Public pages under /guide/ (no login): the service guide, the helper board and the printable signs."""

from django.urls import path

from . import views

app_name = "guide"

urlpatterns = [
    path("", views.guide_home, name="home"),
    path("matters/<str:code>/", views.guide_matter_detail, name="matter"),
    path("matters/<str:code>/checklist.pdf", views.guide_checklist_pdf, name="checklist"),
    path("helpers/", views.guide_helpers, name="helpers"),
    path("helpers/<int:pk>/photo/", views.guide_helper_photo, name="helper-photo"),
    path("signs/service.pdf", views.guide_service_sign, name="service-sign"),
    path("signs/complaint.pdf", views.guide_complaint_sign, name="complaint-sign"),
]
