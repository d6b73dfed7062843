"""The service guide as read-only JSON (/api/v1/guide/matters/), no login: what the public page shows, for a
hall's own kiosk or website. Only active matters; nothing about people beyond the responsible helper's name and
work phone (seed 001 附件 2 lists both publicly)."""

from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from requests.models import Matter, RequiredMaterial

from .selectors import guide_matters, matter_contact, matter_place, process_steps


class GuideMaterialOutput(serializers.ModelSerializer):
    class Meta:
        model = RequiredMaterial
        fields = ["position", "name", "how_to_obtain", "submission_form", "copies", "tolerant_waivable"]


class GuideMatterOutput(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    place = serializers.SerializerMethodField(help_text="Where to go: the hall window with its floor, or a text")
    floor = serializers.IntegerField(source="window.floor", read_only=True, allow_null=True, default=None)
    steps = serializers.SerializerMethodField(help_text="The process, one step an item")
    helper_name = serializers.SerializerMethodField()
    helper_phone = serializers.SerializerMethodField(help_text="The responsible helper's work phone")
    materials = GuideMaterialOutput(many=True, read_only=True)

    class Meta:
        model = Matter
        fields = [
            "code",
            "name",
            "main_item",
            "sub_item",
            "department_name",
            "place",
            "floor",
            "legal_basis",
            "steps",
            "time_limit_days",
            "handling_type",
            "fees",
            "helper_name",
            "helper_phone",
            "materials",
        ]

    def get_place(self, matter: Matter) -> str:
        return matter_place(matter)

    def get_steps(self, matter: Matter) -> list[str]:
        return process_steps(matter)

    def get_helper_name(self, matter: Matter) -> str:
        return matter_contact(matter)[0]

    def get_helper_phone(self, matter: Matter) -> str:
        return matter_contact(matter)[1]


class GuideMatterFilter(django_filters.FilterSet):
    # A form field, so that a NUL character is a 400, not a 500 on PostgreSQL.
    q = django_filters.CharFilter(method="search", help_text="Part of the name, the code, pinyin (gongshang, bdc)")

    class Meta:
        model = Matter
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.search(value)


class GuideMatterViewSet(viewsets.ReadOnlyModelViewSet):
    """The public service guide: active matters with materials, process, time limit, fees, basis and window."""

    authentication_classes: list = []  # public: no session or token is read, so none can be refused
    permission_classes = [AllowAny]
    serializer_class = GuideMatterOutput
    filterset_class = GuideMatterFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return guide_matters().order_by("department__code", "code")
