"""API clients learn from the published schema that creates take an Idempotency-Key."""

from drf_spectacular.generators import SchemaGenerator


def header_names(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def test_the_schema_documents_the_idempotency_key_on_creates_and_only_there():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "Idempotency-Key" in header_names(paths["/api/v1/requests/"]["post"])
    assert "Idempotency-Key" not in header_names(paths["/api/v1/requests/"]["get"])
    creates = [op for ops in paths.values() for method, op in ops.items() if method == "post"]
    documented = [op["operationId"] for op in creates if "Idempotency-Key" in header_names(op)]
    assert len(documented) >= 10  # every viewset create (tests/hallservice/test_idempotency.py lists them)
    assert not [op for op in documented if not op.endswith("_create")]
