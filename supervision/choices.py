"""Choices of the supervision rows, importable without the models (forms, statistics and assessment use them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import job_rows

ReportStatus = job_rows.job_statuses("ReportStatus", module=__name__, running=_("Running"))


class FigureMeasure(models.TextChoices):
    """What a row of DailyFigure / MonthlyFigure counts, and what its key is (supervision/figures.py)."""

    REGISTERED = "registered", _("Registered")
    REGISTERED_BY_DEPARTMENT = "reg_department", _("Registered by lead department")
    REGISTERED_BY_KIND = "reg_kind", _("Registered by kind")
    REGISTERED_BY_CHANNEL = "reg_channel", _("Registered by channel")
    REGISTERED_BY_CATEGORY = "reg_category", _("Registered by applicant category")
    REGISTERED_BY_HELPER = "reg_helper", _("Registered by helper")
    COMPLETED = "completed", _("Completed")
    COMPLETED_BY_WORKING_DAYS = "done_days", _("Completed by working days taken")
    COMPLETED_BY_HELPER = "done_helper", _("Completed by helper")
    ACCEPTED_BY_HELPER = "acc_helper", _("Accepted by helper")
    EVALUATED_BY_RATING = "eval_rating", _("Evaluated by rating")
    EVALUATED_BY_HELPER = "eval_helper", _("Evaluated by helper")
    CONSULTATIONS = "consultations", _("Consultations")
    # Issue 18: urgent requests (急办) registered, and completed with their internal target met (on_time) or not
    # (late); registrations by the applicant's priority group (key: requests.models.PriorityGroup).
    REGISTERED_URGENT = "reg_urgent", _("Urgent requests registered")
    COMPLETED_URGENT = "done_urgent", _("Urgent requests completed")
    REGISTERED_BY_PRIORITY_GROUP = "reg_priority", _("Registered by priority group")


class IntegrityKind(models.TextChoices):
    FEES = "fees", _("Asked for fees")
    GIFTS = "gifts", _("Accepted gifts or meals")
    RUDENESS = "rudeness", _("Rude or evasive service")
    LEDGER = "ledger", _("Inaccurate ledger")
    CONFIDENTIALITY = "confidentiality", _("Disclosed applicant data")
    OTHER = "other", _("Other breach")


class DifficultPointStatus(models.TextChoices):
    """Where a difficult point (难点堵点) stands: recorded, being coordinated in meetings, resolved."""

    OPEN = "open", _("Open")
    COORDINATING = "coordinating", _("Coordinating")
    RESOLVED = "resolved", _("Resolved")


# Status → the statuses it may become (services_inspections.py moves along it; the detail page offers the actions).
# A coordination meeting moves an open point to coordinating; a resolved point is closed for good.
DIFFICULT_POINT_TRANSITIONS = {
    DifficultPointStatus.OPEN: {DifficultPointStatus.COORDINATING, DifficultPointStatus.RESOLVED},
    DifficultPointStatus.COORDINATING: {DifficultPointStatus.COORDINATING, DifficultPointStatus.RESOLVED},
    DifficultPointStatus.RESOLVED: set(),
}


class SupervisionVerb(models.TextChoices):
    """What can happen to inspections, circulated notices and difficult points: the closed set of their events."""

    INSPECTION_RECORDED = "inspection_recorded", _("inspection recorded")
    RECTIFICATION_RECORDED = "rectification_recorded", _("rectification recorded")
    NOTICE_ISSUED = "notice_issued", _("notice issued")
    POINT_RECORDED = "point_recorded", _("difficult point recorded")
    MEETING_RECORDED = "meeting_recorded", _("coordination meeting recorded")
    POINT_RESOLVED = "point_resolved", _("difficult point resolved")
