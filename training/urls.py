"""Training pages, under /training/ (namespace "training")."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.my_training_view, name="home"),
    path("notices/read/", views.notices_read_view, name="notices-read"),
    path("sessions/", views.session_list_view, name="sessions"),
    path("sessions/<int:pk>/", views.session_detail_view, name="session-detail"),
    path("sessions/<int:pk>/edit/", views.session_edit_view, name="session-edit"),
    path("sessions/<int:pk>/<slug:action>/", views.session_act_view, name="session-act"),
    path("materials/<int:pk>/", views.material_view, name="material"),
    path("bank/", views.bank_view, name="bank"),
    path("bank/import/", views.bank_import_view, name="bank-import"),
    path("bank/import/<int:pk>/", views.bank_import_status_view, name="bank-import-status"),
    path("bank/import-template.xlsx", views.bank_template_view, name="bank-template"),
    path("bank/<int:pk>/", views.question_edit_view, name="question-edit"),
    path("bank/<int:pk>/<slug:action>/", views.question_act_view, name="question-act"),
    path("tests/", views.test_list_view, name="tests"),
    path("tests/<int:pk>/", views.test_detail_view, name="test-detail"),
    path("tests/<int:pk>/start/", views.test_start_view, name="test-start"),
    path("tests/<int:pk>/<slug:action>/", views.test_act_view, name="test-act"),
    path("papers/<int:pk>/", views.attempt_view, name="attempt"),
    path("papers/<int:pk>/answer/", views.attempt_answer_view, name="attempt-answer"),
    path("papers/<int:pk>/submit/", views.attempt_submit_view, name="attempt-submit"),
    path("reports/scores/", views.scores_view, name="report-scores"),
    path("reports/attendance/", views.attendance_view, name="report-attendance"),
    path("people/<int:staff_pk>/", views.person_view, name="person"),
    path("recommendations/", views.recommendations_view, name="recommendations"),
    # Training proposed by upheld complaints and poor ratings (issue 19 item 7): the supervision section decides.
    path("proposals/", views.proposal_list_view, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail_view, name="proposal"),
    path("proposals/<int:pk>/accept/", views.proposal_accept_view, name="proposal-accept"),
    path("proposals/<int:pk>/dismiss/", views.proposal_dismiss_view, name="proposal-dismiss"),
    path("recommendations/<int:pk>/letter.pdf", views.recommendation_letter_view, name="recommendation-letter"),
    path("recommendations/<int:pk>/sent/", views.recommendation_sent_view, name="recommendation-sent"),
]
