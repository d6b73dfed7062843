"""Every write of the training app. Import from here: `from training.services import session_create`.

sessions.py      plan, edit, hold or cancel trainings; attendance; materials
bank.py          the question bank and its xlsx import
exams.py         monthly tests: set, publish, close, excuse
attempts.py      taking a test: start (the draw), answer, submit, time running out
consequences.py  study days and recommendations after a test closes
proposals.py     training proposed by complaints and poor ratings: propose, accept into the bank, dismiss
"""

from .attempts import (
    attempt_answer,
    attempt_expire_overdue,
    attempt_save_answers,
    attempt_start,
    attempt_start_or_resume,
    attempt_submit,
)
from .bank import (
    ImportRefused,
    ImportResult,
    ImportRow,
    question_check,
    question_create,
    question_delete,
    question_import,
    question_set_active,
    question_update,
    topic_create,
)
from .consequences import monthly_test_apply_consequences, recommendation_mark_sent, study_source
from .exams import attempt_excuse, monthly_test_close, monthly_test_create, monthly_test_publish, monthly_test_update
from .proposals import training_proposal_accept, training_proposal_dismiss, training_proposal_propose
from .sessions import (
    attendance_record,
    session_attendee_add,
    session_cancel,
    session_complete,
    session_create,
    session_manager_check,
    session_material_add,
    session_update,
)

__all__ = [
    "ImportRefused",
    "ImportResult",
    "ImportRow",
    "attempt_answer",
    "attempt_excuse",
    "attempt_expire_overdue",
    "attempt_save_answers",
    "attempt_start",
    "attempt_start_or_resume",
    "attempt_submit",
    "attendance_record",
    "monthly_test_apply_consequences",
    "monthly_test_close",
    "monthly_test_create",
    "monthly_test_publish",
    "monthly_test_update",
    "question_check",
    "question_create",
    "question_delete",
    "question_import",
    "question_set_active",
    "question_update",
    "recommendation_mark_sent",
    "session_attendee_add",
    "session_cancel",
    "session_complete",
    "session_create",
    "session_manager_check",
    "session_material_add",
    "session_update",
    "study_source",
    "topic_create",
    "training_proposal_accept",
    "training_proposal_dismiss",
    "training_proposal_propose",
]
