"""Supervision pages (督查指导科): statistics, monthly reports, annual assessment, integrity records, ledger audit."""

from django.urls import path

from . import views, views_access, views_evaluation_push, views_people

app_name = "supervision"

urlpatterns = [
    path("", views.statistics_view, name="statistics"),
    path("statistics.csv", views.statistics_csv, name="statistics-csv"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_status, name="report"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="report-download"),
    path("assessment/", views_people.assessment_list, name="assessment"),
    path("assessment/export.xlsx", views_people.assessment_export, name="assessment-export"),
    path("assessment/<int:staff_id>/", views_people.assessment_person, name="assessment-person"),
    path("integrity/", views_people.integrity_list, name="integrity"),
    path("integrity/<int:pk>/revoke/", views_people.integrity_revoke, name="integrity-revoke"),
    path("audit/", views_people.ledger_audit, name="audit"),
    path("access-log/", views_access.access_log, name="access-log"),
    path("evaluation-push/", views_evaluation_push.evaluation_push_list, name="evaluation-push"),
    path(
        "evaluation-push/<int:pk>/retry/",
        views_evaluation_push.evaluation_push_retry_view,
        name="evaluation-push-retry",
    ),
]
