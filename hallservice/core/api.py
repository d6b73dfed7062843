"""API-wide pieces: the exception handler that maps domain errors to HTTP answers, the early permission check,
choice fields documented as named enums, and the schema that documents every refusal an operation can answer."""

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, TransitionNotAllowed
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import IdempotentCreateMixin
from .months import month_start


def require_perm(user, *perms: str) -> None:
    """Answer 403 before the input is read when the user holds none of ``perms``.

    The services check again, with everything that depends on the object; asking first means a role that may not
    act gets "forbidden" rather than field errors, as `check_action` does for the request actions.
    """
    if not any(user.has_perm(perm) for perm in perms):
        raise exceptions.PermissionDenied()


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """The input checked by ``serializer_class``: a 400 with its field messages when it does not fit."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def enum_field(choices, component: str) -> type[serializers.ChoiceField]:
    """A choice field documented as its own named enum, so it cannot collide with another app's "status".

    An annotated class, not an instance: DRF rebuilds declared fields from their arguments for every
    serializer, which would drop an annotation set on the instance.
    """

    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    EnumField.__name__ = EnumField.__qualname__ = f"{component}Field"
    return extend_schema_field({"type": "string", "enum": list(choices.values)}, component_name=component)(EnumField)


class MonthOfFilter(django_filters.DateFilter):
    """A month filter given any day of the month: the rows whose month field (``field_name``, a month's first
    day) is that month."""

    def filter(self, qs, value):
        return super().filter(qs, month_start(value) if value else value)


def exception_handler(exc, context):
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        body = {exc.field: [str(exc)]} if exc.field else {"detail": str(exc)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        # Messages that name no field go where DRF puts them, so every 400 has the one documented shape.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


def never_conflicts(handler):
    """Mark a POST that changes no object's state (a search by POST, revoking one's own tokens): no 409 and no
    service's 400 is documented for it (`HallAutoSchema`)."""
    handler.never_conflicts = True
    return handler


# --- The bodies of refusals, as the exception handler above writes them -----------------------------------------


class ErrorOutput(serializers.Serializer):
    """A refusal that names no field: not signed in (401), not allowed (403), not found (404), too many (429)."""

    detail = serializers.CharField(help_text="Why the request was refused, fit to show a clerk")


class ConflictOutput(serializers.Serializer):
    """The object's state does not allow the action now (409); ``detail`` says why."""

    detail = serializers.CharField(help_text="The reason, e.g. that the request is already accepted")


class ValidationErrorOutput(serializers.Serializer):
    """The input does not fit (400): each field at fault with its messages; a nested input nests its errors."""

    detail = serializers.CharField(required=False, help_text="A rule that names no field, or a body that is not JSON")
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Messages about the input as a whole"
    )


class ValidationErrorOutputSchema(OpenApiSerializerExtension):
    """Field names are the operation's own, so any other key is a field: a list of messages, or for a nested input
    (a list of objects, a dict of marks) its errors by position or key."""

    target_class = ValidationErrorOutput

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target_class, direction, bypass_extensions=True)
        messages = {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}}
        schema["additionalProperties"] = {"anyOf": [messages, {"type": "object"}]}
        return schema


WRITES = ("POST", "PUT", "PATCH", "DELETE")


class HallAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the `Idempotency-Key` header on every create that honours it and the refusals
    every operation can answer.

    The refusals come from one exception handler and a few shared rules, so they are derived here from what the
    operation is rather than written beside each view: 401 and 403 wherever a login is needed; 400 for input
    (a body or query parameters) and for every write, whose service may refuse with a message; 404 for an object
    named in the path and for a page number past the end; 409 for a write the object's state may not allow (and an
    idempotent create still running); 422 for an idempotency key reused with another body; 429 where the view is
    throttled. A response an operation documents itself (with a body) is kept.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, (serializer, description) in self._refusals(operation).items():
            if "content" in responses.get(code, {}):
                continue
            component = self.resolve_serializer(serializer, "response")
            responses[code] = {
                "content": {"application/json": {"schema": component.ref}},
                "description": description,
            }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _handler(self):
        name = getattr(self.view, "action", None) or self.method.lower()
        return getattr(self.view, name, None)

    def _refusals(self, operation: dict) -> dict[str, tuple[type[serializers.Serializer], str]]:
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        in_path = any(p["in"] == "path" for p in parameters)
        write = self.method in WRITES and not getattr(self._handler(), "never_conflicts", False)
        idempotent = any(p["in"] == "header" and p["name"] == IDEMPOTENCY_HEADER for p in parameters)
        refusals = {}
        if "requestBody" in operation or query or write:
            refusals["400"] = (ValidationErrorOutput, "The input does not fit, or a rule of the hall refuses it")
        if not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            refusals["401"] = (ErrorOutput, "No valid token or session")
            refusals["403"] = (ErrorOutput, "The user's role may not do this")
        if in_path or "page" in query:
            refusals["404"] = (ErrorOutput, "No such object among those the user may see, or no such page")
        if write or idempotent:
            refusals["409"] = (ConflictOutput, "The object's state does not allow this now")
        if idempotent:
            refusals["422"] = (ValidationErrorOutput, "The idempotency key was used before with another body")
        if self.view.get_throttles():
            refusals["429"] = (ErrorOutput, "Too many requests: wait as long as Retry-After says")
        return refusals

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        view = self.view
        if isinstance(view, IdempotentCreateMixin) and getattr(view, "action", None) in view.idempotent_actions:
            parameters = [
                *parameters,
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=(
                        "1–100 printable ASCII characters chosen by the client. A retry with the same key and body "
                        "answers the first response again (header Idempotent-Replayed: true); the same key with "
                        "another body answers 422."
                    ),
                ),
            ]
        return parameters
