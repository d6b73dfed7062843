"""API-wide pieces: the exception handler that maps domain errors to HTTP answers, the early permission check,
choice fields documented as named enums."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, TransitionNotAllowed
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import IdempotentCreateMixin


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


def exception_handler(exc, context):
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        body = {exc.field: [str(exc)]} if exc.field else {"detail": str(exc)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class HallAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the `Idempotency-Key` header on every create that honours it."""

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
