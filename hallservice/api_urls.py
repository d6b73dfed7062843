"""Version 1 of the API: each app registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from requests.api import ConsultationViewSet, DocumentViewSet, MatterViewSet, ServiceRequestViewSet

router = DefaultRouter()
router.register("matters", MatterViewSet, basename="matter")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("requests", ServiceRequestViewSet, basename="request")
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = router.urls
