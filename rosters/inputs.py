"""The input a roster page's form and the API's serializer both take, as the service's keyword arguments.

The form and the serializer name the fields alike (``absent``, ``staff``, …); the services take ids
(``absent_id``, ``staff_id``). Mapping them here keeps the page and the API calling the service the same way.
"""

from __future__ import annotations


def substitution_request_fields(data: dict) -> dict:
    """For ``substitution_request``."""
    return {
        "absent_id": data["absent"],
        "substitute_id": data["substitute"],
        "day": data["day"],
        "duty": data["duty"],
        "reason": data["reason"],
    }


def unavailability_record_fields(data: dict) -> dict:
    """For ``unavailability_record``."""
    return {
        "staff_id": data["staff"],
        "start": data["start"],
        "end": data["end"],
        "kind": data["kind"],
        "note": data["note"],
    }
