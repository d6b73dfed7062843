"""The API's own token endpoint (kept apart from hallservice/core/api_tokens.py, which DRF's settings import early)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .api import never_conflicts
from .api_tokens import api_tokens_revoke_all


class LogoutAllView(APIView):
    """``POST /api/v1/auth/logout-all/``: revoke every API token of the calling user, the one used included."""

    @extend_schema(
        request=None,
        responses=inline_serializer("LogoutAll", {"revoked": serializers.IntegerField()}),
        summary="Revoke all your API tokens",
    )
    @never_conflicts
    def post(self, request):
        return Response({"revoked": api_tokens_revoke_all(user=request.user)})
