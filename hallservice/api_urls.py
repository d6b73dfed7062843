"""Version 1 of the API: each app registers its viewsets on this router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from guide.api import GuideMatterViewSet
from hallservice.core.api_token_views import LogoutAllView
from requests.api import ConsultationViewSet, DocumentViewSet, MatterViewSet, ServiceRequestViewSet
from requests.api_appointments import AppointmentViewSet
from requests.api_key_projects import KeyProjectViewSet
from rosters.api import (
    CheckInViewSet,
    DutyDayViewSet,
    RotationPlanViewSet,
    SubstitutionViewSet,
    UnavailabilityViewSet,
)
from rosters.api_oversight import DutyRecordViewSet, PatrolViewSet
from supervision.api import DifficultPointViewSet, InspectionViewSet, NoticeViewSet
from training.api import (
    MonthlyTestViewSet,
    PaperViewSet,
    QuestionViewSet,
    ScoreViewSet,
    TrainingAttendanceViewSet,
    TrainingProposalViewSet,
    TrainingSessionViewSet,
)

router = DefaultRouter()
router.register("matters", MatterViewSet, basename="matter")
router.register("guide/matters", GuideMatterViewSet, basename="guide-matter")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("requests", ServiceRequestViewSet, basename="request")
router.register("documents", DocumentViewSet, basename="document")
router.register("key-projects", KeyProjectViewSet, basename="key-project")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("rosters/plans", RotationPlanViewSet, basename="rotation-plan")
router.register("rosters/duty-days", DutyDayViewSet, basename="duty-day")
router.register("rosters/substitutions", SubstitutionViewSet, basename="substitution")
router.register("rosters/check-ins", CheckInViewSet, basename="check-in")
router.register("rosters/unavailability", UnavailabilityViewSet, basename="unavailability")
router.register("rosters/patrols", PatrolViewSet, basename="patrol")
router.register("rosters/duty-records", DutyRecordViewSet, basename="duty-record")
router.register("training/sessions", TrainingSessionViewSet, basename="training-session")
router.register("training/attendance", TrainingAttendanceViewSet, basename="training-attendance")
router.register("training/questions", QuestionViewSet, basename="training-question")
router.register("training/tests", MonthlyTestViewSet, basename="training-test")
router.register("training/papers", PaperViewSet, basename="training-paper")
router.register("training/scores", ScoreViewSet, basename="training-score")
router.register("training/proposals", TrainingProposalViewSet, basename="training-proposal")
router.register("supervision/inspections", InspectionViewSet, basename="inspection")
router.register("supervision/notices", NoticeViewSet, basename="notice")
router.register("supervision/difficult-points", DifficultPointViewSet, basename="difficult-point")

urlpatterns = [path("auth/logout-all/", LogoutAllView.as_view(), name="api-logout-all"), *router.urls]
