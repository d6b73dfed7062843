"""REST API of the requests app (DRF + django-filter + drf-spectacular).

The same forms validate input as on the HTML pages and the same services decide, so the API and the pages
cannot disagree. Another centre's request is a 404 (the queryset is scoped), a role without the permission
a 403, an action the state does not allow a 409, bad input a 400 with field messages.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from hallservice.core.api import enum_field, never_conflicts, require_perm, validated
from hallservice.core.errors import PermissionDenied
from hallservice.core.form_schema import form_data_from_json, json_object, serializer_for_form
from hallservice.core.idempotency import IdempotentCreateMixin
from hallservice.core.pagination import IdFirstPagination, SeekPagination
from hallservice.core.workdays import WorkingCalendar

from . import services as svc
from .actions import (
    action_form,
    action_form_class,
    allowed_actions,
    can_see_personal_data,
    check_action,
    perform_action,
)
from .consultation_record import record_export
from .department_clock import part_deadline_info
from .filters import RequestFilter
from .forms import ConsultationForm, ConsultationRecordForm, RegistrationForm, ReviewMaterialsForm
from .models import (
    AccessKind,
    Consultation,
    DeliveryMethod,
    DocumentKind,
    FollowUpStatus,
    IssuedDocument,
    KeptSignature,
    Matter,
    PickupMethod,
    PriorityGroup,
    RequiredMaterial,
    ServiceRequest,
    SignatureSource,
    SignedFormKind,
    Status,
)
from .personal_data import hashes_of, looks_personal, may_search_personal_data, personal_condition
from .selectors import (
    API_LIST_COLUMNS,
    matter_list,
    request_detail_queryset,
    request_events,
    request_filter,
    request_page,
)
from .services.consultations import may_answer_consultations
from .services.documents import document_issue
from .services.signatures import TABLET_KINDS
from .services.transitions import ACTIONS, HANDLING
from .summary_draft import summary_draft_for
from .views_consultations import notice_response, officer_name

# --- Catalogue ------------------------------------------------------------------------------------------


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
    # A form field, so that bad text (a NUL character, which PostgreSQL refuses) is a 400, not a 500.
    q = django_filters.CharFilter(method="search", help_text="Part of the name, code or pinyin initials (bdc)")
    handling_type = django_filters.ChoiceFilter(choices=Matter._meta.get_field("handling_type").choices)

    class Meta:
        model = Matter
        fields = ["department", "handling_type"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class MatterViewSet(viewsets.ReadOnlyModelViewSet):
    """The service catalogue: active matters with their required materials."""

    serializer_class = MatterOutput
    filterset_class = MatterFilter

    def get_queryset(self):
        return matter_list().prefetch_related("materials")


# --- Input handling shared by the viewsets -----------------------------------------------------------


def _validated(form) -> None:
    """Raise DRF's 400 with the form's field messages when the input is bad (or is not a JSON object)."""
    form.data = form_data_from_json(form)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


# --- Consultations ------------------------------------------------------------------------------------


class ConsultationOutput(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "centre",
            "channel",
            "name",
            "contact_masked",
            "question",
            "answer",
            "matter",
            "owner",
            "owner_name",
            "outcome",
            "request",
            "created_at",
            "answer_due",
            "answered_at",
            "overdue",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, consultation) -> bool:
        """Still waiting for its answer after the answer deadline (首问负责)."""
        return consultation.is_overdue(timezone.localdate())


ConsultationInput = serializer_for_form(ConsultationForm, "ConsultationInput")


class ConsultationHandoverInput(serializers.Serializer):
    to_id = serializers.IntegerField(help_text="The staff member of the same centre who owns the question from now on")
    reason = serializers.CharField(max_length=200)


class ConsultationRecordQuery(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="First day (default: the 1st of date_to's month)")
    date_to = serializers.DateField(required=False, help_text="Last day, included (default: today)")
    file_type = serializers.ChoiceField(choices=["xlsx", "pdf"], required=False, default="xlsx")


class ConsultationAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)
    referred = serializers.BooleanField(required=False, default=False)


class ConsultationViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Consultations of the user's centre(s); the staff member who records one owns it (首问负责制)."""

    serializer_class = ConsultationOutput
    filterset_fields = ["channel", "outcome", "matter"]

    def get_queryset(self):
        return Consultation.objects.restrict(self.request.user).select_related("owner").order_by("-created_at")

    @extend_schema(request=ConsultationInput, responses={201: ConsultationOutput})
    def create(self, request, *args, **kwargs):
        require_perm(request.user, "requests.register_request")
        form = ConsultationForm(data=json_object(request.data))
        _validated(form)
        consultation = svc.consultation_create(actor=request.user, **form.cleaned_data)
        return Response(ConsultationOutput(consultation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConsultationAnswerInput, responses=ConsultationOutput)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        consultation = self.get_object()
        if not may_answer_consultations(request.user):
            raise PermissionDenied(_("You may not answer this consultation."))
        data = validated(ConsultationAnswerInput, request.data)
        consultation = svc.consultation_answer(actor=request.user, consultation_id=consultation.pk, **data)
        return Response(ConsultationOutput(consultation).data)

    @extend_schema(request=ConsultationHandoverInput, responses=ConsultationOutput)
    @action(detail=True, methods=["post"])
    def hand_over(self, request, pk=None):
        """首问负责: hand a waiting question to a colleague with the reason; only its owner, a duty leader or a
        supervisor may; the new owner is e-mailed."""
        consultation = self.get_object()
        if not may_answer_consultations(request.user):
            raise PermissionDenied(_("You may not hand over this consultation."))
        data = validated(ConsultationHandoverInput, request.data)
        consultation = svc.consultation_hand_over(actor=request.user, consultation_id=consultation.pk, **data)
        return Response(ConsultationOutput(consultation).data)

    @extend_schema(request=None, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Issue the one-time notice (一次性告知单) of the consultation's matter: every material to prepare. 409
        without a matter."""
        consultation = self.get_object()
        issued, code = svc.consultation_issue_notice(actor=request.user, consultation_id=consultation.pk)
        return notice_response(issued, code, officer=officer_name(request.user))

    @extend_schema(
        parameters=[ConsultationRecordQuery],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, methods=["get"])
    def record(self, request):
        """The consultation record (接待咨询记录, seed 004) of a date range as xlsx or PDF; contacts masked."""
        query = validated(ConsultationRecordQuery, request.query_params)
        # The page's form fills in the default range, so the page and the API export the same days.
        form = ConsultationRecordForm(data={**query, "format": query["file_type"]})
        if not form.is_valid():
            raise ValidationError({name: [str(error) for error in errors] for name, errors in form.errors.items()})
        data = form.cleaned_data
        export = record_export(
            user=request.user, date_from=data["date_from"], date_to=data["date_to"], fmt=data["format"]
        )
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response


# --- Requests -------------------------------------------------------------------------------------------


PRIORITY_GROUPS_HELP = (
    "The applicant's priority groups (seed 001 五): elderly (derived from the birth date in the ID number), disabled, "
    "pregnant, military, key_project (the request is linked to a key project). Filter the list with priority_group."
)


class RequestListOutput(serializers.ModelSerializer):
    """A request as lists show it: personal data masked."""

    matter_name = serializers.CharField(source="matter.name", read_only=True)
    helper_name = serializers.CharField(source="helper.name", read_only=True)
    department_name = serializers.CharField(source="lead_department.name", read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    working_days_left = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    priority_groups = serializers.ListField(
        child=enum_field(PriorityGroup, "PriorityGroupEnum")(), read_only=True, help_text=PRIORITY_GROUPS_HELP
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "channel",
            "category",
            "applicant_type",
            "applicant_name",
            "applicant_id_type",
            "applicant_id_masked",
            "applicant_phone_masked",
            "matter",
            "matter_name",
            "centre",
            "centre_name",
            "helper",
            "helper_name",
            "lead_department",
            "department_name",
            "key_project",
            "applied_at",
            "accepted_at",
            "deadline",
            "working_days_left",
            "overdue",
            "urgent",
            "urgent_target",
            "priority_groups",
        ]

    def _calendar(self) -> WorkingCalendar:
        # One calendar per response: overrides are read once per year, whatever the page size.
        if "calendar" not in self.context:
            self.context["calendar"] = WorkingCalendar()
        return self.context["calendar"]

    def get_working_days_left(self, obj) -> int | None:
        if obj.deadline is None or obj.status not in HANDLING:
            return None
        return self._calendar().working_days_between(self.context["today"], obj.deadline)

    def get_overdue(self, obj) -> bool:
        return (
            obj.deadline is not None
            and obj.status in (Status.ACCEPTED, Status.IN_PROGRESS)
            and obj.deadline < self.context["today"]
        )

    def to_representation(self, instance):
        # The list's rows as plain values (issue 17): DRF's field by field walk (getattr through the source, a
        # representation call per field, 28 fields by 50 rows) was most of the API list's Python time. Same output
        # as the fields give, key for key (tests/requests/test_api.py compares the two); the detail and search
        # serializers, which add fields, go field by field.
        if type(self) is not RequestListOutput:
            return super().to_representation(instance)
        return self._plain_row(instance)

    def _plain_row(self, obj) -> dict:
        fields = self.fields  # the date-times through their fields: the current time zone's offset, as DRF writes it
        row = {
            "id": obj.pk,
            "number": _text(obj.number),
            "kind": _text(obj.kind),
            "status": _text(obj.status),
            "channel": _text(obj.channel),
            "category": _text(obj.category),
            "applicant_type": _text(obj.applicant_type),
            "applicant_name": _text(obj.applicant_name),
            "applicant_id_type": _text(obj.applicant_id_type),
            "applicant_id_masked": _text(obj.applicant_id_masked),
            "applicant_phone_masked": _text(obj.applicant_phone_masked),
            "matter": obj.matter_id,
        }
        # A name through a relation that is empty is left out, as DRF's read-only field skips it.
        if obj.matter is not None:
            row["matter_name"] = str(obj.matter.name)
        row["centre"] = obj.centre_id
        if obj.centre is not None:
            row["centre_name"] = _text(obj.centre.name)
        row["helper"] = obj.helper_id
        if obj.helper is not None:
            row["helper_name"] = _text(obj.helper.name)
        row["lead_department"] = obj.lead_department_id
        if obj.lead_department is not None:
            row["department_name"] = _text(obj.lead_department.name)
        row["key_project"] = obj.key_project_id
        for name in ("applied_at", "accepted_at"):
            value = getattr(obj, name)
            row[name] = None if value is None else fields[name].to_representation(value)
        row["deadline"] = obj.deadline.isoformat() if obj.deadline else None
        row["working_days_left"] = self.get_working_days_left(obj)
        row["overdue"] = self.get_overdue(obj)
        row["urgent"] = None if obj.urgent is None else bool(obj.urgent)
        row["urgent_target"] = obj.urgent_target.isoformat() if obj.urgent_target else None
        groups = obj.priority_groups
        row["priority_groups"] = None if groups is None else [None if g is None else str(g) for g in groups]
        return row


def _text(value) -> str | None:
    return None if value is None else str(value)


class MaterialCheckOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    how_to_obtain = serializers.CharField()
    tolerant_waivable = serializers.BooleanField()
    status = serializers.CharField()
    promised_by = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class DepartmentTaskOutput(serializers.Serializer):
    """A department's part with its clock (requests/department_clock.py): time limit, the part it waits for, the day
    it opened, its deadline, working days left (negative once overdue) and how far it has been escalated."""

    id = serializers.IntegerField()
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    description = serializers.CharField()
    status = serializers.CharField()
    note = serializers.CharField()
    working_days = serializers.IntegerField(help_text="Time limit in working days, counted from opened_on.")
    after = serializers.IntegerField(
        source="after_id", allow_null=True, help_text="The earlier part this one waits for; null: in parallel."
    )
    opened_on = serializers.DateField(allow_null=True, help_text="When the clock started; null while waiting.")
    deadline = serializers.DateField(allow_null=True)
    working_days_left = serializers.SerializerMethodField(
        help_text="Working days to the deadline while the department owes the part; negative once overdue."
    )
    escalation_level = serializers.IntegerField(
        help_text="0 not escalated, 1 helper, 2 duty leader, 3 supervision section, 4 bureau leader."
    )
    escalation_level_label = serializers.CharField(source="get_escalation_level_display")

    def get_working_days_left(self, obj) -> int | None:
        if "calendar" not in self.context:
            self.context["calendar"] = WorkingCalendar()
        today = self.context.get("today") or timezone.localdate()
        return part_deadline_info(obj, calendar=self.context["calendar"], today=today).days_left


class ExtensionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    working_days = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()


class ReturnedItemOutput(serializers.Serializer):
    """One material handed back to the applicant at delivery (移交相关材料)."""

    position = serializers.IntegerField()
    name = serializers.CharField()


class KeptSignatureOutput(serializers.ModelSerializer):
    """One kept version of a signed form: a scan of the signed paper or a copy signed on the tablet."""

    kind = enum_field(SignedFormKind, "SignedFormKindEnum")(read_only=True)
    source = enum_field(SignatureSource, "SignatureSourceEnum")(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = KeptSignature
        fields = ["id", "request", "kind", "version", "source", "sha256", "size", "kept_by", "kept_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("requests:signature-download", args=[obj.pk])


class DeliveryOutput(serializers.Serializer):
    """How the result reached the applicant (当面递交, 邮寄, 登门送达 of seed 003); the address masked."""

    method = enum_field(DeliveryMethod, "DeliveryMethodEnum")(read_only=True)
    signer = serializers.CharField()
    recipient = serializers.CharField()
    address_masked = serializers.CharField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    deliverer_name = serializers.CharField(source="deliverer.name", default="")
    handed_over_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField()
    receipt_confirmed_at = serializers.DateTimeField(allow_null=True)
    returned_items = ReturnedItemOutput(many=True, read_only=True)


class FollowUpTaskOutput(serializers.Serializer):
    """The helper's follow-up after delivery (跟踪服务): due date, and once done its outcome and note."""

    helper_name = serializers.CharField(source="helper.name")
    due = serializers.DateField()
    status = enum_field(FollowUpStatus, "FollowUpStatusEnum")(read_only=True)
    outcome = serializers.CharField()
    note = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)


class RequestDetailOutput(RequestListOutput):
    """A request with its parts; ID number, phone and address unmasked only for the helper and supervisors."""

    applicant_id_number = serializers.SerializerMethodField()
    applicant_phone = serializers.SerializerMethodField()
    applicant_address = serializers.SerializerMethodField()
    material_checks = MaterialCheckOutput(many=True, read_only=True)
    department_tasks = DepartmentTaskOutput(many=True, read_only=True)
    extensions = ExtensionOutput(many=True, read_only=True)
    delivery = DeliveryOutput(read_only=True, allow_null=True, default=None)
    signatures = KeptSignatureOutput(many=True, read_only=True)
    follow_up_task = FollowUpTaskOutput(read_only=True, allow_null=True, default=None)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(RequestListOutput.Meta):
        fields = [
            *RequestListOutput.Meta.fields,
            "contact_person",
            "applicant_id_document",
            "applicant_id_number",
            "applicant_phone",
            "applicant_address",
            "origin_centre",
            "reason",
            "urgent_reason",
            "commission_signed",
            "paused_working_days",
            "extension_working_days",
            "completed_at",
            "result",
            "delivered_at",
            "closed_at",
            "archived_at",
            "termination_reason",
            "material_checks",
            "department_tasks",
            "extensions",
            "delivery",
            "signatures",
            "follow_up_task",
            "allowed_actions",
        ]

    def _unmasked(self, obj) -> bool:
        return can_see_personal_data(self.context["request"].user, obj)

    def get_applicant_id_number(self, obj) -> str:
        return obj.applicant_id_number if self._unmasked(obj) else obj.applicant_id_masked

    def get_applicant_phone(self, obj) -> str:
        return obj.applicant_phone if self._unmasked(obj) else obj.applicant_phone_masked

    def get_applicant_address(self, obj) -> str:
        return obj.applicant_address if self._unmasked(obj) else ("***" if obj.applicant_address else "")

    def get_allowed_actions(self, obj) -> list[str]:
        return [a.name for a in allowed_actions(self.context["request"].user, obj)]


class SummaryDraftOutput(serializers.Serializer):
    text = serializers.CharField(help_text="The draft summary built from the request's history; nothing is saved")


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    verb = serializers.CharField()
    verb_label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    public = serializers.BooleanField()
    actor = serializers.SerializerMethodField()
    actor_kind = serializers.CharField()
    at = serializers.DateTimeField()

    def get_actor(self, obj) -> str:
        """The staff member's name or login; "system" or "citizen" when no user acted."""
        return obj.actor_name if obj.actor_id is not None else obj.actor_kind


RegistrationInput = serializer_for_form(RegistrationForm, "RegistrationInput")
ReviewMaterialsInput = inline_serializer(
    "ReviewMaterialsInput",
    {
        "reviews": serializers.ListField(
            child=inline_serializer(
                "MaterialReview",
                {
                    "check_id": serializers.IntegerField(),
                    "status": serializers.ChoiceField(choices=["provided", "missing", "waived", "needs_correction"]),
                    "promised_by": serializers.DateField(required=False, allow_null=True),
                    "note": serializers.CharField(required=False, allow_blank=True),
                },
            )
        )
    },
)


def _reviews_as_form_data(data) -> dict:
    """The API's list of reviews as the fields of the page's checklist, which the form reads."""
    reviews = data.get("reviews", [])
    if not isinstance(reviews, list) or not all(isinstance(r, dict) for r in reviews):
        raise ValidationError({"reviews": ["Expected a list of objects."]})
    return ReviewMaterialsForm.data_from_api(data)


def request_action(name: str, *, request=None):
    """Make the method the endpoint ``POST /api/v1/requests/{id}/<name>/`` of action ``name`` of the table.

    Its summary, description and input schema come from the table entry and the action's form (``request``
    overrides the input schema), so the documentation follows the table; the refusals (400, 403, 404, 409) are
    documented for every write by `HallAutoSchema`.
    """
    entry = ACTIONS[name]
    if request is None:
        request = serializer_for_form(action_form_class(name), "".join(p.title() for p in name.split("_")) + "Input")
    allowed = ", ".join(sorted(s.value for s in entry.allowed_in))

    def decorate(method):
        method.__doc__ = method.__doc__ or f"{entry.label} (allowed in: {allowed})."
        endpoint = action(detail=True, methods=["post"], url_path=name, url_name=name.replace("_", "-"))(method)
        # extend_schema after @action: @action replaces the method's kwargs, where extend_schema keeps its
        # override, so the other order documented every action's input as RequestDetailOutput.
        return extend_schema(request=request, responses=RequestDetailOutput, summary=str(entry.label))(endpoint)

    return decorate


class DocumentOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "request",
            "kind",
            "version",
            "code",
            "signing_copy",
            "sha256",
            "size",
            "issued_by",
            "issued_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str:
        return reverse("api:document-download", args=[obj.pk])


class SignatureUploadInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SignedFormKind.choices)
    file = serializers.FileField(help_text="PDF, PNG or JPEG of the signed paper form")


class SignatureSignInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in TABLET_KINDS])
    signature = serializers.CharField(
        max_length=2_000_000, help_text="The pad's drawing as a data:image/png;base64,… URL"
    )


class DocumentIssueInput(serializers.Serializer):
    signing_copy = serializers.BooleanField(required=False, default=False)
    pickup_method = serializers.ChoiceField(choices=PickupMethod.choices, required=False)
    pickup_recipient = serializers.CharField(required=False, allow_blank=True, max_length=50)
    pickup_address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    pickup_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


def _documents_of(request, req):
    documents = req.documents.all()
    if not can_see_personal_data(request.user, req):
        documents = documents.exclude(signing_copy=True)
    return documents


class RequestSearchOutput(RequestListOutput):
    """A request found by a personal search: as lists show it. A class of its own because the search pages by
    number (no ``count_exact``), so its page must not share the queue's page component in the schema."""


class PersonalSearchInput(serializers.Serializer):
    value = serializers.CharField(max_length=40, help_text="A full ID number or an 11-digit mobile number")

    def validate_value(self, value):
        if not looks_personal(value):
            raise ValidationError(_("Enter a full ID number (18 characters) or an 11-digit mobile number."))
        return value.strip()


@extend_schema_view(
    list=extend_schema(responses=RequestListOutput(many=True)),
    retrieve=extend_schema(responses=RequestDetailOutput),
)
class ServiceRequestViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Requests of the user's centre(s): list with the queue's filters, register, detail, events and actions.

    The list's ``q`` refuses a full ID number or phone (400): those never travel in a query string. Supervisors
    search by one with ``POST /api/v1/requests/search/`` and ``{"value": "<ID number or phone>"}``; the search is
    written to the personal-data access log.
    """

    filterset_class = RequestFilter
    pagination_class = SeekPagination

    def list(self, request, *args, **kwargs):
        """The queue's rows, newest first, a page at a time by cursor (issue 17): one index range per branch of
        visibility instead of sorting everything the user may see on each call."""
        filter_set = request_filter(user=request.user, filters=request.query_params, restricted=False)
        if not filter_set.is_valid():
            raise translate_validation(filter_set.errors)
        paginator = self.paginator
        page = request_page(
            user=request.user,
            filter_set=filter_set,
            per_page=paginator.page_size_for(request),
            after=request.query_params.get("after"),
            before=request.query_params.get("before"),
            page=request.query_params.get("page"),
            columns=API_LIST_COLUMNS,
        )
        paginator.use_page(page, request)
        return paginator.get_paginated_response(self.get_serializer(page.rows, many=True).data)

    def get_queryset(self):
        if self.action in ("list", "search"):
            return (
                ServiceRequest.objects.restrict(self.request.user)
                .select_related("matter", "helper", "lead_department", "centre")
                .order_by("-applied_at", "-pk")
            )
        return request_detail_queryset(user=self.request.user)

    def get_serializer_class(self):
        return RequestListOutput if self.action == "list" else RequestDetailOutput

    def get_serializer_context(self):
        from django.utils import timezone

        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=RegistrationInput, responses={201: RequestDetailOutput})
    def create(self, request, *args, **kwargs):
        require_perm(request.user, "requests.register_request")
        data = json_object(request.data)
        matter = Matter.objects.filter(pk=_int_or_none(data.get("matter_id")) or 0).first()
        form = RegistrationForm(data=data, matter=matter)
        _validated(form)
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k == "provided_material_ids"}
        req = svc.request_register(actor=request.user, data=svc.RegistrationInput(**data))
        req = request_detail_queryset(user=request.user).get(pk=req.pk)
        return Response(self.get_serializer(req).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        req = self.get_object()
        if can_see_personal_data(request.user, req):
            svc.personal_data_access_record(actor=request.user, kind=AccessKind.VIEW, req=req)
        return Response(self.get_serializer(req).data)

    @extend_schema(request=PersonalSearchInput, responses=RequestSearchOutput(many=True))
    @action(detail=False, methods=["post"], pagination_class=IdFirstPagination)
    @never_conflicts
    def search(self, request):
        """Requests whose applicant has this full ID number or phone: supervisors only, by POST, logged."""
        if not may_search_personal_data(request.user):
            raise PermissionDenied(_("Only supervisors may search by a full ID number or phone number."))
        data = validated(PersonalSearchInput, json_object(request.data))
        queryset = self.get_queryset().filter(personal_condition(hashes_of(data["value"])))
        svc.personal_data_access_record(actor=request.user, kind=AccessKind.SEARCH, matches=queryset.count())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            RequestSearchOutput(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses=EventOutput(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        req = self.get_object()
        return Response(EventOutput(request_events(req=req), many=True).data)

    @extend_schema(responses=SummaryDraftOutput, summary="Draft of the summary from the request's history")
    @action(
        detail=True,
        methods=["get"],
        url_path="summary-draft",
        url_name="summary-draft",
        pagination_class=None,
        filter_backends=[],
    )
    def summary_draft(self, request, pk=None):
        """The helper's summary as drafted from the request's events and complaints, to edit and send to
        ``write_summary``. Allowed to whoever may write the summary now (403, 409 otherwise); saves nothing."""
        req = self.get_object()
        check_action("write_summary", actor=request.user, req=req)
        return Response(SummaryDraftOutput({"text": summary_draft_for(req)}).data)

    @extend_schema(responses=DocumentOutput(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def documents(self, request, pk=None):
        """Every issued version of every form of the request (signing copies only for those who may see them)."""
        req = self.get_object()
        return Response(DocumentOutput(_documents_of(request, req), many=True).data)

    @extend_schema(
        request=DocumentIssueInput,
        responses={201: DocumentOutput},
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=DocumentKind.values)],
    )
    @action(detail=True, methods=["post"], url_path=r"documents/(?P<kind>[a-z_]+)", url_name="issue-document")
    def issue_document(self, request, pk=None, kind=None):
        """Print a new version of a form; 409 when the form makes no sense in the request's state."""
        req = self.get_object()
        data = validated(DocumentIssueInput, request.data)
        document = document_issue(actor=request.user, request_id=req.pk, kind=kind, **data)
        return Response(DocumentOutput(document).data, status=status.HTTP_201_CREATED)

    # --- Signed forms kept as files (issue 18) ----------------------------------------------------------------

    @extend_schema(responses=KeptSignatureOutput(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def signatures(self, request, pk=None):
        """Every kept version of every signed form of the request, with its SHA-256."""
        req = self.get_object()
        return Response(KeptSignatureOutput(req.signatures.order_by("kind", "version"), many=True).data)

    @extend_schema(
        request={"multipart/form-data": SignatureUploadInput},
        responses={201: KeptSignatureOutput},
        summary="Keep a scan of a signed form",
    )
    @action(detail=True, methods=["post"], url_path="signatures/upload", url_name="signature-upload")
    def upload_signature(self, request, pk=None):
        """Keep a scan or photo of a signed paper form (commission letter, acceptance form, completion form, post
        receipt) as a new version; type, size and first bytes checked (400), 409 when the form makes no sense now."""
        req = self.get_object()
        require_perm(request.user, "requests.handle_request")
        data = validated(SignatureUploadInput, request.data)
        kept = svc.signature_upload(actor=request.user, request_id=req.pk, kind=data["kind"], file=data["file"])
        return Response(KeptSignatureOutput(kept).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignatureSignInput, responses={201: KeptSignatureOutput}, summary="Sign on the tablet")
    @action(detail=True, methods=["post"], url_path="signatures/sign", url_name="signature-sign")
    def sign_signature(self, request, pk=None):
        """The applicant signed on the tablet: a signed copy of the last printed version of the form is rendered
        with the drawing and kept; 400 when the drawing is not a real PNG of a sane size, 409 before the form is
        printed."""
        req = self.get_object()
        require_perm(request.user, "requests.handle_request")
        data = validated(SignatureSignInput, json_object(request.data))
        kept = svc.signature_sign_on_tablet(
            actor=request.user, request_id=req.pk, kind=data["kind"], signature=data["signature"]
        )
        return Response(KeptSignatureOutput(kept).data, status=status.HTTP_201_CREATED)

    # --- Actions of the transition table: one POST endpoint each, /api/v1/requests/{id}/<action>/ ---------

    def _act(self, request, name: str, *, form_data=json_object):
        """Run action ``name``: refuse early (403/409) before reading input, validate it (400), call the service."""
        req = self.get_object()
        check_action(name, actor=request.user, req=req)
        data = form_data(json_object(request.data))
        form = action_form(name, req=req, user=request.user, data=data)
        _validated(form)
        perform_action(name, actor=request.user, req=req, form=form)
        req = get_object_or_404(self.get_queryset(), pk=req.pk)
        return Response(RequestDetailOutput(req, context=self.get_serializer_context()).data)

    # Intake

    @request_action("review_materials", request=ReviewMaterialsInput)
    def review_materials(self, request, pk=None):
        return self._act(request, "review_materials", form_data=_reviews_as_form_data)

    @request_action("record_handover")
    def record_handover(self, request, pk=None):
        return self._act(request, "record_handover")

    @request_action("accept")
    def accept(self, request, pk=None):
        return self._act(request, "accept")

    @request_action("issue_deficiency_notice")
    def issue_deficiency_notice(self, request, pk=None):
        return self._act(request, "issue_deficiency_notice")

    @request_action("refuse")
    def refuse(self, request, pk=None):
        return self._act(request, "refuse")

    @request_action("supply_materials")
    def supply_materials(self, request, pk=None):
        return self._act(request, "supply_materials")

    @request_action("convert_to_agency")
    def convert_to_agency(self, request, pk=None):
        return self._act(request, "convert_to_agency")

    @request_action("forward")
    def forward(self, request, pk=None):
        return self._act(request, "forward")

    # Handling

    @request_action("start")
    def start(self, request, pk=None):
        return self._act(request, "start")

    @request_action("log_work")
    def log_work(self, request, pk=None):
        return self._act(request, "log_work")

    @request_action("ask_correction")
    def ask_correction(self, request, pk=None):
        return self._act(request, "ask_correction")

    @request_action("report_progress")
    def report_progress(self, request, pk=None):
        return self._act(request, "report_progress")

    @request_action("add_department_task")
    def add_department_task(self, request, pk=None):
        return self._act(request, "add_department_task")

    @request_action("claim_task")
    def claim_task(self, request, pk=None):
        return self._act(request, "claim_task")

    @request_action("finish_task")
    def finish_task(self, request, pk=None):
        return self._act(request, "finish_task")

    @request_action("record_joint_meeting")
    def record_joint_meeting(self, request, pk=None):
        return self._act(request, "record_joint_meeting")

    @request_action("suspend")
    def suspend(self, request, pk=None):
        return self._act(request, "suspend")

    @request_action("resume")
    def resume(self, request, pk=None):
        return self._act(request, "resume")

    @request_action("request_extension")
    def request_extension(self, request, pk=None):
        return self._act(request, "request_extension")

    @request_action("decide_extension")
    def decide_extension(self, request, pk=None):
        return self._act(request, "decide_extension")

    @request_action("reassign")
    def reassign(self, request, pk=None):
        return self._act(request, "reassign")

    @request_action("link_key_project")
    def link_key_project(self, request, pk=None):
        return self._act(request, "link_key_project")

    # Urgent handling and priority groups (issue 18)

    @request_action("mark_urgent")
    def mark_urgent(self, request, pk=None):
        """Mark urgent (急办) with the reason and an internal target before the promised deadline; without
        ``urgent_target`` the target is computed (settings.URGENT_TARGET_SHARE_PERCENT of the working days left).
        409 when already urgent; 400 for a target not before the deadline."""
        return self._act(request, "mark_urgent")

    @request_action("unmark_urgent")
    def unmark_urgent(self, request, pk=None):
        return self._act(request, "unmark_urgent")

    @request_action("set_priority_groups")
    def set_priority_groups(self, request, pk=None):
        """Set the applicant's priority groups; ``elderly`` counts only for a document without a birth date (it is
        derived from a resident ID, a residence permit or a permanent residence card)."""
        return self._act(request, "set_priority_groups")

    # Closing

    @request_action("complete")
    def complete(self, request, pk=None):
        return self._act(request, "complete")

    @request_action("deliver")
    def deliver(self, request, pk=None):
        return self._act(request, "deliver")

    @request_action("confirm_receipt")
    def confirm_receipt(self, request, pk=None):
        return self._act(request, "confirm_receipt")

    @request_action("terminate")
    def terminate(self, request, pk=None):
        return self._act(request, "terminate")

    @request_action("evaluate")
    def evaluate(self, request, pk=None):
        return self._act(request, "evaluate")

    @request_action("follow_up")
    def follow_up(self, request, pk=None):
        return self._act(request, "follow_up")

    @request_action("record_follow_up")
    def record_follow_up(self, request, pk=None):
        return self._act(request, "record_follow_up")

    @request_action("write_summary")
    def write_summary(self, request, pk=None):
        return self._act(request, "write_summary")

    @request_action("archive")
    def archive(self, request, pk=None):
        return self._act(request, "archive")


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Issued documents of the requests the user may see; the PDF itself at /download/."""

    serializer_class = DocumentOutput
    filterset_fields = ["kind", "request"]

    def get_queryset(self):
        documents = IssuedDocument.objects.filter(
            request__in=ServiceRequest.objects.restrict(self.request.user)
        ).order_by("-issued_at", "-pk")
        if not self.request.user.has_perm("requests.view_personal_data"):
            member = getattr(self.request.user, "staff_member", None)
            documents = documents.exclude(Q(signing_copy=True) & ~Q(request__helper_id=getattr(member, "pk", None)))
        return documents

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        if document.signing_copy:
            svc.personal_data_access_record(actor=request.user, kind=AccessKind.SIGNING_COPY, req=document.request)
        return FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            filename=f"{document.code}-v{document.version}.pdf",
        )
