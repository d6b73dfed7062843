"""Supervision pages (督查指导科): statistics, monthly reports, annual assessment, integrity records, ledger audit,
inspections, circulated notices and difficult points."""

from django.urls import path

from . import views, views_access, views_evaluation_push, views_inspections, views_people, views_skills, views_sms

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
    path("skills/", views_skills.skills_matrix, name="skills"),
    path("skills/recompute/", views_skills.skills_recompute, name="skills-recompute"),
    path("skills/<int:staff_id>/", views_skills.skills_person, name="skills-person"),
    path("skills/gaps/<int:gap_id>/plan/", views_skills.skill_gap_plan, name="skill-gap-plan"),
    path("access-log/", views_access.access_log, name="access-log"),
    path("inspections/", views_inspections.inspection_list, name="inspections"),
    path("inspections/new/", views_inspections.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views_inspections.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/rectify/", views_inspections.inspection_rectify, name="inspection-rectify"),
    path("notices/", views_inspections.notice_list, name="notices"),
    path("notices/new/", views_inspections.notice_create, name="notice-create"),
    path("notices/<int:pk>/", views_inspections.notice_detail, name="notice"),
    path("notices/<int:pk>/pdf/", views_inspections.notice_download, name="notice-pdf"),
    path("difficult-points/", views_inspections.difficult_point_list, name="difficult-points"),
    path("difficult-points/new/", views_inspections.difficult_point_create, name="difficult-point-create"),
    path("difficult-points/<int:pk>/", views_inspections.difficult_point_detail, name="difficult-point"),
    path(
        "difficult-points/<int:pk>/meetings/",
        views_inspections.difficult_point_meeting,
        name="difficult-point-meeting",
    ),
    path(
        "difficult-points/<int:pk>/resolve/", views_inspections.difficult_point_resolve, name="difficult-point-resolve"
    ),
    path("evaluation-push/", views_evaluation_push.evaluation_push_list, name="evaluation-push"),
    path("sms/", views_sms.sms_list, name="sms"),
    path("sms/opt-out/", views_sms.sms_opt_out, name="sms-opt-out"),
    path(
        "evaluation-push/<int:pk>/retry/",
        views_evaluation_push.evaluation_push_retry_view,
        name="evaluation-push-retry",
    ),
]
