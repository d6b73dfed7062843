"""Version 1 of the API: each app registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from requests.api import MatterViewSet

router = DefaultRouter()
router.register("matters", MatterViewSet, basename="matter")

urlpatterns = router.urls
