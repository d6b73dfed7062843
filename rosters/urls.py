"""Roster pages, under /rosters/ (namespace "rosters")."""

from django.urls import path

from . import views, views_oversight

app_name = "rosters"

urlpatterns = [
    path("", views.plan_list_view, name="plans"),
    path("plans/<int:pk>/", views.plan_detail_view, name="plan-detail"),
    path("plans/<int:pk>/assign/", views.plan_assign_view, name="plan-assign"),
    path("plans/<int:pk>/duty/<int:duty_day_pk>/", views.duty_leader_set_view, name="plan-duty-leader"),
    path("plans/<int:pk>/week-leader/", views.week_leader_set_view, name="plan-week-leader"),
    path("plans/<int:pk>/turn/<int:turn_pk>/", views.turn_set_view, name="plan-turn"),
    path("plans/<int:pk>/publish/", views.plan_publish_view, name="plan-publish"),
    path("plans/<int:pk>/regenerate/", views.plan_regenerate_view, name="plan-regenerate"),
    path("plans/<int:pk>/export.xlsx", views.plan_export_view, name="plan-export"),
    path("duty-schedule.xlsx", views.duty_schedule_export_view, name="duty-schedule-export"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/check-in/", views.record_check_in_view, name="record-check-in"),
    path("check-in/", views.check_in_view, name="check-in"),
    path("substitutions/", views.substitution_list_view, name="substitutions"),
    path("substitutions/new/", views.substitution_create_view, name="substitution-create"),
    path("substitutions/<int:pk>/<slug:action>/", views.substitution_act_view, name="substitution-act"),
    path("absences/", views.unavailability_view, name="unavailability"),
    path("absences/<int:pk>/delete/", views.unavailability_delete_view, name="unavailability-delete"),
    path("reports/attendance/", views.attendance_view, name="attendance"),
    path("duty/<int:pk>/summary/", views.duty_summary_view, name="duty-summary"),
    path("duty/<int:pk>/record/", views_oversight.duty_record_view, name="duty-record"),
    path("duty/<int:pk>/record/review/", views_oversight.duty_record_review_view, name="duty-record-review"),
    path("duty-records/", views_oversight.duty_record_list_view, name="duty-records"),
    path("patrols/", views_oversight.patrol_list_view, name="patrols"),
]
