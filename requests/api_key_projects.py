"""API of key projects (重点项目): read them with their history; a bureau leader designates the agent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hallservice.core.api import enum_field, require_perm, validated

from .models import KeyProject, KeyProjectEvent, KeyProjectVerb
from .services import key_project_designate_agent

KeyProjectVerbField = enum_field(KeyProjectVerb, "KeyProjectVerbEnum")


class KeyProjectEventOutput(serializers.ModelSerializer):
    verb = KeyProjectVerbField(read_only=True)
    actor_name = serializers.CharField(read_only=True)
    agent_name = serializers.CharField(source="agent.name", read_only=True, default="")
    previous_agent_name = serializers.CharField(source="previous_agent.name", read_only=True, default="")

    class Meta:
        model = KeyProjectEvent
        fields = [
            "verb",
            "actor_name",
            "agent",
            "agent_name",
            "previous_agent",
            "previous_agent_name",
            "requests_moved",
            "note",
            "at",
        ]


class KeyProjectOutput(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.name", read_only=True, default="")
    events = KeyProjectEventOutput(many=True, read_only=True)

    class Meta:
        model = KeyProject
        fields = [
            "id",
            "name",
            "centre",
            "enterprise",
            "level",
            "description",
            "agent",
            "agent_name",
            "created_at",
            "events",
        ]


class KeyProjectDesignateInput(serializers.Serializer):
    agent = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class KeyProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Key projects of the user's centres; ``designate`` names the agent (局领导指定, seed 000 三.4)."""

    serializer_class = KeyProjectOutput

    def get_queryset(self):
        return (
            KeyProject.objects.restrict(self.request.user)
            .select_related("agent")
            .prefetch_related("events__agent", "events__previous_agent", "events__actor__staff_member")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=KeyProjectDesignateInput, responses=KeyProjectOutput)
    @action(detail=True, methods=["post"])
    def designate(self, request, pk=None):
        """Designate the agent or a new one; 400 with a field error when the agent or the reason does not fit."""
        project = self.get_object()
        require_perm(request.user, "requests.designate_key_project_agent")
        data = validated(KeyProjectDesignateInput, request.data)
        key_project_designate_agent(
            actor=request.user, project_id=project.pk, agent_id=data["agent"], reason=data["reason"]
        )
        return Response(KeyProjectOutput(self.get_queryset().get(pk=project.pk)).data)
