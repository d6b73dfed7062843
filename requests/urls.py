from django.urls import path

from . import (
    views,
    views_appointments,
    views_consultations,
    views_documents,
    views_evaluations,
    views_projects,
    views_signatures,
)

app_name = "requests"

urlpatterns = [
    path("matters/", views.matter_list_view, name="matter-list"),
    path("matters/<int:pk>/", views.matter_detail_view, name="matter-detail"),
    path("requests/", views.request_queue_view, name="queue"),
    path("requests/lookup/", views.request_lookup_view, name="lookup"),
    path("requests/new/", views.request_register_view, name="register"),
    path("requests/ledger/", views.request_ledger_view, name="ledger"),
    path("requests/matter-search/", views.matter_search_view, name="matter-search"),
    path("requests/matter-materials/<int:pk>/", views.matter_materials_view, name="matter-materials"),
    path("requests/<int:pk>/", views.request_detail_view, name="detail"),
    path("requests/<int:pk>/act/<slug:action>/", views.request_act_view, name="act"),
    path("requests/<int:pk>/documents/<slug:kind>/", views_documents.document_issue_view, name="document-issue"),
    path("requests/<int:pk>/archive.zip", views_documents.request_archive_zip_view, name="archive-zip"),
    path("documents/<int:pk>/download/", views_documents.document_download_view, name="document-download"),
    # Signed forms kept as files (issue 18): a scan of the signed paper, or signed on the tablet at the desk.
    path("requests/<int:pk>/signatures/", views_signatures.signature_upload_view, name="signature-upload"),
    path("requests/<int:pk>/signatures/<slug:kind>/pad/", views_signatures.signature_pad_view, name="signature-pad"),
    path("signatures/<int:pk>/download/", views_signatures.signature_download_view, name="signature-download"),
    path("documents/blank/", views_documents.blank_forms_view, name="blank-forms"),
    path("documents/blank/<slug:kind>.pdf", views_documents.blank_form_pdf_view, name="blank-form"),
    path("requests/ledger/pdf/", views_documents.ledger_pdf_view, name="ledger-pdf"),
    path("requests/ledger/pdf/<int:pk>/", views_documents.ledger_export_view, name="ledger-export"),
    path(
        "requests/ledger/pdf/<int:pk>/download/",
        views_documents.ledger_export_download_view,
        name="ledger-export-download",
    ),
    path("key-projects/", views_projects.key_project_list_view, name="key-projects"),
    path("key-projects/<int:pk>/", views_projects.key_project_detail_view, name="key-project-detail"),
    path(
        "key-projects/<int:pk>/designate/",
        views_projects.key_project_designate_view,
        name="key-project-designate",
    ),
    path("consultations/", views_consultations.consultation_list_view, name="consultations"),
    path("consultations/new/", views_consultations.consultation_create_view, name="consultation-create"),
    path("consultations/record/", views_consultations.consultation_record_view, name="consultation-record"),
    path("consultations/<int:pk>/", views_consultations.consultation_detail_view, name="consultation-detail"),
    path("consultations/<int:pk>/answer/", views_consultations.consultation_answer_view, name="consultation-answer"),
    path(
        "consultations/<int:pk>/hand-over/",
        views_consultations.consultation_handover_view,
        name="consultation-handover",
    ),
    path("consultations/<int:pk>/notice/", views_consultations.consultation_notice_view, name="consultation-notice"),
]

# The follow-up of poor ratings (F-REQ-9).
urlpatterns += [
    path("evaluations/", views_evaluations.evaluation_list_view, name="evaluations"),
    path("evaluations/<int:pk>/act/<slug:action>/", views_evaluations.evaluation_act_view, name="evaluation-act"),
]

# Appointments with capacity (issue 19): the desk's check-in page and ticket, the supervision section's places.
urlpatterns += [
    path("appointments/", views_appointments.appointment_desk_view, name="appointments"),
    path("appointments/places/", views_appointments.appointment_capacity_view, name="appointment-capacity"),
    path("appointments/<int:pk>/check-in/", views_appointments.appointment_check_in_view, name="appointment-check-in"),
    path("appointments/<int:pk>/no-show/", views_appointments.appointment_no_show_view, name="appointment-no-show"),
    path("appointments/<int:pk>/ticket/", views_appointments.appointment_ticket_view, name="appointment-ticket"),
]
