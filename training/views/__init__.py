"""Training pages (F-TRN). Views stay thin: reads through training.selectors, writes through training.services;
a service's error comes back as a form error, a message with 409 (the state does not allow it) or 403. Another
centre's session, test or question is a 404: every lookup goes through a scoped queryset."""

from .bank import (
    bank_import_status_view,
    bank_import_view,
    bank_template_view,
    bank_view,
    question_act_view,
    question_edit_view,
)
from .exams import (
    attempt_answer_view,
    attempt_submit_view,
    attempt_view,
    my_training_view,
    notices_read_view,
    test_act_view,
    test_detail_view,
    test_list_view,
    test_start_view,
)
from .proposals import proposal_accept_view, proposal_detail_view, proposal_dismiss_view, proposal_list_view
from .reports import (
    attendance_view,
    person_view,
    recommendation_letter_view,
    recommendation_sent_view,
    recommendations_view,
    scores_view,
)
from .sessions import material_view, session_act_view, session_detail_view, session_edit_view, session_list_view

__all__ = [
    "attempt_answer_view",
    "attempt_submit_view",
    "attempt_view",
    "attendance_view",
    "bank_import_status_view",
    "bank_import_view",
    "bank_template_view",
    "bank_view",
    "material_view",
    "my_training_view",
    "notices_read_view",
    "person_view",
    "proposal_accept_view",
    "proposal_detail_view",
    "proposal_dismiss_view",
    "proposal_list_view",
    "question_act_view",
    "question_edit_view",
    "recommendation_letter_view",
    "recommendation_sent_view",
    "recommendations_view",
    "scores_view",
    "session_act_view",
    "session_detail_view",
    "session_edit_view",
    "session_list_view",
    "test_act_view",
    "test_detail_view",
    "test_list_view",
    "test_start_view",
]
