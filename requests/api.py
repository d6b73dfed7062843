"""REST API of the requests app (DRF + django-filter); the same selectors and services as the HTML views."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from .models import Matter, RequiredMaterial
from .selectors import matter_list


class RequiredMaterialOutput(serializers.ModelSerializer):
    class Meta:
        model = RequiredMaterial
        fields = ["id", "position", "name", "how_to_obtain", "submission_form", "copies", "tolerant_waivable"]


class MatterOutput(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    materials = RequiredMaterialOutput(many=True, read_only=True)

    class Meta:
        model = Matter
        fields = [
            "id",
            "code",
            "name",
            "main_item",
            "sub_item",
            "department",
            "department_name",
            "accepting_window",
            "legal_basis",
            "process",
            "time_limit_days",
            "handling_type",
            "fees",
            "contact_phone",
            "materials",
        ]


class MatterFilter(django_filters.FilterSet):
    handling_type = django_filters.ChoiceFilter(choices=Matter._meta.get_field("handling_type").choices)

    class Meta:
        model = Matter
        fields = ["department", "handling_type"]


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", str, description="Part of the name, code or pinyin initials (bdc)")]
    )
)
class MatterViewSet(viewsets.ReadOnlyModelViewSet):
    """The service catalogue: active matters with their required materials."""

    serializer_class = MatterOutput
    filterset_class = MatterFilter

    def get_queryset(self):
        return matter_list(search=self.request.query_params.get("q", "")).prefetch_related("materials")
