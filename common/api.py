"""Turning a service's ValidationError into the API's answer, the same way everywhere."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as ApiValidationError


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


def call_service(service, *, field: str = "detail", conflict_codes: tuple[str, ...] = (), **kwargs):
    """Call a service; its ValidationError becomes a 400 under `field`, or a 409 for a
    conflict with the current state (e.g. a submitted attempt being edited)."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        if getattr(error, "code", None) in conflict_codes:
            raise Conflict(error.messages[0]) from error
        raise ApiValidationError({field: error.messages}) from error
