"""The input a roster page's form and the API's serializer both take, as the service's keyword arguments.

The form and the serializer name their fields alike and as the service does, except that a field naming a row
(``absent``, ``staff``) is the service's ``<field>_id``. One rule here keeps the page and the API calling the
service the same way: a field added to the form, the serializer and the service needs nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping


def _with_ids(data: Mapping, *rows: str) -> dict:
    return {f"{name}_id" if name in rows else name: value for name, value in data.items()}


def substitution_request_fields(data: Mapping) -> dict:
    """For ``substitution_request``."""
    return _with_ids(data, "absent", "substitute")


def unavailability_record_fields(data: Mapping) -> dict:
    """For ``unavailability_record``."""
    return _with_ids(data, "staff")
